import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_vn_batches import BATCH_SIZE, run_batch

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
    def _schedule(self, step, items, filtered=False):
        """``items``: (target record, customer, occasion, occasion date). Keeps the
        customers the step is meant for (unless the caller's search already did:
        ``filtered``), claims the occasions and creates one activity (and email) per
        occasion claimed now."""
        if not filtered:
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
        mailed = [res_id for _occurrence_id, res_id, occasion in claimed
                  if by_key[(res_id, occasion)][1].email]
        if step.crm_vn_mail_template_id and not step.crm_vn_send_channel and mailed:
            step.crm_vn_mail_template_id.sudo().send_mail_batch(mailed)
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
            # Tiers are the plan company's: a shared customer's tier there.
            allowed = allowed.with_company(self._step_company(step)).filtered(
                lambda p: p.tier_id in tiers)
        if segment and allowed:
            # Whoever triggered the step: membership does not depend on what they may read.
            allowed = allowed.sudo().filtered_domain(segment._get_partner_domain())
        return [item for item in items if item[1] and item[1] in allowed]

    # ------------------------------------------------------------------ dates
    @api.model
    def _cron_run_date_steps(self):
        """Daily: steps whose date comes (purchases, birthdays, holidays, care due), a
        thousand customers per call; the cron worker calls again while some remain and
        commits between calls."""
        done, remaining = self._run_date_steps_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _run_date_steps_batch(self, batch_size=BATCH_SIZE):
        """The next ``batch_size`` customers due for a date step. A step fires on the day
        its activity is due (the occasion moved by the step's delay) and catches up a
        week, so a day the server was down is not lost. The customers a step already
        fired for on an occasion are left out by the search itself, so that after a
        crash the next call goes on with the customers not yet greeted, and the days
        after a holiday do not claim the whole customer base again. Returns (done,
        remaining)."""
        today = fields.Date.context_today(self)
        Step = self.env["mail.activity.plan.template"]
        date_triggers = [t for t, _label in Step._fields["crm_vn_trigger"].selection
                         if t not in Step._crm_vn_event_triggers()]
        units = []
        for step in self._steps(date_triggers):
            # Tier domains read the customers' tiers in the plan's company.
            engine = self.with_company(self._step_company(step))
            for back in range(CATCH_UP_DAYS - 1, -1, -1):
                occasion_day = self._occasion_day(step, today - timedelta(days=back))
                for domain, occasion in engine._due_customers(step, occasion_day):
                    units.append((
                        engine.env["res.partner"].sudo(),
                        domain + self._not_claimed_domain(step, occasion),
                        lambda partners, step=step, occasion=occasion, day=occasion_day:
                            self._schedule(step, [(partner, partner, occasion, day)
                                                  for partner in partners], filtered=True)))
        done, remaining = run_batch(units, batch_size)
        _logger.info("Customer care: %s customers due by date scheduled, %s remaining",
                     done, remaining)
        return done, remaining

    @api.model
    def _step_company(self, step):
        """The company whose tiers a step's customers are looked at in: its plan's, or
        the one the cron or the user works in for a plan shared by the group."""
        return step.plan_id.company_id or self.env.company

    @api.model
    def _not_claimed_domain(self, step, occasion):
        return [("id", "not in", SQL(
            "(SELECT res_id FROM crm_vn_care_occurrence WHERE template_id = %s "
            "AND res_model = 'res.partner' AND occasion = %s)", step.id, occasion))]

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
        """(domain, occasion) pairs for a date step on the occasion ``day``, from the
        method of its trigger, ``_crm_vn_trigger_<trigger>(step, day, customers)``, whose
        last argument is the domain of the customers the step fires for (the plan
        company's, of the step's tiers and the plan's segment). Every filter is in the
        domain: a customer searched is a customer claimed, so batches always move on. A
        trigger without its method (an extension's ``selection_add`` alone) is logged and
        skipped: the other steps still run."""
        method = getattr(self, f"_crm_vn_trigger_{step.crm_vn_trigger}", None)
        if method is None:
            _logger.warning("Customer care: step %s (%s) skipped, no method "
                            "_crm_vn_trigger_%s for its trigger", step.id, step.summary,
                            step.crm_vn_trigger)
            return []
        customers = self._customers_domain(step.plan_id.company_id)
        if step.crm_vn_tier_ids:
            customers += [("tier_id", "in", step.crm_vn_tier_ids.ids)]
        if step.plan_id.crm_vn_segment_id:
            customers += step.plan_id.crm_vn_segment_id._get_partner_domain()
        return method(step, day, customers)

    @api.model
    def _crm_vn_trigger_after_purchase(self, step, day, customers):
        # A follow-up and a win-back both count from the last purchase; a new order moves
        # it, so each purchase gets its own occasion.
        last = day - timedelta(days=step.crm_vn_trigger_days)
        return [(customers + [("last_order_date", "=", last)], f"{step.crm_vn_trigger}:{last}")]

    @api.model
    def _crm_vn_trigger_no_purchase(self, step, day, customers):
        return self._crm_vn_trigger_after_purchase(step, day, customers)

    @api.model
    def _crm_vn_trigger_birthday(self, step, day, customers):
        return [(customers + self.env["res.partner"]._crm_vn_celebrating_domain(day),
                 f"birthday:{day.year}")]

    @api.model
    def _crm_vn_trigger_contact_due(self, step, day, customers):
        return [(customers + [("next_care_date", "=", day)], f"contact:{day}")]

    @api.model
    def _crm_vn_trigger_occasion(self, step, day, customers):
        """Tết, Trung Thu, 8/3... (crm.vn.occasion): its customers, on its day."""
        occasion = step.crm_vn_occasion_id
        if not occasion.active or not occasion._falls_on(day):
            return []
        return [(customers + occasion._get_partner_domain(), occasion._key(day))]

    @api.model
    def _crm_vn_trigger_near_next_tier(self, step, day, customers):
        """Customers within the step's percentage of their next tier: once per customer,
        tier held, next tier and year (the tier window)."""
        near = customers + [("tier_next_id", "!=", False),
                            ("tier_next_progress", ">=", 100 - step.crm_vn_trigger_percent)]
        pairs = self.env["res.partner"].sudo()._read_group(near, ["tier_id", "tier_next_id"])
        return [(near + [("tier_id", "=", tier.id), ("tier_next_id", "=", next_tier.id)],
                 f"near_tier:{tier.id or 0}>{next_tier.id}:{day.year}")
                for tier, next_tier in pairs]

    @api.model
    def _crm_vn_trigger_tier_at_risk(self, step, day, customers):
        """Customers whose figures no longer qualify and whose tier ends in N days, at
        the end of the grace period: once per customer, tier and grace period."""
        end = day + timedelta(days=step.crm_vn_trigger_days)
        return [(customers + [("tier_grace_until", "=", end)],
                 f"tier_risk:{end}")]

    @api.model
    def _escalate_overdue_care_units(self):
        """The work of the overdue-care escalation, per company (see run_batch): the
        customers whose care is overdue by more than the company's escalation delay and
        not yet escalated for that care date."""
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"].sudo()
        not_escalated = [("id", "in", SQL(
            "(SELECT id FROM res_partner WHERE next_care_date IS DISTINCT FROM "
            "crm_vn_care_escalated_for)"))]
        return [
            (Partner, self._customers_domain(company) + not_escalated + [
                ("next_care_date", "<", today - timedelta(
                    days=company.crm_vn_care_escalation_days)),
                ("user_id", "!=", False)], self._escalate_overdue_care)
            for company in self.env["res.company"].sudo().search(
                [("crm_vn_care_escalation_days", ">", 0)], order="id")]

    @api.model
    def _escalate_overdue_care(self, partners):
        """The team leader of each customer gets an activity, once per missed care date:
        the date is marked in one UPDATE, the activities made in one create."""
        self.env["res.partner"].flush_model(["next_care_date", "crm_vn_care_escalated_for"])
        self.env.cr.execute("""
            UPDATE res_partner SET crm_vn_care_escalated_for = next_care_date
             WHERE id = ANY(%s)""", [partners.ids])
        partners.invalidate_recordset(["crm_vn_care_escalated_for"])
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].sudo().create([{
            "res_model_id": model_id, "res_id": partner.id, "activity_type_id": todo.id,
            "user_id": partner.user_id.sale_team_id.user_id.id,
            "date_deadline": fields.Date.context_today(self), "automated": True,
            "summary": self.env._("Care overdue since %(day)s",
                                  day=fields.Date.to_string(partner.next_care_date)),
        } for partner in partners if partner.user_id.sale_team_id.user_id])
        return partners
