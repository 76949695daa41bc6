import logging
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

_logger = logging.getLogger(__name__)

# The company-dependent fields the engine writes (one value per company in a jsonb
# column, see res.partner), each with the column of the UPDATE's `n` row holding its new
# value in the company being computed.
COMPANY_VALUES = {
    "tier_id": "tier_id", "tier_since": "tier_since", "tier_grace_until": "grace_until",
    "tier_override_id": "override_id", "tier_override_reason": "override_reason",
    "tier_override_until": "override_until", "tier_revenue": "revenue",
    "tier_order_count": "order_count", "tier_points": "points",
    "tier_currency_id": "currency_id", "first_order_date": "first_order",
    "last_order_date": "last_order", "tier_next_id": "next_tier",
    "tier_next_missing_revenue": "missing_revenue",
    "tier_next_missing_orders": "missing_orders",
    "tier_next_missing_points": "missing_points", "tier_next_progress": "progress",
}
# Written by SQL: the ORM cache of these must be dropped afterwards.
WRITTEN_FIELDS = [*COMPANY_VALUES, "last_interaction_date", "next_care_date"]


# Each customer's orders, refunds and points are looked up through the partner, order,
# invoice and card indexes (LATERAL): joined as a whole, PostgreSQL scanned all the
# company's orders and cards at every batch, so that a night's work grew with the square
# of the base. The orders and refunds are crm.vn.concepts' row sources, which PostgreSQL
# flattens into the same index look-ups. The statistics query is built from
# CrmVnTierEngine._stats_figures() and _stats_laterals(): a new tier criterion adds its
# figure and its lateral there (see readme/DEVELOP.md).
ORDERS_LATERAL = """
CROSS JOIN LATERAL (
        SELECT SUM(so.amount) FILTER (WHERE so.date_order >= %(cutoff)s) AS revenue,
               COUNT(*) FILTER (WHERE so.date_order >= %(cutoff)s) AS order_count,
               (%(first_purchase)s)::date AS first_order, MAX(so.date_order)::date AS last_order
          FROM (%(orders)s) so
         WHERE so.partner_id = b.pid AND so.company_id = %(company)s
       ) o
"""
REFUNDS_LATERAL = """
CROSS JOIN LATERAL (
        SELECT SUM(rf.amount) AS amount
          FROM (%(refunds)s) rf
         WHERE rf.partner_id = b.pid AND rf.company_id = %(company)s
           AND rf.invoice_date >= %(cutoff)s::date
       ) r
"""
POINTS_LATERAL = """
CROSS JOIN LATERAL (
        SELECT SUM(%(qualifying)s) AS points
          FROM res_partner p
          JOIN loyalty_card lc ON lc.partner_id = p.id
          JOIN loyalty_program lp ON lp.id = lc.program_id
          JOIN loyalty_history h ON h.card_id = lc.id
         WHERE p.commercial_partner_id = b.pid AND lp.program_type = 'loyalty'
           AND lp.company_id = %(company)s AND h.create_date >= %(cutoff)s
       ) pt
"""

# Only the rows whose figures change are written: on a normal night that is the few
# customers who bought or whose old orders left the window, and every row written costs
# an update of each of the partner table's indexes. %(current)s and %(values)s are the
# company's values of COMPANY_VALUES before and after, %(set)s writes them into the
# company's key; the next care date reads the customer's tiers in the other companies
# (%(other_tiers)s) with the new one in this company.
UPDATE_QUERY = """
    WITH new AS (
        SELECT p.id, v.tier_id, v.tier_since, v.grace_until, v.override_id,
               CASE WHEN v.override_id IS NULL THEN NULL
                    ELSE %(current_reason)s END AS override_reason,
               CASE WHEN v.override_id IS NULL THEN NULL
                    ELSE %(current_until)s END AS override_until,
               v.revenue, v.order_count, v.points, %(currency)s::int AS currency_id,
               v.first_order, v.last_order,
               GREATEST(p.last_interaction_date, v.last_order) AS last_interaction,
               nc.next_care, v.next_tier, v.missing_revenue, v.missing_orders,
               v.missing_points, v.progress
          FROM unnest(%(pids)s::int[], %(tiers)s::int[], %(since)s::date[], %(grace)s::date[],
                      %(overrides)s::int[], %(revenues)s::numeric[], %(counts)s::int[],
                      %(firsts)s::date[], %(lasts)s::date[], %(points)s::numeric[],
                      %(next_tiers)s::int[], %(missing_revenues)s::numeric[],
                      %(missing_orders)s::int[], %(missing_points)s::numeric[],
                      %(progresses)s::numeric[])
               AS v(pid, tier_id, tier_since, grace_until, override_id, revenue, order_count,
                    first_order, last_order, points, next_tier, missing_revenue,
                    missing_orders, missing_points, progress)
          JOIN res_partner p ON p.commercial_partner_id = v.pid
          CROSS JOIN LATERAL (
                SELECT %(next_care)s AS next_care
                  FROM crm_vn_tier t
                 WHERE t.id = v.tier_id OR t.id IN (%(other_tiers)s)
               ) nc
    )
    UPDATE res_partner p
       SET %(set)s, last_interaction_date = n.last_interaction,
           next_care_date = n.next_care, write_date = %(now)s, write_uid = %(uid)s
      FROM new n
     WHERE p.id = n.id
       AND (%(current)s, p.last_interaction_date, p.next_care_date)
           IS DISTINCT FROM (%(values)s, n.last_interaction, n.next_care)
"""

