from odoo import models


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
