from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

# An order's earning on a card, as the points history holds it: its lines of these kinds
# (what it earned at confirmation, its edits, what its credit notes took back or gave back).
# After every event of the order they add up to its net earning (_order_net_earning),
# except for what of it already expired; the order's redemptions are the ``used`` of its
# earning line, its expiries lines of kind "expiry" (see _order_points_ledger).
ORDER_EARNING_KINDS = ("earning", "edit", "refund")

# What each points figure counts: the kinds of points history line (loyalty.history
# crm_vn_kind) and the column read. Lines without a kind, which Odoo itself and other apps
# write, count as earnings that no tier multiplied.
POINTS_FIGURES = {
    # Tier qualification: what orders earned before the tier multiplier, less what refunds
    # and edits took back; bonuses, manual adjustments and expiries do not qualify.
    "qualifying": (ORDER_EARNING_KINDS, "crm_vn_base_points"),
    "issued": (("earning", "bonus", "adjustment", "edit"), "issued"),
    "redeemed": (("earning", "edit"), "used"),
    "expired": (("expiry",), "used"),
    "taken_back": (("refund", "adjustment"), "used"),
}
UNSET_KIND = "earning"


class CrmVnConcepts(models.AbstractModel):
    """The business concepts every figure rests on, each defined once: as an SQL fragment
    (``odoo.tools.SQL``) for the tier engine's queries and the reporting views and, where
    Python needs it too, as an ORM domain next to it. tests/test_concepts.py checks that
    both select the same records.

    The fragments name the fields they read: ``env.execute_query``, ORM searches and the
    reports (``_table_query``) flush them first; ``cr.execute`` does not."""

    _name = "crm.vn.concepts"
    _description = "Customer Care Business Concepts"

    @api.model
    def _reading(self, sql, fields):
        """``sql`` marked as reading ``fields`` ({model: field names}), which
        ``env.execute_query`` and the ORM flush before running it."""
        for model, names in fields.items():
            for name in names:
                sql = SQL("%s", sql, to_flush=self.env[model]._fields[name])
        return sql

    @api.model
    def _company_value_sql(self, alias, fname, company):
        """The value of the partner ``alias``'s company-dependent field ``fname`` (its tier
        and figures) in the company ``company`` (an SQL expression, a row's company): what
        Odoo shows a user working in that company."""
        return self.env["res.partner"]._crm_vn_company_value_sql(alias, fname, company)

    # ------------------------------------------------------------------ customer
    @api.model
    def _customer_sql(self, alias, companies=None):
        """Condition on the partner ``alias``: it is a customer of ``companies`` (of any
        company when not given). A customer is a commercial entity (a company, or a person
        without one), active, not the partner of an internal user, belonging to one of the
        companies or shared by all, that bought (a confirmed order of it or of any of its
        contacts, in one of the companies), is marked as a customer (Odoo's customer rank,
        raised by posted invoices) or holds a tier."""
        partner = SQL.identifier(alias)
        bought = SQL("customer_order.partner_id = %s.id", partner)
        in_companies = SQL("TRUE")
        # The tier is company-dependent: a jsonb keyed by the companies it is held in.
        tiered = SQL("%s.tier_id IS NOT NULL", partner)
        if companies:
            tiered = SQL("%s.tier_id ?| %s", partner, [str(cid) for cid in companies.ids])
            bought = SQL("%s AND customer_order.company_id = ANY(%s)", bought, companies.ids)
            in_companies = SQL("(%(p)s.company_id = ANY(%(ids)s) OR %(p)s.company_id IS NULL)",
                               p=partner, ids=companies.ids)
        return self._reading(SQL("""(
            %(p)s.id = %(p)s.commercial_partner_id AND %(p)s.active AND %(p)s.partner_share
            AND %(in_companies)s
            AND (%(p)s.customer_rank > 0 OR %(tiered)s
                 OR EXISTS (SELECT 1 FROM (%(orders)s) customer_order WHERE %(bought)s))
        )""", p=partner, in_companies=in_companies, orders=self._confirmed_orders_sql(),
            bought=bought, tiered=tiered), {"res.partner": [
                "commercial_partner_id", "active", "partner_share", "company_id", "customer_rank",
                "tier_id"]})

    @api.model
    def _customer_domain(self, companies=None):
        """res.partner domain of _customer_sql. Commercial entities are the partners that
        Odoo makes their own commercial partner: companies and partners without a parent.
        Orders are looked up with the record rules of the user searching."""
        domain = [
            ("active", "=", True), ("partner_share", "=", True),
            "|", ("is_company", "=", True), ("parent_id", "=", False),
            "|", "|", ("customer_rank", ">", 0), ("tier_id", "!=", False),
            ("crm_vn_member_ids", "any", [
                ("sale_order_ids", "any", self._confirmed_order_domain(companies))]),
        ]
        if companies:
            domain.append(("company_id", "in", [*companies.ids, False]))
        return domain

    # ------------------------------------------------------------------ orders and revenue
    @api.model
    def _order_amount_sql(self, alias):
        """An order's revenue: untaxed, in its company's currency at the order's own rate;
        an order without a rate counts at rate 1 (as Odoo's Sales Analysis does)."""
        order = SQL.identifier(alias)
        return self._reading(
            SQL("%(so)s.amount_untaxed / COALESCE(NULLIF(%(so)s.currency_rate, 0), 1)",
                so=order), {"sale.order": ["amount_untaxed", "currency_rate"]})

    @api.model
    def _confirmed_orders_sql(self):
        """Confirmed sales orders (cancelled ones and quotations do not count), one row
        each: id, company_id, date_order, partner_id (the customer: the commercial entity
        of the order's partner, so that a contact's orders count for its company) and
        amount (see _order_amount_sql). Looked up by customer, it runs through the partner
        and order indexes."""
        return self._reading(SQL("""
            SELECT so.id, so.company_id, so.date_order,
                   order_partner.commercial_partner_id AS partner_id, %s AS amount
              FROM sale_order so
              JOIN res_partner order_partner ON order_partner.id = so.partner_id
             WHERE so.state = 'sale'""", self._order_amount_sql("so")), {
            "sale.order": ["state", "partner_id", "company_id", "date_order"],
            "res.partner": ["commercial_partner_id"]})

    @api.model
    def _confirmed_order_domain(self, companies=None):
        """sale.order domain of _confirmed_orders_sql, in ``companies`` when given."""
        domain = [("state", "=", "sale")]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        return domain

    @api.model
    def _posted_refunds_sql(self):
        """Posted customer credit notes, one row each: id, company_id, invoice_date,
        partner_id (the commercial entity) and amount (untaxed, in the company's currency,
        positive): what refunds take off the revenue."""
        return self._reading(SQL("""
            SELECT am.id, am.company_id, am.invoice_date,
                   refund_partner.commercial_partner_id AS partner_id,
                   -am.amount_untaxed_signed AS amount
              FROM account_move am
              JOIN res_partner refund_partner ON refund_partner.id = am.partner_id
             WHERE am.move_type = 'out_refund' AND am.state = 'posted'"""), {
            "account.move": ["move_type", "state", "partner_id", "company_id", "invoice_date",
                             "amount_untaxed_signed"],
            "res.partner": ["commercial_partner_id"]})

    # ------------------------------------------------------------------ first purchase
    @api.model
    def _first_purchase_sql(self, alias):
        """Aggregate over the rows ``alias`` of _confirmed_orders_sql of one customer in
        one company: the date and time of its first purchase there."""
        return SQL("MIN(%s)", SQL.identifier(alias, "date_order"))

    @api.model
    def _first_purchases_sql(self):
        """Each customer's first purchase in each company it bought from: partner_id,
        company_id, date_order. Joined as a whole, it aggregates all confirmed orders: to
        look one customer up, aggregate its own orders with _first_purchase_sql."""
        return SQL("""
            SELECT first_order.partner_id, first_order.company_id, %s AS date_order
              FROM (%s) first_order
          GROUP BY first_order.partner_id, first_order.company_id""",
                   self._first_purchase_sql("first_order"), self._confirmed_orders_sql())

    # ------------------------------------------------------------------ sales team
    @api.model
    def _salesperson_team_sql(self, user):
        """The sales team of the salesperson ``user`` (an SQL expression of a res_users
        id): the one Odoo keeps on the user (res.users.sale_team_id, their first
        membership), which Python reads as ``user.sale_team_id``."""
        return self._reading(SQL("(SELECT team_user.sale_team_id FROM res_users team_user "
                                 "WHERE team_user.id = %s)", user),
                             {"res.users": ["sale_team_id"]})

    # ------------------------------------------------------------------ loyalty points
    @api.model
    def _points_kinds(self, figure):
        """The kinds of points history line that count for ``figure`` (see
        POINTS_FIGURES), False standing for the lines without a kind."""
        kinds = POINTS_FIGURES[figure][0]
        return [*kinds, False] if UNSET_KIND in kinds else list(kinds)

    @api.model
    def _points_line_domain(self, figure):
        """loyalty.history domain of _points_line_sql."""
        return [("crm_vn_kind", "in", self._points_kinds(figure))]

    @api.model
    def _points_line_sql(self, alias, figure):
        """Condition on the points history line ``alias``: it counts for ``figure``."""
        return self._reading(
            SQL("COALESCE(%s, %s) IN %s", SQL.identifier(alias, "crm_vn_kind"), UNSET_KIND,
                POINTS_FIGURES[figure][0]), {"loyalty.history": ["crm_vn_kind"]})

    @api.model
    def _points_sql(self, alias, figure):
        """The points the history line ``alias`` counts for ``figure`` (0 if none)."""
        column = POINTS_FIGURES[figure][1]
        points = SQL.identifier(alias, column)
        if column == "crm_vn_base_points":
            # No tier multiplied a line without a kind: its base points are its points.
            points = SQL("CASE WHEN %s IS NULL THEN %s ELSE %s END",
                         SQL.identifier(alias, "crm_vn_kind"), SQL.identifier(alias, "issued"),
                         points)
        return self._reading(
            SQL("CASE WHEN %s THEN %s ELSE 0 END", self._points_line_sql(alias, figure), points),
            {"loyalty.history": ["issued", "used", "crm_vn_base_points"]})

    @api.model
    def _order_refunded_share(self, order):
        """The share (0 to 1) of ``order``'s untaxed amount refunded by posted credit
        notes, counting only the credit-note lines that refer to the order's own lines: a
        credit note of an invoice shared by several orders refunds each by its own lines."""
        refund_lines = order.order_line.invoice_lines.filtered(
            lambda line: line.move_id.move_type == "out_refund"
            and line.move_id.state == "posted")
        if order.amount_untaxed <= 0:
            return 0.0
        return min(1.0, max(0.0, sum(refund_lines.mapped("price_subtotal"))
                            / order.amount_untaxed))

    @api.model
    def _order_net_earning(self, orders):
        """Each order's net earning per loyalty card, {(order, card): points}: what the
        programme's rule, rate and tier multiplier give the order (its points entry,
        computed at confirmation and at each edit) on its untaxed amount net of the posted
        credit-note lines that refer to its lines; nothing when the order is not
        confirmed (a cancelled order earns nothing)."""
        net = {}
        for order in orders.filtered(lambda o: o.state == "sale"):
            kept = 1.0 - self._order_refunded_share(order)
            for entry in order.coupon_point_ids.sudo().filtered(
                    lambda e: e.coupon_id.program_id.program_type == "loyalty"):
                key = (order, entry.coupon_id)
                net[key] = net.get(key, 0.0) + entry.points * kept
        return net

    @api.model
    def _order_points_ledger(self, orders):
        """What the history holds of each order per card, {(order, card): {"credited",
        "expired", "redeemed", "base_ratio"}}: credited = the issued minus the taken back of
        its ORDER_EARNING_KINDS lines (the ``used`` of an earning line is a redemption),
        expired = its expiry lines, base_ratio = base points per point of its earning."""
        ledger = {}
        lines = self.env["loyalty.history"].sudo().search([
            ("order_model", "=", orders._name), ("order_id", "in", orders.ids)], order="id")
        by_id = {order.id: order for order in orders}
        for line in lines:
            figures = ledger.setdefault((by_id[line.order_id], line.card_id), {
                "credited": 0.0, "expired": 0.0, "redeemed": 0.0, "issued": 0.0, "base": 0.0})
            kind = line.crm_vn_kind or UNSET_KIND
            if kind == "earning":
                figures["credited"] += line.issued
                figures["redeemed"] += line.used
                figures["issued"] += line.issued
                figures["base"] += line.crm_vn_base_points if line.crm_vn_kind else line.issued
            elif kind in ORDER_EARNING_KINDS:
                figures["credited"] += line.issued - line.used
            elif kind == "expiry":
                figures["expired"] += line.used - line.issued
        for figures in ledger.values():
            figures["base_ratio"] = (figures.pop("base") / figures["issued"]
                                     if figures["issued"] else None)
        return ledger

    # ------------------------------------------------------------------ next care date
    @api.model
    def _next_care_date_sql(self, last_interaction, tier_alias):
        """A customer's next care date from its last interaction (an SQL expression) and
        its tiers (the crm_vn_tier rows ``tier_alias``, one per company that tiers it,
        none without a tier), an aggregate; see _next_care_date."""
        tier = SQL.identifier(tier_alias)
        return self._reading(SQL("MIN(CASE WHEN %(tier)s.id IS NOT NULL "
                                 "THEN %(last)s + %(tier)s.contact_interval_days END)",
                                 tier=tier, last=last_interaction),
                             {"crm.vn.tier": ["contact_interval_days"]})

    @api.model
    def _next_care_date(self, last_interaction, tiers):
        """A customer's next care date: its last interaction plus the contact interval of
        its tier, the shortest one for a customer tiered by several companies (the most
        demanding care standard); none without a tier or an interaction."""
        if not (tiers and last_interaction):
            return False
        return last_interaction + timedelta(days=min(tiers.mapped("contact_interval_days")))
