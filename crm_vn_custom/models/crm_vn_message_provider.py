import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import message_clients

_logger = logging.getLogger(__name__)

# Zalo access tokens live 25 hours: refreshed when less than this is left.
TOKEN_MARGIN = timedelta(minutes=30)


class CrmVnMessageProvider(models.Model):
    """A company's account with a message provider: a Zalo Official Account for ZNS, or a
    brand-name SMS gateway. Keys and tokens are readable by administrators only."""

    _name = "crm.vn.message.provider"
    _description = "Message Provider"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    provider_type = fields.Selection(
        [("zalo_zns", "Zalo ZNS"), ("sms_esms", "Brand-name SMS (eSMS-compatible gateway)")],
        string="Provider", required=True, default="zalo_zns")
    api_url = fields.Char(
        string="Sending URL", required=True, default=message_clients.ZNS_SEND_URL,
        help="The provider's API for sending; a stand-in server's address for trials.")
    oauth_url = fields.Char(
        string="Token URL", default=message_clients.ZALO_OAUTH_URL,
        help="Zalo's OAuth address that refreshes the Official Account's access token.")
    timeout = fields.Integer(string="Timeout (seconds)", default=10)
    zalo_app_id = fields.Char(string="Zalo App ID")
    zalo_secret_key = fields.Char(string="Zalo App Secret", groups="base.group_system")
    zalo_access_token = fields.Char(groups="base.group_system", copy=False)
    zalo_refresh_token = fields.Char(groups="base.group_system", copy=False)
    zalo_token_expiry = fields.Datetime(string="Access Token Expires", copy=False, readonly=True)
    sms_brand_name = fields.Char(
        string="Brand Name", help="The sender name registered with the carriers (Decree 91).")
    sms_api_key = fields.Char(string="API Key", groups="base.group_system")
    sms_secret_key = fields.Char(string="Secret Key", groups="base.group_system")
    webhook_secret = fields.Char(
        groups="base.group_system", copy=False,
        help="The key the provider signs delivery reports with (Zalo: the OA secret key).")
    sent_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")

    @api.onchange("provider_type")
    def _onchange_provider_type(self):
        self.api_url = (message_clients.ZNS_SEND_URL if self.provider_type == "zalo_zns"
                        else message_clients.ESMS_SEND_URL)

    def _compute_counts(self):
        counts = dict.fromkeys(self.ids, (0, 0))
        for provider, state, count in self.env["crm.vn.care.log"]._read_group(
                [("message_provider_id", "in", self.ids),
                 ("message_state", "in", ("sent", "delivered", "failed"))],
                ["message_provider_id", "message_state"], ["__count"]):
            sent, failed = counts[provider.id]
            counts[provider.id] = (sent, failed + count) if state == "failed" else (
                sent + count, failed)
        for provider in self:
            provider.sent_count, provider.failed_count = counts.get(provider.id, (0, 0))

    @api.model
    def _of_company(self, company, provider_type):
        return self.sudo().search([("company_id", "=", company.id),
                                   ("provider_type", "=", provider_type)], limit=1)

    # ------------------------------------------------------------------ Zalo
    def _zalo_access_token(self, force=False):
        """A valid access token, refreshed when it expires within the margin (or when
        Zalo refused it). Zalo's refresh tokens are single-use: the new pair is stored in
        a transaction of its own, so a rollback of the sending batch cannot lose it."""
        self.ensure_one()
        provider = self.sudo()
        expiry = provider.zalo_token_expiry
        if not force and provider.zalo_access_token and expiry and (
                expiry - TOKEN_MARGIN > fields.Datetime.now()):
            return provider.zalo_access_token
        if not provider.zalo_refresh_token:
            raise message_clients.ProviderError(
                "permanent", "token", self.env._("The Zalo Official Account has no refresh "
                                                 "token: connect it again."))
        access, refresh, lifetime = message_clients.zalo_refresh_token(
            provider.zalo_app_id, provider.zalo_secret_key, provider.zalo_refresh_token,
            url=provider.oauth_url, timeout=provider.timeout)
        values = {"zalo_access_token": access,
                  "zalo_refresh_token": refresh or provider.zalo_refresh_token,
                  "zalo_token_expiry": fields.Datetime.now() + timedelta(seconds=lifetime)}
        with self.env.registry.cursor() as cr:
            self.with_env(self.env(cr=cr, su=True)).write(values)
        provider.write(values)
        _logger.info("Zalo access token of %s refreshed", provider.name)
        return access

    def _send_zns(self, phone, template_ref, params, tracking_id):
        """(message id, cost) of one ZNS message; an expired token is refreshed and the
        message retried once."""
        self.ensure_one()
        try:
            return message_clients.zns_send(
                self._zalo_access_token(), phone, template_ref, params, tracking_id,
                url=self.api_url, timeout=self.timeout)
        except message_clients.ProviderError as error:
            if error.kind != "token":
                raise
        return message_clients.zns_send(
            self._zalo_access_token(force=True), phone, template_ref, params, tracking_id,
            url=self.api_url, timeout=self.timeout)

    def _send_sms(self, phone, body, request_id):
        self.ensure_one()
        provider = self.sudo()
        return message_clients.esms_send(
            provider.sms_api_key, provider.sms_secret_key, provider.sms_brand_name, phone,
            body, request_id, url=provider.api_url, timeout=provider.timeout)

    def action_refresh_token(self):
        self.ensure_one()
        self.check_access("write")
        try:
            self._zalo_access_token(force=True)
        except message_clients.ProviderError as error:
            raise UserError(self.env._("Zalo refused to refresh the token: %(error)s",
                                       error=error)) from error
        return True
