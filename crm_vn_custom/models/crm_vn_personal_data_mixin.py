import json

from markupsafe import Markup

from odoo import fields, models, tools
from odoo.exceptions import AccessError

# What erasure clears on the customer and its contacts: the person, not the business
# (orders, invoices and their totals stay, as accounting law requires).
ERASED_FIELDS = ["phone", "mobile", "email", "street", "street2", "zip", "city", "website",
                 "function", "comment", "birthday", "gender", "id_number", "vat", "image_1920"]
EXPORTED_PARTNER_FIELDS = [
    "name", "ref", "phone", "mobile", "email", "street", "street2", "city", "state_id",
    "country_id", "vat", "birthday", "lunar_birthday", "gender", "id_number", "function",
    "source_id", "user_id", "next_care_date"]
# Per company that tiers the customer (see res_partner_tier.py).
TIER_EXPORT_FIELDS = ["tier_id", "tier_since", "first_order_date", "last_order_date"]


class CrmVnPersonalDataMixin(models.AbstractModel):
    """Consent and the customer's rights over his personal data (Decree 13/2023/ND-CP, the
    Personal Data Protection Law from 1 January 2026): a copy of what the company holds,
    and erasure within the limits of accounting law; both for care managers, audited.
    Mixed into res.partner."""

    _name = "crm.vn.personal.data.mixin"
    _description = "Customer's Personal Data Rights"

    crm_vn_consent_ids = fields.One2many("crm.vn.consent", "partner_id", string="Consents")

    def _crm_vn_unsubscribe_token(self):
        return tools.hmac(self.env(su=True), "crm_vn_unsubscribe", self.id)

    def _crm_vn_unsubscribe_footer(self, customer):
        url = "%s/crm_vn/unsubscribe/%s/%s" % (
            customer.get_base_url(), customer.id, customer._crm_vn_unsubscribe_token())
        return Markup('<p style="font-size: 12px; color: #888;">%s <a href="%s">%s</a></p>') % (
            self.env._("You receive our greetings and offers because you agreed to."), url,
            self.env._("Unsubscribe"))

    def _crm_vn_unsubscribe(self):
        """The customer refused greetings and promotions through the link of an email."""
        self.ensure_one()
        return self.env["crm.vn.consent"].sudo().create({
            "partner_id": self.commercial_partner_id.id, "purpose": "marketing",
            "channel": "all", "granted": False, "source": "unsubscribe",
            "company_id": (self.company_id or self.env.company).id,
            "user_id": self.env.ref("base.user_root").id,
        })

    def _crm_vn_check_data_subject_rights(self):
        if not self.env.user.has_group("crm_vn_custom.group_crm_vn_care_manager"):
            raise AccessError(self.env._(
                "Only care managers handle a customer's requests about personal data."))
        self.check_access("read")

    def _crm_vn_personal_data(self):
        """Everything the company holds on this customer, as JSON-ready data."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()

        def rows(records, names):
            return [{name: (record[name].display_name if isinstance(
                record[name], models.BaseModel) else record[name]) for name in names}
                for record in records]

        people = customer | customer.child_ids
        cards = self.env["loyalty.card"].sudo().search([("partner_id", "in", people.ids)])
        # The tier is held per company: a customer shared by the group has one in each.
        holders = [customer.with_company(company) for company in (
            customer.company_id or self.env["res.company"].sudo().search([]))]
        return {
            "customer": rows(people, EXPORTED_PARTNER_FIELDS),
            "tiers": [{"company": held.env.company.name, **rows(held, TIER_EXPORT_FIELDS)[0]}
                      for held in holders if held.tier_id or held.last_order_date],
            "consents": rows(customer.crm_vn_consent_ids,
                             ["date", "purpose", "channel", "granted", "source", "evidence"]),
            "care_logs": rows(customer.crm_vn_care_log_ids,
                              ["date", "channel_id", "outcome", "satisfaction", "nps", "note",
                               "message_state", "message_template"]),
            "complaints": rows(self.env["crm.vn.complaint"].sudo().search(
                [("partner_id", "in", people.ids)]), ["name", "date_open", "state",
                                                      "description"]),
            "points": rows(cards.history_ids, ["create_date", "description", "issued", "used"]),
            "tier_history": rows(customer.tier_history_ids,
                                 ["date", "old_tier_id", "new_tier_id", "cause"]),
        }

    def _crm_vn_export_personal_data(self, reason):
        self._crm_vn_check_data_subject_rights()
        data = self._crm_vn_personal_data()
        attachment = self.env["ir.attachment"].create({
            "name": "du-lieu-ca-nhan-%s.json" % (self.ref or self.id),
            "raw": json.dumps(data, default=str, ensure_ascii=False, indent=2).encode(),
            "mimetype": "application/json", "res_model": self._name, "res_id": self.id,
        })
        self.env["crm.vn.audit.log"]._log_data_subject_request(self, "data_export", reason)
        return attachment

    def _crm_vn_erase_personal_data(self, reason):
        """Anonymise the customer and its contacts; orders, invoices and totals stay."""
        self._crm_vn_check_data_subject_rights()
        customer = self.commercial_partner_id.sudo()
        people = customer | customer.with_context(active_test=False).child_ids
        self.env["crm.vn.audit.log"]._log_data_subject_request(customer, "data_erasure", reason)
        for person in people:
            values = dict.fromkeys(
                [name for name in ERASED_FIELDS if name in person._fields], False)
            values.update(name=self.env._("Erased customer %(ref)s", ref=person.ref or person.id))
            person.write(values)
        customer.crm_vn_care_log_ids.sudo().write({"note": False})
        self.env["crm.vn.complaint"].sudo().search(
            [("partner_id", "in", people.ids)]).write({"description": False})
        self.env["crm.vn.consent"].sudo().create([{
            "partner_id": customer.id, "purpose": purpose, "channel": "all", "granted": False,
            "source": "request", "evidence": reason,
            "company_id": (customer.company_id or self.env.company).id}
            for purpose in ("service", "marketing")])
        people.message_ids.sudo().filtered(
            lambda m: m.message_type in ("comment", "email")).write({"body": False})
        people.action_archive()
        return True
