from odoo import api, fields, models

AUDIT_KEY = "crm_vn_custom.audit"


class CrmVnAuditLog(models.Model):
    """Who changed what about a customer, when and why. Lines are written by the server
    (sudo) and nobody has write or delete rights on them, so the people they record cannot
    alter them. Tier overrides are audited in the tier history (crm.vn.tier.history)."""

    _name = "crm.vn.audit.log"
    _description = "Customer Data Audit Log"
    _order = "date desc, id desc"
    _rec_name = "record_name"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Changed By", required=True, readonly=True, index=True,
        default=lambda self: self.env.user, ondelete="restrict")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    kind = fields.Selection(
        [("ownership", "Owner Changed"), ("transfer", "Staff Transfer"),
         ("points", "Points Adjusted"), ("data_export", "Personal Data Exported"),
         ("data_erasure", "Personal Data Erased")],
        required=True, readonly=True, index=True, default="ownership")
    res_model = fields.Char(string="Document Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True, index=True)
    record_name = fields.Char(string="Document", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index=True, ondelete="set null")
    field_id = fields.Many2one("ir.model.fields", readonly=True, ondelete="cascade")
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    reason = fields.Text(readonly=True)

    @api.model
    def _prepare_changes(self, records, field_names):
        """Remember the values of the many2one ``field_names`` of ``records`` before a
        write; lines are written just before the commit, like Odoo's own field tracking,
        for the values that really changed by then (a rolled-back write leaves none).
        Kind and reason come from the context (``crm_vn_audit_kind``,
        ``crm_vn_audit_reason``) so a caller such as the staff transfer can explain a change
        it makes through an ordinary write."""
        context = self.env.context
        change = {
            "user_id": self.env.uid,
            "date": fields.Datetime.now(),
            "kind": context.get("crm_vn_audit_kind", "ownership"),
            "reason": context.get("crm_vn_audit_reason") or False,
        }
        data = self.env.cr.precommit.data
        if AUDIT_KEY not in data:
            self.env.cr.precommit.add(self.sudo()._flush_pending_changes)
        pending = data.setdefault(AUDIT_KEY, {}).setdefault(records._name, {})
        for record in records:
            for name in field_names:
                entry = pending.setdefault((record.id, name), {"old_id": record[name].id})
                entry.update(change)

    @api.model
    def _flush_pending_changes(self):
        vals_list = []
        for model_name, pending in self.env.cr.precommit.data.pop(AUDIT_KEY, {}).items():
            records = self.env[model_name].browse({res_id for res_id, _name in pending}).exists()
            for record in records:
                for name in record._crm_vn_owner_fields:
                    change = pending.get((record.id, name))
                    if change and record[name].id != change["old_id"]:
                        vals_list.append(self._change_values(record, name, change))
        if vals_list:
            self.create(vals_list)
            self.env.flush_all()

    @api.model
    def _change_values(self, record, name, change):
        old = self.env[record._fields[name].comodel_name].browse(change["old_id"])
        return {
            "user_id": change["user_id"],
            "date": change["date"],
            "kind": change["kind"],
            "reason": change["reason"],
            "res_model": record._name,
            "res_id": record.id,
            "record_name": record.display_name,
            "partner_id": record._crm_vn_audit_partner().id,
            "company_id": record.company_id.id or self.env.company.id,
            "field_id": self.env["ir.model.fields"]._get(record._name, name).id,
            "old_value": old.display_name or False,
            "new_value": record[name].display_name or False,
        }

    @api.model
    def _log_points_adjustment(self, card, old_balance, new_balance, reason):
        return self.sudo().create({
            "kind": "points",
            "reason": reason,
            "res_model": card._name,
            "res_id": card.id,
            "record_name": card.display_name,
            "partner_id": card.partner_id.commercial_partner_id.id,
            "company_id": card.company_id.id or self.env.company.id,
            "field_id": self.env["ir.model.fields"]._get(card._name, "points").id,
            "old_value": card._format_points(old_balance),
            "new_value": card._format_points(new_balance),
        })

    @api.model
    def _log_data_subject_request(self, partner, kind, reason):
        return self.sudo().create({
            "kind": kind, "reason": reason, "res_model": partner._name, "res_id": partner.id,
            "record_name": partner.display_name, "partner_id": partner.id,
            "company_id": (partner.company_id or self.env.company).id,
        })

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": self.res_model,
            "res_id": self.res_id, "view_mode": "form",
        }
