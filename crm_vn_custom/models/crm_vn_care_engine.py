import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

CLAIM_QUERY = """
    INSERT INTO crm_vn_care_occurrence
           (template_id, res_model, res_id, occasion, partner_id, date,
            create_uid, write_uid, create_date, write_date)
    SELECT %(template)s, %(model)s, item.res_id, item.occasion, item.partner_id, %(today)s,
           %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
      FROM unnest(%(res_ids)s::int[], %(occasions)s::varchar[], %(partners)s::int[])
           AS item(res_id, occasion, partner_id)
        ON CONFLICT (template_id, res_model, res_id, occasion) DO NOTHING
 RETURNING id, res_id, occasion
"""

# One statement for the whole batch, however many activities were created.
LINK_QUERY = """
    UPDATE crm_vn_care_occurrence o
       SET activity_id = a.id, user_id = a.user_id, date_deadline = a.date_deadline
      FROM unnest(%(occurrences)s::int[], %(activities)s::int[]) AS link(occurrence_id, activity_id)
      JOIN mail_activity a ON a.id = link.activity_id
     WHERE o.id = link.occurrence_id
"""

CATCH_UP_DAYS = 7
BATCH_SIZE = 1000


class CrmVnCareEngine(models.AbstractModel):
    """Turns care steps into activities (and emails): on events (leads, quotations,
    orders, paid invoices) at once, on dates (purchases, birthdays, holidays, care due) by
    a daily cron. Claiming an occurrence is one INSERT ... ON CONFLICT DO NOTHING: the
    database decides who fires, so reruns and parallel workers create nothing twice."""

    _name = "crm.vn.care.engine"
    _description = "Customer Care Engine"

    @api.model
    def _steps(self, triggers):
        return self.env["mail.activity.plan.template"].sudo().search([
            ("crm_vn_trigger", "in", triggers), ("plan_id.crm_vn_stage", "!=", False),
            ("plan_id.active", "=", True)])

    # ------------------------------------------------------------------ events
    @api.model
    def _on_event(self, trigger, records, occasion=None):
        """Fire the steps of ``trigger`` for ``records`` (leads, orders or invoices)."""
        if not records or self.env.context.get("crm_vn_skip_care"):
            return
        for step in self._steps([trigger]):
            todo = self._event_records(step, records)
            company = step.plan_id.company_id
            if company:
                todo = todo.filtered(lambda r, c=company: r.company_id == c)
            items = [(self._target(step, record), record._crm_vn_care_partner(),
                      occasion or f"{record._name}:{record.id}", fields.Date.context_today(self))
                     for record in todo]
            self._schedule(step, items)

    @api.model
    def _event_records(self, step, records):
        """The records of an event the step fires for: all, unless the engine has a
        method ``_crm_vn_event_filter_<trigger>(step, records)`` narrowing them."""
        narrow = getattr(self, f"_crm_vn_event_filter_{step.crm_vn_trigger}", None)
        return narrow(step, records) if narrow else records

    @api.model
    def _crm_vn_event_filter_lead_stage(self, step, leads):
        return leads.filtered(lambda lead: lead.stage_id == step.crm_vn_lead_stage_id)

    @api.model
    def _target(self, step, record):
        if record._name == step.plan_id.res_model:
            return record
        return record._crm_vn_care_partner()

    # ------------------------------------------------------------------ scheduling
    @api.model
    def _schedule(self, step, items):
        """``items``: (target record, customer, occasion, occasion date). Keeps the
        customers the step is meant for, claims the occasions and creates one activity
        (and email) per occasion claimed now."""
        items = self._filter_customers(step, items)
        if not items:
            return self.env["mail.activity"]
        model = step.plan_id.res_model
        by_key = {(target.id, occasion): (target, partner, day)
                  for target, partner, occasion, day in items}
        self.env["crm.vn.care.occurrence"].flush_model()
        self.env.cr.execute(CLAIM_QUERY, {
            "template": step.id, "model": model, "today": fields.Date.context_today(self),
            "uid": self.env.uid, "res_ids": [key[0] for key in by_key],
            "occasions": [key[1] for key in by_key],
            "partners": [partner.id or None for _t, partner, _d in by_key.values()],
        })
        claimed = self.env.cr.fetchall()
        if not claimed:
            return self.env["mail.activity"]
        self.env["crm.vn.messenger"]._queue(step, [
            (by_key[(res_id, occasion)][0], by_key[(res_id, occasion)][1], occasion,
             by_key[(res_id, occasion)][2]) for _occurrence_id, res_id, occasion in claimed])
        if step.crm_vn_message_only:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id(model)
        vals_list = []
        for _occurrence_id, res_id, occasion in claimed:
            target, _partner, day = by_key[(res_id, occasion)]
            vals_list.append({
                "res_model_id": model_id, "res_id": res_id,
                "activity_type_id": step.activity_type_id.id,
                "summary": step.summary, "note": step.note,
                "user_id": step._determine_responsible(
                    self.env["res.users"], target)["responsible"].id,
                "date_deadline": step._get_date_deadline(day),
            })
        activities = self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True).create(vals_list)
        activities.flush_recordset(["user_id", "date_deadline"])
        self.env.cr.execute(LINK_QUERY, {
            "occurrences": [row[0] for row in claimed], "activities": activities.ids})
        self.env["crm.vn.care.occurrence"].invalidate_model(
            ["activity_id", "user_id", "date_deadline"])
        if step.crm_vn_mail_template_id and not step.crm_vn_send_channel:
            for _occurrence_id, res_id, occasion in claimed:
                if by_key[(res_id, occasion)][1].email:
                    step.crm_vn_mail_template_id.sudo().send_mail(res_id)
        return activities

    @api.model
    def _filter_customers(self, step, items):
        """Items with a target, for customers of the step's tiers and the plan's segment
        (a lead without a customer passes when the step has neither)."""
        items = [item for item in items if item[0]]
        tiers, segment = step.crm_vn_tier_ids, step.plan_id.crm_vn_segment_id
        if not (tiers or segment):
            return items
        allowed = self.env["res.partner"].union(*(partner for _t, partner, _o, _d in items))
        if tiers:
            allowed = allowed.filtered(lambda p: p.tier_id in tiers)
        if segment and allowed:
            # Whoever triggered the step: membership does not depend on what they may read.
            allowed = allowed.sudo().filtered_domain(segment._get_partner_domain())
        return [item for item in items if item[1] and item[1] in allowed]

    # ------------------------------------------------------------------ dates
    @api.model
    def _cron_run_date_steps(self):
        """Daily: steps whose date comes (purchases, birthdays, holidays, care due). A step
        fires on the day its activity is due (the occasion moved by the step's delay) and
        catches up a week, so a day the server was down is not lost."""
        today = fields.Date.context_today(self)
        created = 0
        Step = self.env["mail.activity.plan.template"]
        date_triggers = [t for t, _label in Step._fields["crm_vn_trigger"].selection
                         if t not in Step._crm_vn_event_triggers()]
        for step in self._steps(date_triggers):
            for back in range(CATCH_UP_DAYS - 1, -1, -1):
                due_day = today - timedelta(days=back)
                occasion_day = self._occasion_day(step, due_day)
                for partners, occasion in self._due_customers(step, occasion_day):
                    partners -= self._claimed_customers(step, occasion)
                    # Bounded memory on a large customer base: a thousand at a time.
                    for ids in split_every(BATCH_SIZE, partners.ids):
                        batch = partners.browse(ids)
                        items = [(partner, partner, occasion, occasion_day) for partner in batch]
                        created += len(self._schedule(step, items))
                        self.env.flush_all()
                        self.env.invalidate_all()
        _logger.info("Customer care: %s activities scheduled by date", created)
        return created

    @api.model
    def _claimed_customers(self, step, occasion):
        """Customers this date step already fired for on this occasion: the days after a
        holiday, the catch-up reads them in one query instead of claiming the whole
        customer base again, batch after batch."""
        self.env["crm.vn.care.occurrence"].flush_model()
        self.env.cr.execute("""
            SELECT res_id FROM crm_vn_care_occurrence
             WHERE template_id = %s AND res_model = 'res.partner' AND occasion = %s
        """, [step.id, occasion])
        return self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _occasion_day(self, step, due_day):
        """The occasion whose activity is due on ``due_day`` (inverse of the delay)."""
        return due_day + (due_day - step._get_date_deadline(due_day))

    @api.model
    def _customers_domain(self, company):
        """The customers of ``company`` (of all companies when empty), as a domain on the
        SQL definition (crm.vn.concepts): each candidate is checked through the order
        indexes, where the equivalent ORM domain would read all confirmed orders."""
        customers = self.env["crm.vn.concepts"]._customer_sql("customer", company)
        return [("id", "in", SQL("(SELECT customer.id FROM res_partner customer WHERE %s)",
                                 customers))]

    @api.model
    def _due_customers(self, step, day):
        """(customers, occasion) pairs for a date step on the occasion ``day``, from the
        method of its trigger, ``_crm_vn_trigger_<trigger>(step, day, customers)`` (the
        last argument a domain of the plan company's customers). A trigger without its
        method (an extension's ``selection_add`` alone) is logged and skipped: the other
        steps still run."""
        method = getattr(self, f"_crm_vn_trigger_{step.crm_vn_trigger}", None)
        if method is None:
            _logger.warning("Customer care: step %s (%s) skipped, no method "
                            "_crm_vn_trigger_%s for its trigger", step.id, step.summary,
                            step.crm_vn_trigger)
            return []
        return method(step, day, self._customers_domain(step.plan_id.company_id))

    @api.model
    def _crm_vn_trigger_after_purchase(self, step, day, customers):
        # A follow-up and a win-back both count from the last purchase; a new order moves
        # it, so each purchase gets its own occasion.
        last = day - timedelta(days=step.crm_vn_trigger_days)
        partners = self.env["res.partner"].sudo().search(
            customers + [("last_order_date", "=", last)])
        return [(partners, f"{step.crm_vn_trigger}:{last}")]

    @api.model
    def _crm_vn_trigger_no_purchase(self, step, day, customers):
        return self._crm_vn_trigger_after_purchase(step, day, customers)

    @api.model
    def _crm_vn_trigger_birthday(self, step, day, customers):
        Partner = self.env["res.partner"].sudo()
        return [(Partner.search(customers + Partner._crm_vn_celebrating_domain(day)),
                 f"birthday:{day.year}")]

    @api.model
    def _crm_vn_trigger_contact_due(self, step, day, customers):
        return [(self.env["res.partner"].sudo().search(
            customers + [("next_care_date", "=", day)]), f"contact:{day}")]

    @api.model
    def _crm_vn_trigger_occasion(self, step, day, customers):
        """Tết, Trung Thu, 8/3... (crm.vn.occasion): its customers, on its day."""
        occasion = step.crm_vn_occasion_id
        if not occasion.active or not occasion._falls_on(day):
            return []
        return [(self.env["res.partner"].sudo().search(
            customers + occasion._get_partner_domain()), occasion._key(day))]

    @api.model
    def _customers_by_occasion(self, step, customers, domain, key):
        """(customers, occasion) pairs: the customers matching ``domain``, grouped by
        their occasion ``key(customer)``."""
        partners = self.env["res.partner"].sudo().search(customers + domain)
        return [(group, occasion) for occasion, group in partners.grouped(key).items()]

    @api.model
    def _crm_vn_trigger_near_next_tier(self, step, day, customers):
        """Customers within the step's percentage of their next tier: once per customer,
        current tier and next tier (a customer who drops back and comes close again in
        another tier is called again)."""
        return self._customers_by_occasion(
            step, customers,
            [("tier_next_id", "!=", False),
             ("tier_next_progress", ">=", 100 - step.crm_vn_trigger_percent)],
            lambda p: f"near_tier:{p.tier_id.id or 0}>{p.tier_next_id.id}:{p.tier_since or ''}")

    @api.model
    def _crm_vn_trigger_tier_at_risk(self, step, day, customers):
        """Customers whose figures no longer qualify and whose tier ends in N days, at
        the end of the grace period: once per customer, tier and grace period."""
        end = day + timedelta(days=step.crm_vn_trigger_days)
        return self._customers_by_occasion(
            step, customers, [("tier_grace_until", "=", end)],
            lambda p: f"tier_risk:{p.tier_id.id}:{p.tier_grace_until}")

    @api.model
    def _cron_escalate_overdue_care(self):
        """Customers whose care is overdue by more than the company's escalation delay:
        their team leader gets an activity, once per missed care date."""
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"].sudo()
        escalated = Partner
        for company in self.env["res.company"].sudo().search(
                [("crm_vn_care_escalation_days", ">", 0)]):
            limit = today - timedelta(days=company.crm_vn_care_escalation_days)
            overdue = Partner.search(self._customers_domain(company) + [
                ("next_care_date", "<", limit), ("user_id", "!=", False)])
            for partner in overdue.filtered(
                    lambda p: p.crm_vn_care_escalated_for != p.next_care_date):
                leader = partner.user_id.sale_team_id.user_id
                partner.crm_vn_care_escalated_for = partner.next_care_date
                if leader:
                    partner.activity_schedule(
                        "mail.mail_activity_data_todo", user_id=leader.id,
                        summary=self.env._("Care overdue since %(day)s",
                                           day=fields.Date.to_string(partner.next_care_date)))
                escalated |= partner
        return escalated
