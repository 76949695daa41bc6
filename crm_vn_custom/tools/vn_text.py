"""Matching Vietnamese text the way people type it in spreadsheets: with or without
diacritics, upper or lower case, with "TP.", "Tỉnh" or "Thành phố" in front."""

import re
import unicodedata

# Administrative prefixes that do not change which province is meant.
_PREFIXES = re.compile(r"^(tinh|thanh pho|tp|t p) ")


def _plain_words(text):
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def vn_key(text):
    """A comparison key: no diacritics (đ → d), lower case, letters and digits only."""
    return _plain_words(text).replace(" ", "")


def vn_place_key(text):
    """vn_key without the administrative prefix: "TP. Hồ Chí Minh" → "hochiminh"."""
    return _PREFIXES.sub("", _plain_words(text)).replace(" ", "")


def vn_unaccent(text):
    """Vietnamese without diacritics, case and punctuation kept: brand-name SMS gateways
    send GSM text, and an accented SMS costs two or three times as much."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in text if not unicodedata.combining(char))
