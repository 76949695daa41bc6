from odoo import fields, models
from odoo.tools import SQL


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

    def _select(self):
        """``h`` the points history line, ``card`` its card, ``cp`` the customer."""
        concepts = self.env["crm.vn.concepts"]
        return SQL("""
            SELECT h.id, h.create_date::date AS date, cp.id AS partner_id, card.program_id,
                   card.company_id,
                   cp.user_id, %(team)s AS team_id, %(tier)s AS tier_id, h.crm_vn_kind AS kind,
                   %(issued)s AS points_issued, %(redeemed)s AS points_redeemed,
                   %(expired)s AS points_expired, %(taken_back)s AS points_taken_back""",
            team=concepts._salesperson_team_sql(SQL("cp.user_id")),
            tier=concepts._company_value_sql("cp", "tier_id", SQL("card.company_id")),
            **{figure: concepts._points_sql("h", figure)
               for figure in ("issued", "redeemed", "expired", "taken_back")})

    def _from(self):
        return SQL("""
              FROM loyalty_history h
              JOIN loyalty_card card ON card.id = h.card_id
              JOIN loyalty_program program ON program.id = card.program_id
                                          AND program.program_type = 'loyalty'
         LEFT JOIN res_partner p ON p.id = card.partner_id
         LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id""")
