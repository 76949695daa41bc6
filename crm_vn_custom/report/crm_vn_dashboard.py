from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

RECENT_DAYS = 90


class CrmVnDashboard(models.AbstractModel):
    """The manager dashboard's figures. Everything is read through the reporting models
    as the current user, so the record rules apply: care staff see their own figures, team
    leaders their teams', managers everybody's."""

    _name = "crm.vn.dashboard"
    _description = "Customer Care Dashboard"

    # Read-only: over JSON-RPC it runs on a read-only cursor, i.e. on the read replica when
    # Odoo has one (--db_replica_host). Nothing here writes.
    @api.readonly
    @api.model
    def retrieve_dashboard(self):
        self.env.flush_all()  # the reports are SQL views over other models' tables
        # PostgreSQL estimates the report views expensive and JIT-compiles them: at 100,000
        # customers 1.6 s of the customer report's 2.5 s went to compiling. Only for this
        # transaction (allowed on a read-only one: a setting, not a write).
        self.env.cr.execute("SET LOCAL jit = off")
        today = fields.Date.context_today(self)
        month_start = today.replace(day=1)
        recent = today - relativedelta(days=RECENT_DAYS)
        per_tier = self._customers_per_tier()
        return {
            "sections": [
                self._customer_section(per_tier),
                self._revenue_section(month_start),
                self._care_section(recent, today),
                self._loyalty_section(month_start),
            ],
            "tiers": self._tiers(per_tier),
            "currency_id": self.env.company.currency_id.id,
        }

    @api.model
    def _customers_per_tier(self):
        """The customer report's figures per tier, in one query: the view aggregates
        every order of the base each time it is read, so the customer tiles and the tier
        bar share this one reading (sums and counts add up across tiers, averages do not)."""
        return self.env["crm.vn.customer.report"]._read_group([], ["tier_id"], [
            "__count", "churn_rate:sum", "churn_rate:count", "average_value:sum",
            "average_value:count", "repeat_rate:sum", "repeat_rate:count"])

    @api.model
    def _tile(self, label, value, action, domain=(), kind="number", help_text=""):
        return {
            "label": label,
            "value": value,
            "kind": kind,
            "help": help_text,
            "action": action,
            "domain": list(domain),
        }

    @api.model
    def _aggregate(self, model, domain, aggregates):
        """One aggregate query over the rows the user may see."""
        return self.env[model]._read_group(domain, aggregates=aggregates)[0]

    @api.model
    def _customer_section(self, per_tier):
        totals = [sum(row[index] or 0 for row in per_tier) for index in range(1, 8)]
        customers, churn_sum, churn_count, value_sum, value_count, repeat_sum, repeat_count = (
            totals)
        churn = churn_sum / churn_count if churn_count else None
        value = value_sum / value_count if value_count else None
        repeat = repeat_sum / repeat_count if repeat_count else None
        # The churn rate is 100 exactly for the lost customers (0 for the others who bought).
        lost = round(churn_sum / 100)
        # The cohort report narrowed to the month after the first purchase (the same rows).
        (retained,) = self.with_context(crm_vn_months_since_first=1)._aggregate(
            "crm.vn.cohort.report", [("months_since_first", "=", 1)], ["retention_rate:avg"]
        )
        report = "crm_vn_custom.crm_vn_customer_report_action"
        return {
            "title": self.env._("Customers"),
            "tiles": [
                self._tile(self.env._("Customers"), customers, report),
                self._tile(self.env._("Lost Customers"), lost, report, [("churned", "=", True)]),
                self._tile(
                    self.env._("Churn Rate"),
                    churn,
                    report,
                    kind="percent",
                    help_text=self.env._("Customers who bought but not within the set days"),
                ),
                self._tile(
                    self.env._("Repeat Rate"),
                    repeat,
                    report,
                    kind="percent",
                    help_text=self.env._("Customers who bought at least twice"),
                ),
                self._tile(self.env._("Average Lifetime Value"), value, report, kind="monetary"),
                self._tile(
                    self.env._("Back the Next Month"),
                    retained,
                    "crm_vn_custom.crm_vn_cohort_report_action",
                    kind="percent",
                    help_text=self.env._("Customers who bought again the month after their first"),
                ),
            ],
        }

    @api.model
    def _revenue_section(self, month_start):
        domain = [("state", "=", "sale"), ("date", ">=", fields.Datetime.to_datetime(month_start))]
        revenue = dict(
            self.env["sale.report"]._read_group(
                domain, ["crm_vn_customer_kind"], ["price_subtotal:sum"]
            )
        )
        report = "crm_vn_custom.sale_report_action_crm_vn_returning"
        return {
            "title": self.env._("Revenue This Month"),
            "tiles": [
                self._tile(
                    self.env._("From New Customers"),
                    revenue.get("new", 0.0),
                    report,
                    [*domain, ("crm_vn_customer_kind", "=", "new")],
                    kind="monetary",
                ),
                self._tile(
                    self.env._("From Returning Customers"),
                    revenue.get("returning", 0.0),
                    report,
                    [*domain, ("crm_vn_customer_kind", "=", "returning")],
                    kind="monetary",
                ),
            ],
        }

    @api.model
    def _care_section(self, recent, today):
        recent_days = [("date", ">=", recent)]
        nps, satisfaction, answers = self._aggregate(
            "crm.vn.satisfaction.report",
            recent_days,
            ["nps:avg", "satisfaction:avg", "answer_count:sum"],
        )
        due = [("date_deadline", ">=", recent), ("date_deadline", "<=", today)]
        (on_time,) = self._aggregate("crm.vn.care.compliance.report", due, ["compliance_rate:avg"])
        (overdue,) = self._aggregate(
            "crm.vn.care.compliance.report", [("state", "=", "overdue")], ["__count"]
        )
        complaints = dict(
            self.env["crm.vn.complaint"]._read_group(
                [("date_open", ">=", fields.Datetime.to_datetime(recent))],
                ["deadline_status"],
                ["__count"],
            )
        )
        messages = dict(
            self.env["crm.vn.care.log"]._read_group(
                [*recent_days, ("message_state", "!=", False)], ["message_state"], ["__count"]
            )
        )
        messages_action = "crm_vn_custom.crm_vn_care_log_action_messages"
        satisfaction_report = "crm_vn_custom.crm_vn_satisfaction_report_action"
        compliance_report = "crm_vn_custom.crm_vn_care_compliance_report_action"
        complaint_report = "crm_vn_custom.crm_vn_complaint_action_report"
        recent_complaints = [("date_open", ">=", fields.Datetime.to_datetime(recent))]
        return {
            "title": self.env._("Care, Last 90 Days"),
            "tiles": [
                self._tile(
                    self.env._("NPS"),
                    nps,
                    satisfaction_report,
                    recent_days,
                    kind="score",
                    help_text=self.env._("%(answers)s answers", answers=answers or 0),
                ),
                self._tile(
                    self.env._("Satisfaction (1-5)"),
                    satisfaction,
                    satisfaction_report,
                    recent_days,
                    kind="decimal",
                ),
                self._tile(
                    self.env._("Care Done on Time"), on_time, compliance_report, due, kind="percent"
                ),
                self._tile(
                    self.env._("Care Overdue Now"),
                    overdue,
                    compliance_report,
                    [("state", "=", "overdue")],
                    kind="alert",
                ),
                self._tile(
                    self.env._("Complaints on Time"),
                    complaints.get("met", 0),
                    complaint_report,
                    [*recent_complaints, ("deadline_status", "=", "met")],
                ),
                self._tile(
                    self.env._("Complaints Late"),
                    complaints.get("breached", 0),
                    complaint_report,
                    [*recent_complaints, ("deadline_status", "=", "breached")],
                    kind="alert",
                ),
                self._tile(
                    self.env._("Messages Sent"),
                    messages.get("sent", 0) + messages.get("delivered", 0),
                    messages_action,
                    [*recent_days, ("message_state", "in", ["sent", "delivered"])],
                ),
                self._tile(
                    self.env._("Messages Failed"),
                    messages.get("failed", 0),
                    messages_action,
                    [*recent_days, ("message_state", "=", "failed")],
                    kind="alert",
                ),
            ],
        }

    @api.model
    def _loyalty_section(self, month_start):
        this_month = [("date", ">=", month_start)]
        issued, redeemed, expired = self._aggregate(
            "crm.vn.points.report",
            this_month,
            ["points_issued:sum", "points_redeemed:sum", "points_expired:sum"],
        )
        changes = dict(
            self.env["crm.vn.tier.history"]._read_group(
                [("date", ">=", fields.Datetime.to_datetime(month_start))],
                ["direction"],
                ["__count"],
            )
        )
        points_report = "crm_vn_custom.crm_vn_points_report_action"
        tier_report = "crm_vn_custom.crm_vn_tier_history_action"
        month_changes = [("date", ">=", fields.Datetime.to_datetime(month_start))]
        return {
            "title": self.env._("Loyalty This Month"),
            "tiles": [
                self._tile(self.env._("Points Issued"), issued, points_report, this_month),
                self._tile(self.env._("Points Redeemed"), redeemed, points_report, this_month),
                self._tile(self.env._("Points Expired"), expired, points_report, this_month),
                self._tile(
                    self.env._("Tier Upgrades"),
                    changes.get("up", 0),
                    tier_report,
                    [*month_changes, ("direction", "=", "up")],
                ),
                self._tile(
                    self.env._("Tier Downgrades"),
                    changes.get("down", 0),
                    tier_report,
                    [*month_changes, ("direction", "=", "down")],
                ),
            ],
        }

    @api.model
    def _tiers(self, per_tier):
        """Customers per tier (in the tiers' order), for the bar at the top; with several
        companies selected, each tier names its company (both may have a "Vàng")."""
        several = len({tier.company_id for tier, *_figures in per_tier if tier}) > 1
        return [
            {"id": tier.id, "color": tier.color, "count": count,
             "name": f"{tier.name} · {tier.company_id.name}" if several else tier.name}
            for tier, count, *_figures in per_tier if tier
        ]
