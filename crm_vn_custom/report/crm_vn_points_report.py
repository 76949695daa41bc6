from odoo import fields, models

from .report_sql import USER_TEAM

# What each kind of points history line means for the report (see loyalty.history).
ISSUED_KINDS = "('earning', 'bonus', 'adjustment', 'edit')"
REDEEMED_KINDS = "('earning', 'edit')"
TAKEN_BACK_KINDS = "('refund', 'adjustment')"


class CrmVnPointsReport(models.Model):
    """Loyalty points issued, redeemed on orders, expired and taken back, per line of the
    points history of the loyalty programmes."""

    _name = "crm.vn.points.report"
    _description = "Loyalty Points Analysis"
    _inherit = "crm.vn.report.mixin"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    date = fields.Date(readonly=True)
    program_id = fields.Many2one("loyalty.program", string="Programme", readonly=True)
    kind = fields.Selection(
        lambda self: self.env["loyalty.history"]._fields["crm_vn_kind"].selection,
        readonly=True)
    points_issued = fields.Float(readonly=True)
    points_redeemed = fields.Float(readonly=True)
    points_expired = fields.Float(readonly=True)
    points_taken_back = fields.Float(
        readonly=True,
        help="Taken back on refunds and by manual adjustments.")

    @property
    def _table_query(self):
        kind = "COALESCE(h.crm_vn_kind, 'earning')"
        return f"""
            WITH {USER_TEAM}
            SELECT h.id, h.create_date::date AS date, cp.id AS partner_id, card.program_id,
                   card.company_id,
                   cp.user_id, ut.team_id, cp.tier_id, h.crm_vn_kind AS kind,
                   CASE WHEN {kind} IN {ISSUED_KINDS} THEN h.issued ELSE 0 END AS points_issued,
                   CASE WHEN {kind} IN {REDEEMED_KINDS} THEN h.used ELSE 0 END
                       AS points_redeemed,
                   CASE WHEN {kind} = 'expiry' THEN h.used ELSE 0 END AS points_expired,
                   CASE WHEN {kind} IN {TAKEN_BACK_KINDS} THEN h.used ELSE 0 END
                       AS points_taken_back
              FROM loyalty_history h
              JOIN loyalty_card card ON card.id = h.card_id
              JOIN loyalty_program program ON program.id = card.program_id
                                          AND program.program_type = 'loyalty'
         LEFT JOIN res_partner p ON p.id = card.partner_id
         LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN user_team ut ON ut.user_id = cp.user_id
        """
