from odoo import api, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.vn.phone.mixin", "crm.vn.protected.data.mixin"]
    _crm_vn_owner_fields = ("user_id", "team_id")

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        # The lead's source (utm.source) becomes the customer's source.
        values = super()._prepare_customer_values(partner_name, is_company, parent_id)
        values["source_id"] = self.source_id.id
        return values

    def _crm_vn_audit_partner(self):
        return self.partner_id.commercial_partner_id

    def _crm_vn_care_partner(self):
        return self.partner_id.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self.env["crm.vn.care.engine"]._on_event("lead_created", leads)
        return leads

    def write(self, vals):
        result = super().write(vals)
        if "stage_id" in vals:
            # One occasion per stage: moving back and forth does not repeat the step.
            for stage in self.stage_id:
                self.env["crm.vn.care.engine"]._on_event(
                    "lead_stage", self.filtered(lambda lead, s=stage: lead.stage_id == s),
                    occasion=f"stage:{stage.id}")
        return result
