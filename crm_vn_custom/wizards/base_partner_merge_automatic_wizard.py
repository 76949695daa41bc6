from odoo import models

from ..models.crm_vn_trusted_flow import trusted


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    # Odoo copies the merged customers' fields, tier and points cards included, onto the
    # one kept: a trusted flow (the kept customer's tier is recomputed below).
    @trusted
    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # Odoo lets only administrators merge contacts whose emails differ. A duplicate
        # typed in by a salesperson often has no email at all: a missing email is no
        # conflict, so sales managers may merge it.
        partners = self.env["res.partner"].browse(partner_ids)
        if extra_checks and len(set(partners.mapped("email_normalized")) - {False}) <= 1:
            extra_checks = False
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        # The kept customer now owns the merged ones' orders: its tier reflects them at once.
        survivors = partners.exists()
        if survivors:
            self.env["crm.vn.tier.engine"].sudo()._recompute(survivors)
            # A duplicate across salespeople is resolved once both sides are one customer.
            self.env["crm.vn.duplicate"].sudo().search(
                [("partner_id", "in", survivors.ids)]).filtered(
                lambda dup: dup.partner_id == dup.existing_id).unlink()
        return result
