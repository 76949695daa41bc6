from odoo import fields, models
from odoo.exceptions import UserError


# One concern of the customer per file (issue 21): res_partner.py holds its data.
class ResPartner(models.Model):
    """The customer's loyalty card (tích điểm) in its company's loyalty programme."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Loyalty points (tích điểm): the customer's card in its company's loyalty programme.
    crm_vn_loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", compute="_compute_crm_vn_loyalty")
    crm_vn_points_balance = fields.Float(
        string="Points Balance", compute="_compute_crm_vn_loyalty")
    crm_vn_points_expiring = fields.Float(
        string="Expiring within 30 Days", compute="_compute_crm_vn_loyalty",
        help="Unspent points that expire in the next 30 days, oldest first.")
    crm_vn_points_debt = fields.Float(string="Points Owed", compute="_compute_crm_vn_loyalty")
    crm_vn_points_history_ids = fields.One2many(
        "loyalty.history", string="Points History", compute="_compute_crm_vn_loyalty")

    def _compute_crm_vn_loyalty(self):
        Card = self.env["loyalty.card"]
        until = fields.Date.add(fields.Date.context_today(self), days=30)
        program_of = {partner: (partner.company_id or self.env.company).crm_vn_loyalty_program_id
                      for partner in self}
        # One search for the whole batch; the first card (lowest id) of a customer wins.
        card_of = {}
        for card in Card.search([
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("program_id", "in", [program.id for program in program_of.values()])]):
            card_of.setdefault((card.partner_id.id, card.program_id.id), card)
        cards = {partner: card_of.get((partner.commercial_partner_id.id, program.id), Card)
                 for partner, program in program_of.items()}
        expiring = Card.union(*cards.values()).sudo()._crm_vn_unspent_until(until)
        for partner, card in cards.items():
            partner.crm_vn_loyalty_card_id = card
            partner.crm_vn_points_balance = card.points
            partner.crm_vn_points_expiring = expiring.get(card.id, 0.0)
            partner.crm_vn_points_debt = card.crm_vn_points_debt
            partner.crm_vn_points_history_ids = card.history_ids

    def action_crm_vn_adjust_points(self):
        self.ensure_one()
        self.check_access("read")
        # Opening the adjustment creates the customer's card: managers only.
        self.env["loyalty.card"]._crm_vn_check_points_change()
        program = (self.company_id or self.env.company).crm_vn_loyalty_program_id
        if not program:
            raise UserError(self.env._(
                "Choose the customer loyalty programme first (Settings › CRM › Loyalty "
                "Points)."))
        return self.env["loyalty.card"]._crm_vn_card_of(
            self.commercial_partner_id, program).action_loyalty_update_balance()
