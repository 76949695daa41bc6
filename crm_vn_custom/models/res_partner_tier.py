from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from .crm_vn_trusted_flow import check_protected_change, trusted

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "New"),
    ("at_risk", "At Risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]
# The seven kinds of customer relationship Vietnamese CRM practice names.
RELATIONSHIP_KINDS = [
    ("new", "New (exploring)"),
    ("current", "Current"),
    ("loyal", "Loyal"),
    ("prospective", "Prospective (may return)"),
    ("strategic", "Strategic"),
    ("exchange", "Exchange"),
    ("project", "Project-based"),
]


# Written by the tier engine, the manual tier and Odoo's copy of a company's fields to its
# contacts; refused from anywhere else (see crm_vn_trusted_flow).
TIER_FIELDS = frozenset({
    "tier_id", "tier_since", "tier_grace_until", "tier_override_id", "tier_override_reason",
    "tier_override_until", "tier_currency_id", "tier_revenue", "tier_order_count",
    "tier_points", "first_order_date", "last_order_date", "rfm_recency", "rfm_frequency",
    "rfm_monetary", "rfm_segment", "tier_next_id", "tier_next_missing_revenue",
    "tier_next_missing_orders", "tier_next_missing_points", "tier_next_progress"})
# Held per company (company_dependent): the tier, its figures and the RFM scores.
CRM_VN_COMPANY_FIELDS = frozenset({
    "tier_id", "tier_since", "tier_grace_until", "tier_override_id", "tier_override_reason",
    "tier_override_until", "tier_currency_id", "tier_revenue", "tier_order_count",
    "tier_points", "tier_next_id", "tier_next_missing_revenue", "tier_next_missing_orders",
    "tier_next_missing_points", "tier_next_progress", "first_order_date", "last_order_date",
    "rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "relationship_kind",
    "relationship_kind_manual"})
# What an administrator may write over the API: it becomes an audited manual tier.
MANUAL_TIER_FIELDS = frozenset({
    "tier_id", "tier_override_id", "tier_override_reason", "tier_override_until"})
TIER_ADMIN_GROUP = "crm_vn_custom.group_crm_vn_admin"


# One concern of the customer per file (issue 21): res_partner.py holds its data.
class ResPartner(models.Model):
    """The customer's tier (hạng khách hàng) and its figures, per company, as the tier
    engine writes them; the manual tier; the RFM scores and relationship kind."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Customer tier (hạng khách hàng): written in batches by crm.vn.tier.engine, shared
    # by the commercial entity and its contacts. A tier and its figures belong to a company
    # (company_dependent: one value per company, Odoo's property fields): a customer shared
    # by the companies of a group holds a tier in each, from that company's orders, and
    # users see the one of the company they work in.
    tier_id = fields.Many2one("crm.vn.tier", readonly=True, company_dependent=True)
    tier_since = fields.Date(readonly=True, company_dependent=True)
    tier_grace_until = fields.Date(
        string="Tier Kept Until", readonly=True, company_dependent=True,
        help="The customer no longer qualifies for the tier and keeps it until this date.")
    tier_override_id = fields.Many2one(
        "crm.vn.tier", string="Tier Set Manually", readonly=True, company_dependent=True)
    tier_override_reason = fields.Char(readonly=True, company_dependent=True)
    tier_override_until = fields.Date(
        string="Manual Tier Until", readonly=True, company_dependent=True)
    tier_history_ids = fields.One2many("crm.vn.tier.history", "partner_id")
    tier_currency_id = fields.Many2one("res.currency", readonly=True, company_dependent=True)
    # Floats shown as amounts in the views: Odoo has no company-dependent monetary field.
    tier_revenue = fields.Float(
        string="Revenue in Window", readonly=True, company_dependent=True,
        prefetch="crm_vn_sensitive",
        help="Untaxed revenue of confirmed orders in the tier window, less refunds.")
    tier_order_count = fields.Integer(
        string="Orders in Window", readonly=True, company_dependent=True)
    tier_points = fields.Float(
        string="Points Earned in Window", readonly=True, company_dependent=True,
        digits=(16, 2),
        help="Loyalty points earned over the tier window, when tiers count points.")
    # What is missing for the next tier, from the engine's own figures (nightly and on
    # each order): stored, so that lists sort and filter on it.
    tier_next_id = fields.Many2one(
        "crm.vn.tier", string="Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_revenue = fields.Float(
        string="Revenue Missing for the Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_orders = fields.Integer(
        string="Orders Missing for the Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_points = fields.Float(
        string="Points Missing for the Next Tier", readonly=True, company_dependent=True,
        digits=(16, 2))
    tier_next_progress = fields.Float(
        string="Progress to the Next Tier (%)", readonly=True, company_dependent=True,
        digits=(5, 1),
        help="How far the customer is on the rule of the next tier it is furthest from: "
        "100 means it qualifies at the next recompute.")
    first_order_date = fields.Date(readonly=True, company_dependent=True)
    last_order_date = fields.Date(readonly=True, company_dependent=True)
    days_since_last_order = fields.Integer(compute="_compute_days_since_last_order")
    # RFM and relationship kind: company-wide quantiles, recomputed nightly by the engine,
    # per company like the tier.
    rfm_recency = fields.Integer(string="Recency Score", readonly=True, company_dependent=True)
    rfm_frequency = fields.Integer(
        string="Frequency Score", readonly=True, company_dependent=True)
    rfm_monetary = fields.Integer(string="Monetary Score", readonly=True, company_dependent=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True,
                                   company_dependent=True)
    relationship_kind = fields.Selection(
        RELATIONSHIP_KINDS, company_dependent=True,
        help="Derived from purchases (new, current, loyal, prospective) unless set by hand; "
        "strategic, exchange and project-based relationships are set by hand.")
    relationship_kind_manual = fields.Boolean(
        string="Relationship Set by Hand", company_dependent=True,
        help="Keep the relationship kind staff chose instead of deriving it.")
    # The care standard of the customer's tier, shown on its form.
    tier_color = fields.Integer(related="tier_id.color")
    tier_contact_interval_days = fields.Integer(related="tier_id.contact_interval_days")
    tier_channel_ids = fields.Many2many(related="tier_id.channel_ids")
    tier_complaint_response_hours = fields.Integer(related="tier_id.complaint_response_hours")
    tier_complaint_resolution_hours = fields.Integer(
        related="tier_id.complaint_resolution_hours")
    tier_birthday_gift_policy = fields.Text(related="tier_id.birthday_gift_policy")
    tier_holiday_gift_policy = fields.Text(related="tier_id.holiday_gift_policy")
    tier_account_manager_required = fields.Boolean(related="tier_id.account_manager_required")
    tier_points_multiplier = fields.Float(related="tier_id.points_multiplier")

    @api.model
    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # A customer of one company holds its tier and figures in that company only:
        # shown whatever company the user works in (several may be selected), while a
        # customer shared by the group shows the tier of the company the user works in.
        sql = super()._field_to_sql(alias, fname, query, flush)
        if not self._crm_vn_company_field(fname):
            return sql
        return SQL("COALESCE(%s, %s)", sql, self._crm_vn_company_value_sql(
            alias, fname, SQL.identifier(alias, "company_id")))

    @api.model
    def _crm_vn_company_field(self, fname):
        """Whether ``fname`` is one of the addon's company-dependent fields (the tier,
        its figures, the RFM scores), which a customer holds per company."""
        field = self._fields.get(fname)
        return bool(field and field.company_dependent and field.name in CRM_VN_COMPANY_FIELDS)

    @api.model
    def _crm_vn_company_value_sql(self, alias, fname, company):
        """The value of the company-dependent ``fname`` of the partner ``alias`` in the
        company ``company`` (an SQL expression): the key of that company in the column."""
        field = self._fields[fname]
        return SQL("(%s -> (%s)::text ->> 0)::%s", SQL.identifier(alias, fname, to_flush=field),
                   company, SQL(field._column_type[1]))

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "tier_id", "tier_since", "tier_grace_until", "tier_override_id",
            "tier_override_reason", "tier_override_until", "tier_currency_id", "tier_revenue",
            "tier_order_count", "tier_points", "first_order_date", "last_order_date",
            "rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "relationship_kind",
            "relationship_kind_manual"]

    def _compute_days_since_last_order(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.last_order_date
            partner.days_since_last_order = (today - last).days if last else 0

    def _crm_vn_tiers_of_all_companies(self):
        """{partner id: its tiers in every company} (a shared customer holds one per
        company), read from the column whatever the company the user works in."""
        self.flush_recordset(["tier_id"])
        rows = self.env.execute_query(SQL("""
            SELECT p.id, array_agg(held.tier_id)
              FROM res_partner p CROSS JOIN LATERAL (%s) held
             WHERE p.id = ANY(%s)
          GROUP BY p.id""", self._crm_vn_held_tiers_sql("p"), self.ids))
        return {pid: self.env["crm.vn.tier"].sudo().browse(ids) for pid, ids in rows}

    @api.model
    def _crm_vn_held_tiers_sql(self, alias, except_company=None):
        """Rows (tier_id) of the tiers the partner ``alias`` holds in each company, but
        ``except_company``'s: the keys of its company-dependent tier column."""
        skip = SQL("AND e.key <> %s", str(except_company.id)) if except_company else SQL()
        return SQL("""SELECT (e.value #>> '{}')::int AS tier_id
                        FROM jsonb_each(%s) e
                       WHERE jsonb_typeof(e.value) = 'number' %s""",
                   SQL.identifier(alias, "tier_id"), skip)

    def _crm_vn_next_tier_missing(self, amount=0.0, orders=0):
        """What the customer still lacks for its next tier, as words, after an order of
        ``amount`` (company currency) counting for ``orders`` orders; empty when that
        order would reach it."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        revenue = max(0.0, customer.tier_next_missing_revenue - amount)
        count = max(0, customer.tier_next_missing_orders - orders)
        missing = []
        if revenue:
            currency = customer.tier_currency_id or customer.tier_next_id.company_id.currency_id
            missing.append(format_amount(self.env, revenue, currency))
        if count:
            missing.append(self.env._("%(count)s more orders", count=count))
        if customer.tier_next_missing_points:
            missing.append(self.env._("%(points)s more points", points=self.env[
                "loyalty.card"]._crm_vn_format_number(customer.tier_next_missing_points)))
        return missing

    def _crm_vn_tier_refused(self):
        return AccessError(self.env._(
            "Customer tiers are computed from purchases. Ask a customer care administrator "
            "to set a manual tier, with a reason (Set Tier Manually)."))

    def _crm_vn_write_manual_tier(self, vals):
        """An administrator writing the tier over the API sets an audited manual tier."""
        tier = self.env["crm.vn.tier"].browse(
            vals.get("tier_override_id", vals.get("tier_id")) or [])
        until = fields.Date.to_date(vals.get("tier_override_until")) or False
        self.commercial_partner_id._crm_vn_set_tier_override(
            tier, vals.get("tier_override_reason"), until)

    @trusted
    def _fields_sync(self, values):
        # Odoo copies a company's tier and figures to its contacts as the current user.
        return super()._fields_sync(values)

    def action_recompute_tier(self):
        # The engine works in SQL as superuser: check the caller first.
        self._crm_vn_check_tier_admin()
        self.env["crm.vn.tier.engine"]._recompute(self)

    def _crm_vn_check_tier_admin(self):
        if not self.env.user.has_group(TIER_ADMIN_GROUP):
            raise AccessError(self.env._(
                "Only customer care administrators can set or recompute customer tiers."))
        self.check_access("write")

    def action_open_tier_override(self):
        self.ensure_one()
        self._crm_vn_check_tier_admin()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.tier.override",
            "view_mode": "form", "target": "new", "name": self.env._("Set Tier Manually"),
            "context": {"default_partner_id": self.commercial_partner_id.id,
                        "default_tier_id": self.tier_override_id.id},
        }

    def _crm_vn_set_tier_override(self, tier, reason, date_end=False):
        """Set (or, with no tier, remove) a manual tier, audited in the tier history."""
        if not self.env.su:
            self._crm_vn_check_tier_admin()
        engine = self.env["crm.vn.tier.engine"]
        today = fields.Date.context_today(self)
        if not (reason or "").strip():
            raise UserError(self.env._(
                "Give the reason for the manual tier: it is kept in the tier history."))
        if date_end and date_end < today:
            raise UserError(self.env._("The end date of a manual tier cannot be in the past."))
        customer = self.commercial_partner_id[:1]
        if tier and customer.company_id and tier.company_id != customer.company_id:
            raise UserError(self.env._(
                "Tier %(tier)s belongs to another company than the customer.",
                tier=tier.display_name))
        # The tier of the company it belongs to (a shared customer holds one per company).
        company = tier.company_id or customer.company_id or self.env.company
        partners = self.with_company(company)
        for partner in partners:
            old = partner.tier_id
            if not tier:
                # Ended as of yesterday: the engine goes back to the rules at once.
                if partner.tier_override_id:
                    partner.sudo().tier_override_until = today - relativedelta(days=1)
                    engine._recompute(partner)
                continue
            partner.sudo().write({
                "tier_override_id": tier.id, "tier_override_reason": reason,
                "tier_override_until": date_end, "tier_grace_until": False,
                "tier_id": tier.id, "tier_since": today if tier != old else partner.tier_since,
            })
            self.env["crm.vn.tier.history"].sudo().create({
                "partner_id": partner.id, "company_id": company.id,
                "old_tier_id": old.id, "new_tier_id": tier.id, "cause": "override",
                "direction": self.env["crm.vn.tier.history"]._direction(old, tier),
                "reason": reason, "user_id": self.env.uid})
            partner.message_post(body=self.env._(
                "Customer tier set manually: %(old)s → %(new)s. Reason: %(reason)s",
                old=old.name or "-", new=tier.name, reason=reason))
        if tier:
            # The next tier is the one above the tier held, manual or not.
            engine._recompute(partners)

    @api.model_create_multi
    def create(self, vals_list):
        if any(TIER_FIELDS & vals.keys() for vals in vals_list):
            check_protected_change(self.env, (), self._crm_vn_tier_refused())
        return super().create(vals_list)

    def write(self, vals):
        if vals.keys() & CRM_VN_COMPANY_FIELDS:
            # A customer of one company holds these in its company (see _field_to_sql),
            # whatever company the user writes from.
            elsewhere = self.filtered(lambda p: p.company_id and p.company_id != self.env.company)
            for company, partners in elsewhere.grouped("company_id").items():
                partners.with_company(company).write(vals)
            if elsewhere:
                return (self - elsewhere).write(vals) if self - elsewhere else True
        manual = {}
        if TIER_FIELDS & vals.keys() and check_protected_change(
                self.env, () if vals.keys() & TIER_FIELDS - MANUAL_TIER_FIELDS
                else (TIER_ADMIN_GROUP,), self._crm_vn_tier_refused()):
            manual = {name: vals[name] for name in MANUAL_TIER_FIELDS if name in vals}
            vals = {name: value for name, value in vals.items() if name not in manual}
        # A relationship kind chosen by staff is kept by the nightly derivation.
        if "relationship_kind" in vals and "relationship_kind_manual" not in vals:
            vals = dict(vals, relationship_kind_manual=bool(vals["relationship_kind"]))
        result = super().write(vals) if vals or not manual else True
        if manual:
            self._crm_vn_write_manual_tier(manual)
        return result
