import re

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.phone_validation.tools import phone_validation

from ..tools.phone import vn_national_number


class CrmVnPhoneMixin(models.AbstractModel):
    """Stores phone numbers in one international form, so one customer's number is found
    whichever way staff typed it. Vietnamese numbers (by prefix, or by the record's or
    company's country) must be valid; other countries' numbers are formatted when
    possible and otherwise kept as typed, as Odoo does."""

    _name = "crm.vn.phone.mixin"
    _description = "Vietnamese phone number normalisation"

    _crm_vn_phone_fields = ("phone", "mobile")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            country = self.env["res.country"].browse(vals.get("country_id"))
            self._crm_vn_normalize_phone_vals(vals, country)
        return super().create(vals_list)

    def write(self, vals):
        if any(vals.get(fname) for fname in self._crm_vn_phone_fields):
            if "country_id" in vals:
                # Merges of leads pass the country as a record, forms as an id.
                country = vals["country_id"]
                if not isinstance(country, models.BaseModel):
                    country = self.env["res.country"].browse(country)
            else:
                country = self.country_id if len(self.country_id) == 1 else self.env["res.country"]
            vals = dict(vals)
            self._crm_vn_normalize_phone_vals(vals, country)
        return super().write(vals)

    @api.model
    def _crm_vn_normalize_phone_vals(self, vals, country):
        for fname in self._crm_vn_phone_fields:
            if vals.get(fname):
                vals[fname] = self._crm_vn_normalize_phone(vals[fname], country, fname)

    @api.model
    def _crm_vn_normalize_phone(self, number, country, fname):
        country = country or self.env.company.country_id
        vietnam = self.env.ref("base.vn")
        digits = re.sub(r"[^\d+]", "", number)
        explicit_vn = digits.startswith(("+84", "0084"))
        if explicit_vn or (country == vietnam and not digits.startswith(("+", "00"))):
            national = vn_national_number(number)
            try:
                return phone_validation.phone_format(
                    "+84" + national, "VN", 84, force_format="INTERNATIONAL")
            except UserError as error:
                raise ValidationError(self.env._(
                    "%(field)s: %(number)s is not a valid Vietnamese phone number (%(reason)s).",
                    field=self._fields[fname].get_description(self.env)["string"],
                    number=number, reason=str(error).rstrip("."),
                )) from error
        return phone_validation.phone_format(
            number, country.code, country.phone_code, force_format="INTERNATIONAL",
            raise_exception=False)
