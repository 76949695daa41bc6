from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class LoyaltyHistory(models.Model):
    """Odoo's points ledger, told what each line is: earnings carry the date they expire
    (spent oldest first, see loyalty.card), bonuses carry the occasion they reward so
    that they are never given twice."""

    _inherit = "loyalty.history"

    # Odoo does not index it; the nightly tier recompute, the expiry cron and every card's
    # history read the lines of given cards, which was a full scan at each batch.
    card_id = fields.Many2one(index=True)
    # Nor this: confirming, editing, refunding and cancelling an order look up its lines,
    # a full scan per order on a large history.
    order_id = fields.Many2oneReference(index="btree_not_null")
    crm_vn_kind = fields.Selection(
        [("earning", "Earned on an Order"), ("bonus", "Bonus"), ("adjustment", "Manual Adjustment"),
         ("refund", "Taken Back on a Refund"), ("edit", "Order Edited"), ("expiry", "Expired"),
         ("debt", "Taken Back Beyond the Balance"), ("settlement", "Debt Settled")],
        string="Kind", readonly=True)
    crm_vn_expiry_date = fields.Date(
        string="Expires On", readonly=True, index="btree_not_null",
        help="Points earned on this line that are still unspent expire on this date.")
    crm_vn_expiry_done = fields.Boolean(string="Expiry Processed", readonly=True, default=False)
    crm_vn_reminder_sent = fields.Boolean(
        string="Expiry Reminder Sent", readonly=True, default=False)
    crm_vn_base_points = fields.Float(
        string="Points Before Multiplier", readonly=True,
        help="What the order earned before the tier multiplier: these count for tier "
        "qualification, so that a multiplier does not keep a customer in its tier by itself.")
    crm_vn_occasion = fields.Char(
        string="Occasion", readonly=True, copy=False,
        help="The occasion a bonus rewards (e.g. birthday:2026); one bonus per occasion.")

    _sql_constraints = [
        ("crm_vn_occasion_unique", "UNIQUE (card_id, crm_vn_occasion)",
         "This bonus has already been given to this card."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        audited = self.env["loyalty.card"]._crm_vn_check_points_change()
        lines = super().create(vals_list)
        lines.filtered(lambda line: line.issued > 0)._crm_vn_set_expiry()
        if audited:
            lines._crm_vn_audit(lambda line: self.env._(
                "History line added by hand: %(description)s", description=line.description))
        return lines

    def write(self, vals):
        audited = self.env["loyalty.card"]._crm_vn_check_points_change()
        result = super().write(vals)
        if audited:
            self._crm_vn_audit(lambda line: self.env._(
                "History line changed by hand: %(description)s", description=line.description))
        return result

    def unlink(self):
        if self.env["loyalty.card"]._crm_vn_check_points_change():
            self._crm_vn_audit(lambda line: self.env._(
                "History line deleted by hand: %(description)s", description=line.description))
        return super().unlink()

    def _crm_vn_audit(self, reason_of):
        for line in self:
            self.env["crm.vn.audit.log"]._log_points_adjustment(
                line.card_id, line.card_id.points, line.card_id.points, reason_of(line))

    def _crm_vn_set_expiry(self):
        """Earnings and bonuses of a loyalty programme expire after the company's
        validity; other lines (debts, corrections) never expire."""
        issued = self.env["crm.vn.concepts"]._points_kinds("issued")
        for line in self:
            expiry = self._crm_vn_expiry_of(line.card_id.program_id)
            if expiry and not line.crm_vn_expiry_date and line.crm_vn_kind in issued:
                line.sudo().crm_vn_expiry_date = expiry

    @api.model
    def _crm_vn_expiry_of(self, program):
        """The day points issued today on a card of ``program`` expire (False: never)."""
        months = program.company_id.crm_vn_points_validity_months or (
            self.env.company.crm_vn_points_validity_months)
        if program.program_type != "loyalty" or not months:
            return False
        return fields.Date.context_today(self) + relativedelta(months=months)
