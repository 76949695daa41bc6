from odoo import fields, models
from odoo.tools import SQL


class CrmVnCustomerReport(models.Model):
    """Recipe "a new report column": the field and its expression in _select() (the
    customer's res_partner row is ``partner``)."""

    _inherit = "crm.vn.customer.report"

    source_id = fields.Many2one("utm.source", string="Customer Source", readonly=True)

    def _select(self):
        return SQL("%s, partner.source_id", super()._select())
