from odoo import fields, models

from ..tools.message_clients import ProviderError

# The gateway's verdicts in the states and failure types of Odoo's SMS queue.
FAILURE_TYPES = {"recipient": "sms_number_format", "quota": "sms_credit",
                 "permanent": "sms_acc", "temporary": "sms_server", "token": "sms_acc"}


class SmsSms(models.Model):
    """SMS of the care queue go through Odoo's SMS queue, sent by the company's
    brand-name gateway instead of Odoo's IAP service."""

    _inherit = "sms.sms"

    crm_vn_care_log_id = fields.Many2one(
        "crm.vn.care.log", string="Care Message", index="btree_not_null", ondelete="set null")
    crm_vn_provider_id = fields.Many2one(
        "crm.vn.message.provider", string="Gateway", ondelete="set null")
    crm_vn_external_id = fields.Char(string="Gateway Message ID", copy=False)
    crm_vn_cost = fields.Float(string="Cost", copy=False)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        gateway = self.filtered("crm_vn_provider_id")
        for sms in gateway:
            request_id = sms.crm_vn_care_log_id.message_key or sms.uuid
            try:
                external_id, cost = sms.crm_vn_provider_id._send_sms(
                    sms.number, sms.body, request_id)
            except ProviderError as error:
                sms.write({"state": "error", "failure_type": FAILURE_TYPES[error.kind],
                           "to_delete": unlink_failed})
                self.env["crm.vn.messenger"]._sms_results(sms, error)
                continue
            sms.write({"state": "pending", "failure_type": False, "crm_vn_external_id":
                       external_id, "crm_vn_cost": float(cost or 0), "to_delete": unlink_sent})
            self.env["crm.vn.messenger"]._sms_results(sms)
        others = self - gateway
        if others:
            return super(SmsSms, others)._send(
                unlink_failed=unlink_failed, unlink_sent=unlink_sent,
                raise_exception=raise_exception)
        return None
