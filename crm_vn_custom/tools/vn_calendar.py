"""Dates of the Vietnamese calendar the care work follows: Tết Nguyên Đán from the
`holidays` library's Vietnamese public holidays, other lunar dates (Trung Thu, lunar
birthdays) from `lunar_vn`, which computes the Vietnamese lunar calendar (UTC+7, Hồ Ngọc
Đức's method) rather than the Chinese one (UTC+8) that differs in some years."""

import calendar
from datetime import timedelta

import holidays
from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar


def tet_date(year):
    """Mùng 1 Tết of the lunar year starting in solar ``year``."""
    public = holidays.country_holidays("VN", years=year, language="en_US")
    return min(public.get_named("Lunar New Year", lookup="exact"))


def mid_autumn_date(year):
    """Tết Trung Thu: the 15th day of the 8th lunar month."""
    return lunar_to_solar(LunarDate(15, 8, year))


def lunar_day_month(day):
    """(lunar day, lunar month, leap month?) of a solar date; zeros outside the years the
    conversion covers (1900-2100)."""
    try:
        lunar = solar_to_lunar(day)
    except ValueError:
        return 0, 0, False
    return lunar.day, lunar.month, lunar.leap


def celebration_days(day):
    """The birth dates celebrated on ``day``, as ``(solar, lunar)``: lists of (day, month)
    pairs. A 29 February birthday is kept on 28 February in common years; a lunar birthday
    on the 30th is kept on the 29th when the month is short; nobody celebrates in a leap
    lunar month (the birthday falls in the regular one)."""
    solar = [(day.day, day.month)]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        solar.append((29, 2))
    lunar_day, lunar_month, leap = lunar_day_month(day)
    lunar = []
    if not leap:
        lunar.append((lunar_day, lunar_month))
        if lunar_day == 29 and lunar_day_month(day + timedelta(days=1))[0] == 1:
            lunar.append((30, lunar_month))
    return solar, lunar
