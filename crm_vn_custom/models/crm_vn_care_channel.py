from odoo import fields, models


class CrmVnCareChannel(models.Model):
    """A way of reaching customers: phone call, email, SMS, Zalo, visit..."""

    _name = "crm.vn.care.channel"
    _description = "Care Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "The channel code must be unique.")]
