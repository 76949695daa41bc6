"""Vietnamese phone numbers as people write them: +84, 0084, 84 or a leading 0, spaces and
dots, and the 11-digit mobile numbers of before 2018."""

import re

# In 2018 Vietnamese carriers moved 11-digit mobile numbers to 10 digits by replacing
# the 3-digit prefix (Viettel 016x → 03x, MobiFone 012x → 07x, VinaPhone 012x → 08x,
# Vietnamobile 018x → 05x, Gmobile 0199 → 059); the subscriber's 7 digits stayed.
OLD_MOBILE_PREFIXES = {
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36",
    "167": "37", "168": "38", "169": "39",
    "186": "56", "188": "58", "199": "59",
}


def vn_national_number(number):
    """The national significant digits of a number written the Vietnamese way, or None
    when it is not a Vietnamese number (another country code)."""
    digits = re.sub(r"[^\d+]", "", number)
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("0084"):
        national = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0") and not digits.startswith("00"):
        national = digits[1:]
    elif digits.startswith("+") or digits.startswith("00"):
        return None
    else:
        national = digits
    if national.startswith("0"):  # "+84 0912…", a common slip
        national = national[1:]
    if len(national) == 10 and national[:3] in OLD_MOBILE_PREFIXES:
        national = OLD_MOBILE_PREFIXES[national[:3]] + national[3:]
    return national
