from odoo import api, fields, models


class CrmVnProvinceMigration(models.TransientModel):
    """Moves addresses from provinces absorbed by an administrative reform to the unit
    they merged into, after showing how many customers and leads each move touches."""

    _name = "crm.vn.province.migration"
    _description = "Move addresses to the new provinces"

    line_ids = fields.One2many("crm.vn.province.migration.line", "wizard_id", string="Moves")
    partner_count = fields.Integer(compute="_compute_totals", string="Customers to Move")
    lead_count = fields.Integer(compute="_compute_totals", string="Leads to Move")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list:
            values["line_ids"] = [fields.Command.create(line) for line in self._pending_moves()]
        return values

    @api.model_create_multi
    def create(self, vals_list):
        # The moves are read from the database when the wizard is saved, never taken
        # from the client: the counts shown are what gets moved.
        for vals in vals_list:
            vals["line_ids"] = [fields.Command.create(line) for line in self._pending_moves()]
        return super().create(vals_list)

    @api.model
    def _pending_moves(self):
        merged = self.env["res.country.state"].with_context(active_test=False).search(
            [("merged_into_id", "!=", False)])
        counts = {}
        for model, key in (("res.partner", "partner_count"), ("crm.lead", "lead_count")):
            groups = self.env[model].with_context(active_test=False)._read_group(
                [("state_id", "in", merged.ids)], ["state_id"], ["__count"])
            for state, count in groups:
                counts.setdefault(state, {"partner_count": 0, "lead_count": 0})[key] = count
        return [{"old_state_id": state.id, "new_state_id": state.merged_into_id.id, **count}
                for state, count in sorted(counts.items(), key=lambda item: item[0].name)]

    @api.depends("line_ids.partner_count", "line_ids.lead_count")
    def _compute_totals(self):
        for wizard in self:
            wizard.partner_count = sum(wizard.line_ids.mapped("partner_count"))
            wizard.lead_count = sum(wizard.line_ids.mapped("lead_count"))

    def action_migrate(self):
        self.ensure_one()
        moved = {"res.partner": 0, "crm.lead": 0}
        for line in self.line_ids.filtered("old_state_id"):
            for model in moved:
                records = self.env[model].with_context(active_test=False).search(
                    [("state_id", "=", line.old_state_id.id)])
                records.write({"state_id": line.new_state_id.id})
                moved[model] += len(records)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(partners)s customer address(es) and %(leads)s lead(s) moved to the "
                    "new provinces.", partners=moved["res.partner"], leads=moved["crm.lead"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class CrmVnProvinceMigrationLine(models.TransientModel):
    _name = "crm.vn.province.migration.line"
    _description = "Move of addresses from one province to another"

    wizard_id = fields.Many2one("crm.vn.province.migration", required=True, ondelete="cascade")
    old_state_id = fields.Many2one(
        "res.country.state", string="Old Province", readonly=True, required=True,
        context={"active_test": False})
    new_state_id = fields.Many2one(
        "res.country.state", string="New Province", readonly=True, required=True)
    partner_count = fields.Integer(string="Customers", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True)
