from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_vn_consent import PURPOSES

# The objects a template parameter can read, by the name a mapping starts with.
PARAMETER_ROOTS = {"customer": "res.partner", "order": "sale.order", "tier": "crm.vn.tier",
                   "card": "loyalty.card"}


class CrmVnZnsTemplate(models.Model):
    """A ZNS template approved by Zalo, and where each of its parameters comes from."""

    _name = "crm.vn.zns.template"
    _description = "Zalo ZNS Template"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    provider_id = fields.Many2one(
        "crm.vn.message.provider", required=True, ondelete="cascade",
        domain="[('provider_type', '=', 'zalo_zns')]")
    company_id = fields.Many2one(related="provider_id.company_id", store=True, index=True)
    template_ref = fields.Char(
        string="Zalo Template ID", required=True, help="The id Zalo gave the approved template.")
    purpose = fields.Selection(PURPOSES, required=True, default="service")
    parameter_ids = fields.One2many(
        "crm.vn.zns.template.parameter", "template_id", string="Parameters", copy=True)

    @api.constrains("parameter_ids")
    def _check_parameters(self):
        for template in self:
            unmapped = template.parameter_ids.filtered(lambda p: not p.value_path)
            if unmapped:
                raise ValidationError(self.env._(
                    "Map every parameter of the ZNS template %(template)s: %(names)s.",
                    template=template.name, names=", ".join(unmapped.mapped("name"))))

    def _params(self, values):
        """The parameters of one message from ``values`` ({root: record, "occasion": str})."""
        self.ensure_one()
        return {parameter.name: parameter._value(values) for parameter in self.parameter_ids}


class CrmVnZnsTemplateParameter(models.Model):
    _name = "crm.vn.zns.template.parameter"
    _description = "Zalo ZNS Template Parameter"
    _order = "sequence, id"

    template_id = fields.Many2one("crm.vn.zns.template", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Parameter", required=True, help="As in the Zalo template.")
    value_path = fields.Char(
        string="Value",
        help="Where the value comes from: customer.name, customer.tier_id.name, "
        "order.name, order.amount_total, tier.name, card.points or occasion.")

    @api.constrains("value_path")
    def _check_value_path(self):
        for parameter in self.filtered("value_path"):
            root, *path = parameter.value_path.split(".")
            if root == "occasion" and not path:
                continue
            model = self.env.get(PARAMETER_ROOTS.get(root, ""))
            for name in path:
                field = model._fields.get(name) if model is not None else None
                model = self.env.get(field.comodel_name) if field and field.relational else None
                if not field:
                    raise ValidationError(self.env._(
                        "The parameter %(name)s reads %(path)s, which does not exist: start "
                        "with customer, order, tier, card or occasion, then field names.",
                        name=parameter.name, path=parameter.value_path))

    def _value(self, values):
        root, *path = self.value_path.split(".")
        value = values.get(root)
        for name in path:
            value = value[name] if value else False
        if isinstance(value, models.BaseModel):
            value = value.display_name
        return "" if value is False or value is None else str(value)
