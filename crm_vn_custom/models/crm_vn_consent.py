from odoo import api, fields, models
from odoo.tools import SQL

PURPOSES = [("service", "Service Messages"), ("marketing", "Greetings and Promotions")]
CONSENT_CHANNELS = [("all", "All Channels"), ("zalo", "Zalo"), ("sms", "SMS"),
                    ("email", "Email"), ("call", "Phone Call")]


class CrmVnConsent(models.Model):
    """One consent given or withdrawn by a customer for a purpose (Decree 13/2023/ND-CP and
    the Personal Data Protection Law: per purpose, recorded and provable; Decree 91/2020:
    no advertising message without prior consent). Lines are never edited: the latest one
    for a purpose and channel is what holds, the others are the proof of what held."""

    _name = "crm.vn.consent"
    _description = "Customer Consent"
    _order = "date desc, id desc"
    _rec_name = "purpose"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    purpose = fields.Selection(PURPOSES, required=True, default="marketing")
    channel = fields.Selection(CONSENT_CHANNELS, required=True, default="all")
    granted = fields.Boolean(
        string="Given", default=True,
        help="Unticked: the customer withdrew the consent for this purpose and channel.")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    source = fields.Selection(
        [("form", "Registration Form"), ("reply", "Reply to a Registration Message"),
         ("call", "Phone Call"), ("message", "Message to the Company"),
         ("paper", "Signed Paper"), ("portal", "Customer Portal"),
         ("unsubscribe", "Unsubscribe Link"), ("request", "Data Subject Request")],
        required=True, default="form", string="How It Was Given")
    evidence = fields.Text(help="Where the proof is: form number, call recording, message.")
    user_id = fields.Many2one(
        "res.users", string="Recorded By", required=True, default=lambda self: self.env.user)

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        Partner._crm_vn_check_customer_access(Partner.browse(
            {vals.get("partner_id") for vals in vals_list} - {None, False}))
        consents = super().create(vals_list)
        consents._sync_blacklists()
        return consents

    def _sync_blacklists(self):
        """A withdrawal of greetings and promotions blacklists the customer's email and
        phones in Odoo's own lists (which every mailing and SMS of Odoo respects); a new
        consent takes them off."""
        mails, phones = self.env["mail.blacklist"].sudo(), self.env["phone.blacklist"].sudo()
        for consent in self.filtered(lambda c: c.purpose == "marketing"):
            partner = consent.partner_id
            numbers = sorted({partner.phone_sanitized, partner.mobile} - {False, None})
            note = self.env._("Consent recorded on %(customer)s", customer=partner.display_name)
            if consent.channel in ("all", "email") and partner.email_normalized:
                if consent.granted:
                    mails._remove(partner.email_normalized, message=note)
                else:
                    mails._add(partner.email_normalized, message=note)
            if consent.channel in ("all", "sms", "zalo") and numbers:
                if consent.granted:
                    phones._remove(numbers, message=note)
                else:
                    phones._add(numbers, message=note)

    @api.model
    def _latest(self, partners, purpose, channel):
        """{customer id: given?} of the latest consent line of each of ``partners`` for
        ``purpose`` on ``channel`` (or on all channels), in one query; customers who never
        answered are absent."""
        if not partners:
            return {}
        self.flush_model()
        return dict(self.env.execute_query(SQL("""
            SELECT DISTINCT ON (partner_id) partner_id, granted
              FROM crm_vn_consent
             WHERE partner_id = ANY(%s) AND purpose = %s AND channel IN (%s, 'all')
          ORDER BY partner_id, date DESC, id DESC
        """, partners.ids, purpose, channel)))
