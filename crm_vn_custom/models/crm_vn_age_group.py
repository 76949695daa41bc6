from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Oldest age a group may reach: "55 and over" goes up to it.
MAX_AGE = 200


class CrmVnAgeGroup(models.Model):
    """An age band of the customer reports and segments (under 25, 25–34...), set by
    administrators (see OCA partner_contact_age_range). Each customer's group is stored,
    kept by its birthday and moved by a daily update as people grow older."""

    _name = "crm.vn.age.group"
    _description = "Age Group"
    _order = "age_from, id"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical key of the group, for imports and scripts.", copy=False)
    age_from = fields.Integer(string="From Age", required=True)
    age_to = fields.Integer(string="To Age", required=True, default=MAX_AGE)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "The age group code must be unique.")]

    @api.constrains("age_from", "age_to", "active")
    def _check_ages(self):
        for group in self:
            if group.age_from < 0 or group.age_to < group.age_from:
                raise ValidationError(self.env._(
                    "Age group %(name)s: the ages must go from a positive age up to an "
                    "older one (%(low)s–%(high)s).",
                    name=group.name, low=group.age_from, high=group.age_to))
            overlap = self.search([
                ("id", "!=", group.id), ("age_from", "<=", group.age_to),
                ("age_to", ">=", group.age_from)], limit=1)
            if group.active and overlap:
                raise ValidationError(self.env._(
                    "Age group %(name)s overlaps %(other)s: a customer belongs to one group.",
                    name=group.name, other=overlap.name))

    @api.model_create_multi
    def create(self, vals_list):
        groups = super().create(vals_list)
        self.env["res.partner"]._crm_vn_update_age_groups()
        return groups

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & {"age_from", "age_to", "active"}:
            self.env["res.partner"]._crm_vn_update_age_groups()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["res.partner"]._crm_vn_update_age_groups()
        return result

    @api.model
    def _for_age(self, age):
        """The group of people aged ``age`` (active groups, read once per call site)."""
        return self.search([("age_from", "<=", age), ("age_to", ">=", age)], limit=1)
