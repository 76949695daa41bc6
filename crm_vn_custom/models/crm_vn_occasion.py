from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class CrmVnOccasion(models.Model):
    """A day of the year on which customers are greeted (Tết, Trung Thu, 8/3, 20/10,
    20/11...), on the solar or the lunar calendar, optionally for some customers only.
    Care steps with the *Occasion* trigger fire on it; a client adds its own (Ngày Doanh
    nhân, a company anniversary) without code."""

    _name = "crm.vn.occasion"
    _description = "Care Occasion"
    _order = "sequence, month, day, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        copy=False,
        help="Technical key of the occasion in the care history (e.g. tet): a step fires "
        "once per customer and year of it. Left empty, the record's id is used.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    calendar = fields.Selection(
        [("solar", "Solar"), ("lunar", "Lunar")], required=True, default="solar",
        help="Lunar days follow the Vietnamese lunar calendar (UTC+7).")
    day = fields.Integer(required=True, default=1)
    month = fields.Integer(required=True, default=1)
    partner_domain = fields.Char(
        string="For Customers", default="[]",
        help="Only the customers matching this filter are greeted (e.g. women on 8/3 and "
        "20/10); empty for all customers.")

    _sql_constraints = [("code_uniq", "unique(code)", "The occasion code must be unique.")]

    @api.constrains("calendar", "day", "month")
    def _check_day(self):
        for occasion in self:
            if occasion.calendar == "lunar":
                if not (1 <= occasion.month <= 12 and 1 <= occasion.day <= 30):
                    raise ValidationError(self.env._(
                        "%(name)s: %(day)s/%(month)s is not a lunar day (12 months of 29 or "
                        "30 days).", name=occasion.name, day=occasion.day, month=occasion.month))
                continue
            try:
                date(2000, occasion.month, occasion.day)  # a leap year: 29/2 exists
            except ValueError as error:
                raise ValidationError(self.env._(
                    "%(name)s: %(day)s/%(month)s is not a day of the year.",
                    name=occasion.name, day=occasion.day, month=occasion.month)) from error

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        """A filter the daily cron could not apply is refused when saved, not at night."""
        for occasion in self:
            try:
                self.env["res.partner"]._search(occasion._get_partner_domain())
            except Exception as error:  # any error means a filter the cron cannot apply
                raise ValidationError(self.env._(
                    "%(name)s: the customer filter cannot be used (%(error)s).",
                    name=occasion.name, error=error)) from error

    @api.depends("calendar", "day", "month")
    def _compute_display_name(self):
        lunar = self.env._("lunar")
        for occasion in self:
            suffix = f" {lunar}" if occasion.calendar == "lunar" else ""
            occasion.display_name = (
                f"{occasion.name} ({occasion.day}/{occasion.month}{suffix})")

    def _falls_on(self, day):
        """Whether the occasion is celebrated on the solar date ``day`` (29/2 on 28/2 in
        common years, a lunar 30th on the 29th of a short month, never in a leap month:
        the rules of birthdays, crm.vn.calendar._celebration_days)."""
        self.ensure_one()
        solar, lunar = self.env["crm.vn.calendar"]._celebration_days(day)
        return (self.day, self.month) in (lunar if self.calendar == "lunar" else solar)

    def _key(self, day):
        """The occasion in the care history: one per customer and solar year."""
        self.ensure_one()
        return f"{self.code or f'occasion_{self.id}'}:{day.year}"

    def _get_partner_domain(self):
        self.ensure_one()
        return safe_eval(self.partner_domain or "[]")
