from odoo import fields, models


class CrmVnDataSubjectRequest(models.TransientModel):
    """A customer asks for a copy of his personal data, or for its erasure."""

    _name = "crm.vn.data.subject.request"
    _description = "Customer's Request about Personal Data"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    request = fields.Selection(
        [("export", "A Copy of the Personal Data"), ("erase", "Erase the Personal Data")],
        required=True, default="export")
    reason = fields.Text(
        required=True, help="How and when the customer asked: kept in the audit log.")

    def action_confirm(self):
        self.ensure_one()
        if self.request == "erase":
            self.partner_id._crm_vn_erase_personal_data(self.reason)
            return {"type": "ir.actions.act_window_close"}
        attachment = self.partner_id._crm_vn_export_personal_data(self.reason)
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{attachment.id}?download=true"}
