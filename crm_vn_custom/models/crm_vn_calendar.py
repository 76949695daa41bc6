from odoo import api, models

from ..tools import vn_calendar


class CrmVnCalendar(models.AbstractModel):
    """The Vietnamese calendar (tools/vn_calendar.py) as a model, so that an extension can
    override a date (a client keeping Tết on another day, say) where the care work asks
    for it."""

    _name = "crm.vn.calendar"
    _description = "Vietnamese Calendar"

    @api.model
    def _tet_date(self, year):
        """Mùng 1 Tết of the lunar year starting in solar ``year``."""
        return vn_calendar.tet_date(year)

    @api.model
    def _mid_autumn_date(self, year):
        """Tết Trung Thu: the 15th day of the 8th lunar month."""
        return vn_calendar.mid_autumn_date(year)

    @api.model
    def _lunar_day_month(self, day):
        """(lunar day, lunar month, leap month?) of a solar date."""
        return vn_calendar.lunar_day_month(day)

    @api.model
    def _celebration_days(self, day):
        """The birth dates celebrated on ``day``, as ``(solar, lunar)`` (day, month) lists."""
        return vn_calendar.celebration_days(day)
