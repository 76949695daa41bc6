import hashlib
import hmac
import json
import time

from odoo import http
from odoo.http import request

# A delivery report older than this, or one seen before, is a replay.
REPLAY_WINDOW_SECONDS = 15 * 60


class CrmVnMessageController(http.Controller):

    @http.route("/crm_vn/messages/status/<int:provider_id>", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def crm_vn_message_status(self, provider_id, **_kw):
        """Delivery reports of a provider, signed as Zalo signs its webhooks:
        ``X-ZEvent-Signature: mac=sha256(app id + body + timestamp + secret)``."""
        provider = request.env["crm.vn.message.provider"].sudo().browse(provider_id).exists()
        body = request.httprequest.get_data(as_text=True)
        try:
            event = json.loads(body)
            timestamp = int(event["timestamp"])
        except (ValueError, KeyError, TypeError):
            return request.make_response("bad request", status=400)
        if not provider or not provider.webhook_secret:
            return request.make_response("unknown provider", status=404)
        mac = hashlib.sha256(("%s%s%s%s" % (provider.zalo_app_id or "", body, timestamp,
                                            provider.webhook_secret)).encode()).hexdigest()
        signature = request.httprequest.headers.get("X-ZEvent-Signature", "")
        if not hmac.compare_digest(signature, f"mac={mac}"):
            return request.make_response("bad signature", status=403)
        if abs(time.time() - timestamp / 1000) > REPLAY_WINDOW_SECONDS or not request.env[
                "crm.vn.message.event"].sudo()._claim(provider, mac):
            return request.make_response("replayed", status=409)
        request.env["crm.vn.care.log"].sudo()._crm_vn_apply_delivery_event(provider, event)
        return request.make_response("ok")

    @http.route("/crm_vn/unsubscribe/<int:partner_id>/<string:token>", type="http",
                auth="public", methods=["GET", "POST"], website=True, csrf=False)
    def crm_vn_unsubscribe(self, partner_id, token, **_kw):
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not hmac.compare_digest(token, partner._crm_vn_unsubscribe_token()):
            return request.not_found()
        if request.httprequest.method == "POST":
            partner._crm_vn_unsubscribe()
            return request.render("crm_vn_custom.crm_vn_unsubscribed", {"partner": partner})
        return request.render("crm_vn_custom.crm_vn_unsubscribe_confirm",
                              {"partner": partner, "token": token})
