from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
        tracking=True,
    )
    birthday = fields.Date(
        help="Date of birth on the solar calendar, as on the customer's ID card.",
    )
    lunar_birthday = fields.Boolean(
        string="Celebrates Lunar Birthday",
        help="The customer celebrates the lunar-calendar anniversary of this date: "
        "greetings and birthday bonuses follow the lunar calendar.",
    )
