from odoo import fields, models


class CrmVnTier(models.Model):
    """Recipe "a new tier criterion", 1/2: the tier's minimum."""

    _inherit = "crm.vn.tier"

    min_product_count = fields.Integer(
        string="Minimum Products",
        help="Different products the customer bought over the tier window.")