HISTORY_INSERT = """
    INSERT INTO crm_vn_tier_history (partner_id, company_id, old_tier_id, new_tier_id, cause,
                                     direction, order_id, user_id, date, create_uid,
                                     create_date, write_uid, write_date)
    SELECT v.pid, %(company)s, v.old, v.new, v.cause, v.direction, v.order_id, %(uid)s,
           %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM unnest(%(pids)s::int[], %(olds)s::int[], %(news)s::int[], %(causes)s::varchar[],
                  %(directions)s::varchar[], %(orders)s::int[])
           AS v(pid, old, new, cause, direction, order_id)
"""



class CrmVnTierEngine(models.AbstractModel):
    """Classifies customers into tiers, in batches, with SQL aggregates.

    A customer is tiered by the company it belongs to (``company_id``); a customer shared
    between the companies of a group (no company) is tiered by each company that has
    tiers, from that company's orders and card, and holds a tier in each (the partner's
    tier fields are company-dependent). Only a company's orders and refunds count,
    converted to its currency at each order's rate."""

    _name = "crm.vn.tier.engine"
    _description = "Customer tier engine"

    BATCH_SIZE = 2000

    @api.model
    def _tiering_companies(self):
        """The companies that tier the customers shared by the group: those with tiers."""
        return self.env["crm.vn.tier"].sudo().search([]).company_id.sorted("id")

    @api.model
    def _recompute(self, partners, orders=None):
        """Recompute the tiers of these customers (their commercial entities) now, in
        each company that tiers them; ``orders`` are what triggered it, recorded in the
        tier history."""
        # One query whatever the number of customers (the ORM would read them in chunks).
        self.env["res.partner"].flush_model(["commercial_partner_id", "company_id"])
        rows = self.env.execute_query(SQL("""
            SELECT DISTINCT c.id, c.company_id
              FROM res_partner p JOIN res_partner c ON c.id = p.commercial_partner_id
             WHERE p.id = ANY(%s)
          ORDER BY c.id
        """, partners.ids))
        shared = None
        by_company = {}
        for partner_id, company_id in rows:
            if not (company_id or shared):
                shared = self._tiering_companies()
            companies = self.env["res.company"].browse(company_id) if company_id else shared
            for company in companies:
                by_company.setdefault(company, []).append(partner_id)
        changes = []
        for company, partner_ids in sorted(by_company.items(), key=lambda item: item[0].id):
            for start in range(0, len(partner_ids), self.BATCH_SIZE):
                changes += self._recompute_batch(
                    company, partner_ids[start:start + self.BATCH_SIZE], orders=orders)
        return changes

    @api.model
    def _tiered_by_sql(self, company=None):
        """Condition on the partner ``p``: a customer (crm.vn.concepts) that ``company``
        tiers, i.e. of its own or shared by all companies; any customer without a
        company."""
        customers = self.env["crm.vn.concepts"]._customer_sql("p", company)
        if not company:
            return customers
        return SQL("%s AND (p.company_id = %s OR p.company_id IS NULL)", customers, company.id)

    @api.model
    def _customers_of(self, company=None, after_id=0, limit=None, count=False):
        """Ids (or their number) of the customers of ``company``, or of all, by id."""
        query = SQL("SELECT %s FROM res_partner p WHERE p.id > %s AND %s",
                    SQL("count(*)") if count else SQL("p.id"), after_id,
                    self._tiered_by_sql(company))
        if not count:
            query = SQL("%s ORDER BY p.id %s", query,
                        SQL("LIMIT %s", limit) if limit else SQL())
        rows = self.env.execute_query(query)
        return rows[0][0] if count else [row[0] for row in rows]

    @api.model
    def _window_cutoff(self, company):
        today = fields.Date.context_today(self)
        return datetime.combine(today - timedelta(days=company.crm_vn_tier_window_days), time.min)

    @api.model
    def _stats_flush(self):
        """What the statistics read, written to the database first."""
        self.env["sale.order"].flush_model(
            ["state", "company_id", "partner_id", "date_order", "amount_untaxed", "currency_rate"])
        self.env["account.move"].flush_model(
            ["move_type", "state", "company_id", "partner_id", "invoice_date",
             "amount_untaxed_signed"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["loyalty.history"].flush_model(
            ["card_id", "issued", "crm_vn_kind", "crm_vn_base_points"])
        self.env["loyalty.card"].flush_model(["program_id", "partner_id"])

    @api.model
    def _stats_figures(self, company):
        """{figure: SQL expression}, in the order of the query's columns, over the
        laterals of _stats_laterals() for the customer ``b.pid``: the figures a tier
        qualifies on (revenue, order_count, points, see _tier_thresholds) and the order
        dates the engine stores. An extension adds its figure here."""
        return {
            "revenue": SQL("COALESCE(o.revenue, 0) - COALESCE(r.amount, 0)"),
            "order_count": SQL("o.order_count"),
            "first_order": SQL("o.first_order"),
            "last_order": SQL("o.last_order"),
            "points": SQL("COALESCE(pt.points, 0)"),
        }

    @api.model
    def _stats_laterals(self, company):
        """The ``CROSS JOIN LATERAL`` look-ups of one customer ``b.pid`` the figures
        read; each sees ``%(cutoff)s``-style values through SQL() arguments of its own."""
        concepts = self.env["crm.vn.concepts"]
        cutoff = self._window_cutoff(company)
        return [
            SQL(ORDERS_LATERAL, cutoff=cutoff, company=company.id,
                orders=concepts._confirmed_orders_sql(),
                # The first purchase of this customer in this company: its own orders only.
                first_purchase=concepts._first_purchase_sql("so")),
            SQL(REFUNDS_LATERAL, cutoff=cutoff, company=company.id,
                refunds=concepts._posted_refunds_sql()),
            SQL(POINTS_LATERAL, cutoff=cutoff, company=company.id,
                qualifying=concepts._points_sql("h", "qualifying")),
        ]

    @api.model
    def _stats(self, company, partner_ids):
        """{partner id: {figure: value}} (see _stats_figures): revenue, order count and
        points over the tier window, first and last order dates, and what extensions add."""
        self._stats_flush()
        figures = self._stats_figures(company)
        rows = self.env.execute_query(SQL(
            "SELECT b.pid, %s FROM unnest(%s::int[]) AS b(pid) %s",
            SQL(", ").join(figures.values()), partner_ids,
            SQL(" ").join(self._stats_laterals(company))))
        return {row[0]: dict(zip(figures, row[1:], strict=True)) for row in rows}

    @api.model
    def _tiers_by_rank(self, company):
        return self.env["crm.vn.tier"].sudo().search(
            [("company_id", "=", company.id)], order="rank desc")

    @api.model
    def _tier_thresholds(self, tier):
        """{figure: minimum} a customer must reach for ``tier``. An extension adds its
        criterion: the tier's field, minimum of the figure of the same name."""
        return {"revenue": tier.min_revenue, "order_count": tier.min_order_count,
                "points": tier.min_points}

    @api.model
    def _tier_qualifies(self, figures, thresholds):
        """Whether a customer's figures (_stats) meet a tier's minimums."""
        return all((figures.get(name) or 0) >= minimum for name, minimum in thresholds.items())

    @api.model
    def _qualifying_tier(self, tiers, figures, thresholds=None):
        """The highest tier whose rules are met; ``thresholds`` ({tier: {figure:
        minimum}}) lets the preview try rules before they are saved."""
        for tier in tiers:
            tier_thresholds = (thresholds or {}).get(tier) or self._tier_thresholds(tier)
            if self._tier_qualifies(figures, tier_thresholds):
                return tier
        return tiers.browse()

    @api.model
    def _next_tier_gap(self, tiers, current, figures):
        """(next tier, {figure: missing}, progress %) of a customer of tier ``current``
        with ``figures`` (_stats): the tier right above, what each of its rules still
        lacks, and how far the customer is on the rule it is furthest from. A customer in
        the highest tier has no next tier."""
        above = tiers.filtered(lambda tier: tier.rank > current.rank)
        next_tier = above[-1:]  # tiers come by rank, highest first
        if not next_tier:
            return next_tier, {}, None
        thresholds = self._tier_thresholds(next_tier)
        reached = {name: float(figures.get(name) or 0) for name in thresholds}
        missing = {name: max(0, minimum - reached[name]) for name, minimum in thresholds.items()}
        shares = [min(1.0, reached[name] / minimum)
                  for name, minimum in thresholds.items() if minimum]
        return next_tier, missing, round(100.0 * min(shares), 1) if shares else 100.0

    @api.model
    def _recompute_batch(self, company, partner_ids, orders=None):
        Tier = self.env["crm.vn.tier"].sudo()
        tiers = self._tiers_by_rank(company)
        stats = self._stats(company, partner_ids)
        # Sudo: a user recomputing his customers recomputes the tiers of those shared by
        # the group in companies he does not work in too.
        Partner = self.env["res.partner"].sudo().with_company(company)
        Partner.flush_model(WRITTEN_FIELDS)
        held = self.env.execute_query(SQL(
            "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
            SQL(", ").join(Partner._field_to_sql("p", name) for name in (
                "tier_id", "tier_since", "tier_grace_until", "tier_override_id",
                "tier_override_until")),
            partner_ids))
        today = fields.Date.context_today(self)
        grace = timedelta(days=company.crm_vn_tier_grace_days)
        columns = {key: [] for key in ("pids", "tiers", "since", "grace", "overrides",
                                       "revenues", "counts", "firsts", "lasts", "points",
                                       "next_tiers", "missing_revenues", "missing_orders",
                                       "missing_points", "progresses")}
        changes = []
        for pid, tier_id, since, grace_until, override_id, override_until in held:
            figures = stats[pid]
            current = Tier.browse(tier_id)
            qualified = self._qualifying_tier(tiers, figures)
            target, cause = current, None
            if override_id and override_until and override_until < today:
                override_id, target, cause, grace_until = None, qualified, "override_end", None
            elif override_id:
                target, cause, grace_until = Tier.browse(override_id), "override", None
            elif qualified.rank >= current.rank:
                target, cause, grace_until = qualified, "automatic", None
            elif grace_until is None and grace:
                grace_until = today + grace
            elif grace_until is None or grace_until <= today:
                cause = "grace_expiry" if grace else "automatic"
                target, grace_until = qualified, None
            if target != current:
                since = today
                changes.append((pid, current, target, cause or "automatic"))
            next_tier, missing, progress = self._next_tier_gap(tiers, target, figures)
            for key, value in zip(columns, (pid, target.id or None, since, grace_until,
                                            override_id or None,
                                            figures["revenue"], figures["order_count"],
                                            figures["first_order"], figures["last_order"],
                                            figures["points"], next_tier.id or None,
                                            missing.get("revenue"), missing.get("order_count"),
                                            missing.get("points"), progress),
                                  strict=True):
                columns[key].append(value)
        next_care = self.env["crm.vn.concepts"]._next_care_date_sql(
            SQL("GREATEST(p.last_interaction_date, v.last_order)"), "t")
        self.env.execute_query(SQL(
            UPDATE_QUERY, **columns, **self._company_values_sql(company),
            currency=company.currency_id.id, uid=self.env.uid, now=fields.Datetime.now(),
            next_care=next_care))
        self.env["res.partner"].invalidate_model(WRITTEN_FIELDS)
        self._log_changes(company, changes, orders)
        return changes

    @api.model
    def _company_values_sql(self, company):
        """The pieces of UPDATE_QUERY that read and write ``company``'s values of the
        company-dependent fields: the jsonb key of the company, keeps the others'."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        current = {name: Partner._field_to_sql("p", name) for name in COMPANY_VALUES}
        return {
            "other_tiers": Partner._crm_vn_held_tiers_sql("p", except_company=company),
            "current_reason": current["tier_override_reason"],
            "current_until": current["tier_override_until"],
            "current": SQL(", ").join(current.values()),
            "values": SQL(", ").join(SQL.identifier("n", column)
                                     for column in COMPANY_VALUES.values()),
            "set": SQL(", ").join(
                SQL("%s = %s", SQL.identifier(name), self._company_value_set_sql(
                    "p", name, company, SQL.identifier("n", column)))
                for name, column in COMPANY_VALUES.items()),
        }

    @api.model
    def _company_value_set_sql(self, alias, name, company, value):
        """The jsonb of the company-dependent column ``alias.name`` with ``company``'s
        value set to ``value`` (an SQL expression), the other companies' kept. A company
        without a value has no key, so that "has a tier somewhere" is "IS NOT NULL"."""
        return SQL("NULLIF(jsonb_strip_nulls(COALESCE(%s, '{}'::jsonb)"
                   " || jsonb_build_object(%s::text, %s)), '{}'::jsonb)",
                   SQL.identifier(alias, name), str(company.id), value)

    @api.model
    def _log_changes(self, company, changes, orders=None):
        """Tier history and a chatter note per change, each in one INSERT: the ORM would
        insert them 100 at a time, and a night's recompute may change thousands."""
        if not changes:
            return
        order_of = {order.partner_id.commercial_partner_id.id: order.id for order in orders or []}
        History = self.env["crm.vn.tier.history"]
        History.flush_model()
        self.env.cr.execute(HISTORY_INSERT, {
            "pids": [pid for pid, *_rest in changes],
            "company": company.id,
            "olds": [old.id or None for _pid, old, _new, _cause in changes],
            "news": [new.id or None for _pid, _old, new, _cause in changes],
            "causes": [cause for *_rest, cause in changes],
            "directions": [History._direction(old, new) for _pid, old, new, _cause in changes],
            "orders": [order_of.get(pid) for pid, *_rest in changes],
            "uid": self.env.uid, "now": fields.Datetime.now(),
        })
        # New rows are in no cache: only the customers' lists of them are stale.
        self.env["res.partner"].browse([pid for pid, *_rest in changes]).invalidate_recordset(
            ["tier_history_ids"])
        causes = dict(History._fields["cause"]._description_selection(self.env))
        no_tier = self.env._("no tier")
        # A customer of several companies holds a tier in each: the note names which.
        shared = set(self.env["res.partner"].browse(
            [pid for pid, *_rest in changes]).filtered(lambda p: not p.company_id).ids)
        self._log_notes("res.partner", {
            pid: Markup("%s: %s → %s (%s)%s") % (
                self.env._("Customer tier"), old.name or no_tier, new.name or no_tier,
                causes[cause], f" · {company.name}" if pid in shared else "")
            for pid, old, new, cause in changes})
        template = company.crm_vn_tier_upgrade_mail_template_id.sudo().with_company(company)
        upgraded = [pid for pid, old, new, _cause in changes if new and new.rank > old.rank]
        if template and upgraded:
            for partner in self.env["res.partner"].browse(upgraded).filtered("email"):
                template.send_mail(partner.id)
        # One batch of bonuses per tier reached (its occasion), not one call per customer.
        reached = {}
        for pid, _old, new, _cause in changes:
            if pid in upgraded and new.upgrade_bonus_points:
                reached.setdefault(new, []).append(
                    (self.env["res.partner"].browse(pid), new.upgrade_bonus_points))
        for tier, gifts in reached.items():
            self.env["loyalty.card"]._crm_vn_give_bonuses(
                company, gifts, f"upgrade:{tier.id}",
                self.env._("Welcome to the %(tier)s tier", tier=tier.name))

    @api.model
    def _log_notes(self, model, bodies):
        """Internal notes on the records ({id: body}), without notification: the
        values of Odoo's _message_log_batch, inserted in one statement.

        _message_log_batch itself inserts 100 messages a query (0.71 s and 23 queries
        for 2,000 notes, against 0.06 s and one query here), which would make a
        batch's queries grow with its changes (TestTierBatch). The column list comes
        from the values and each column's type from the model's field, so a column
        that leaves mail.message fails here, not silently."""
        if not bodies:
            return
        Message = self.env["mail.message"]
        author = self.env.user.partner_id
        now = fields.Datetime.now()
        common = {
            "model": model, "message_type": "notification", "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "author_id": author.id, "email_from": author.email_formatted or None,
            "email_add_signature": False, "date": now,
            "create_uid": self.env.uid, "create_date": now,
            "write_uid": self.env.uid, "write_date": now,
        }
        rows = [dict(common, res_id=res_id, body=str(body),
                     message_id=generate_tracking_message_id("message-notify"))
                for res_id, body in bodies.items()]
        columns = {name: Message._fields[name] for name in rows[0]}
        if any(not field.store or not field.column_type for field in columns.values()):
            raise ValueError(f"not columns of mail_message: {columns}")
        Message.flush_model()
        self.env.execute_query(SQL(
            "INSERT INTO mail_message (%s) SELECT * FROM unnest(%s)",
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(
                SQL("%s::%s[]", [field.convert_to_column_insert(row[name], Message)
                                 for row in rows], SQL(field.column_type[1]))
                for name, field in columns.items())))
        self.env[model].browse(bodies).invalidate_recordset(["message_ids"])

    @api.model
    def _recompute_rfm(self, company):
        """RFM scores of the company's customers (crm.vn.rfm), after tonight's tiers."""
        self.env["crm.vn.rfm"]._recompute(company)

    # ------------------------------------------------------------------- cron
    @api.model
    def _cron_recompute_all(self):
        """One batch per call: Odoo's cron worker calls again while work remains and
        commits after each call, so a crash or a deploy loses at most the batch in
        progress and the next call goes on from the last batch committed."""
        # PostgreSQL estimates the next batch's customer query expensive (its EXISTS over
        # all orders) and JIT-compiled it for ten times longer than it ran: 0.26 s per
        # batch at 100,000 customers. Only for this transaction, i.e. this batch.
        self.env.cr.execute("SET LOCAL jit = off")
        done, remaining = self._recompute_all_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _tonight(self):
        """Tonight's progress row (crm.vn.tier.cursor), made at the night's first call:
        a new day starts over from the first customer, and the base is counted once a
        night, not once per batch."""
        Cursor = self.env["crm.vn.tier.cursor"].sudo()
        today = fields.Date.context_today(self)
        cursor = Cursor.search([("day", "=", today)], limit=1)
        if not cursor:
            Cursor.search([]).unlink()  # earlier nights: one row is all the cron needs
            cursor = Cursor.create({"day": today, "total": self._customers_of(count=True)})
        return cursor

    @api.model
    def _recompute_all_batch(self, batch_size=None):
        """The next batch of tonight's work: customers by id after the last batch
        committed, then the RFM scores of one company. Returns (done, remaining) for
        ``ir.cron._notify_progress``; commits nothing (the cron worker does)."""
        cursor = self._tonight()
        companies = self.env["res.company"].sudo().search(
            [("id", ">", cursor.last_rfm_company_id)], order="id")
        if not cursor.tiers_done:
            batch_size = batch_size or int(self.env["ir.config_parameter"].sudo().get_param(
                "crm_vn_custom.tier_batch_size", self.BATCH_SIZE))
            ids = self._customers_of(after_id=cursor.last_partner_id, limit=batch_size + 1)
            batch = self.env["res.partner"].browse(ids[:batch_size])
            self._recompute(batch)
            more = len(ids) > batch_size
            cursor.write({"last_partner_id": batch[-1:].id or cursor.last_partner_id,
                          "done": cursor.done + len(batch), "tiers_done": not more})
            # New customers during the night keep the count from reaching zero too early.
            left = max(cursor.total - cursor.done, 1) if more else 0
            _logger.info("Customer tiers: %s recomputed, %s remaining", len(batch), left)
            # A night without customers scores nothing either.
            return len(batch), left + (len(companies) if cursor.done else 0)
        if not companies or not cursor.done:
            return 0, 0
        self._recompute_rfm(companies[0])
        cursor.last_rfm_company_id = companies[0].id
        _logger.info("Customer RFM scores: %s done", companies[0].name)
        return 1, len(companies) - 1
