"""VAT numbers before VIES: normalisation and the local check.

VIES only routes a request to the member state's register, which costs seconds and a share of
a small quota. A number whose prefix, shape or check digit is wrong cannot be valid, so it is
refused here, with the reason, and never sent. python-stdnum knows the format and check digit
of every member state (for BG: the 9-digit ЕИК, and 10-digit numbers of persons, which pass if
they are a valid ЕГН, ЛНЧ or NRA service number).
"""

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat


class NotAVatNumber(ValueError):
    """The number cannot be a valid EU VAT number; the message says why, for a person."""


# Country code as VIES knows it -> (English name, the shape of the number after the prefix).
MEMBER_STATES: dict[str, tuple[str, str]] = {
    "AT": ("Austria", "U followed by 8 digits"),
    "BE": ("Belgium", "10 digits starting with 0 or 1"),
    "BG": ("Bulgaria", "9 digits (ЕИК of a company) or 10 digits (ЕГН, ЛНЧ or NRA number of a person)"),
    "CY": ("Cyprus", "8 digits and a letter"),
    "CZ": ("Czechia", "8, 9 or 10 digits"),
    "DE": ("Germany", "9 digits"),
    "DK": ("Denmark", "8 digits"),
    "EE": ("Estonia", "9 digits"),
    "EL": ("Greece", "9 digits"),
    "ES": ("Spain", "9 characters, the first and/or last may be a letter"),
    "FI": ("Finland", "8 digits"),
    "FR": ("France", "2 check characters and the 9-digit SIREN"),
    "HR": ("Croatia", "11 digits (OIB)"),
    "HU": ("Hungary", "8 digits"),
    "IE": ("Ireland", "7 digits and 1 or 2 letters"),
    "IT": ("Italy", "11 digits"),
    "LT": ("Lithuania", "9 or 12 digits"),
    "LU": ("Luxembourg", "8 digits"),
    "LV": ("Latvia", "11 digits"),
    "MT": ("Malta", "8 digits"),
    "NL": ("the Netherlands", "9 digits, B and 2 digits"),
    "PL": ("Poland", "10 digits"),
    "PT": ("Portugal", "9 digits"),
    "RO": ("Romania", "2 to 10 digits"),
    "SE": ("Sweden", "12 digits ending in 01"),
    "SI": ("Slovenia", "8 digits"),
    "SK": ("Slovakia", "10 digits"),
    "XI": ("Northern Ireland", "9 or 12 digits, or GD/HA and 3 digits"),
}

# Separators people and scanned invoices put into numbers.
_SEPARATORS = re.compile(r"[\s.\-/,_]+")
# What the VIES contract accepts as vatNumber (its own documentation).
_VIES_NUMBER = re.compile(r"^[0-9A-Za-z+*.]{2,12}$")


@dataclass(frozen=True)
class VatNumber:
    country_code: str  # as VIES knows it: EL for Greece
    number: str  # without the prefix

    def __str__(self) -> str:
        return self.country_code + self.number

    @property
    def country(self) -> str:
        return MEMBER_STATES[self.country_code][0]


def parse(raw: str) -> VatNumber:
    """The VAT number in `raw` (any common spelling), or NotAVatNumber saying why it cannot
    be valid. Messages never repeat the number: a person's number is their ЕГН, which must
    not end up in logs."""
    text = _SEPARATORS.sub("", raw).upper()
    if not text:
        raise NotAVatNumber("is required")
    prefix = text[:2]
    if prefix == "GR":  # VIES knows Greece as EL only
        text, prefix = "EL" + text[2:], "EL"
    if prefix == "GB":
        raise NotAVatNumber("GB numbers are no longer in VIES; use XI for Northern Ireland")
    if prefix in ("EU", "IM"):
        raise NotAVatNumber(f"{prefix} numbers are non-EU OSS registrations, which VIES cannot check")
    if prefix not in MEMBER_STATES:
        if prefix.isdigit() or len(text) < 2:
            raise NotAVatNumber("must start with the country code, e.g. BG175074752")
        raise NotAVatNumber(f"{prefix!r} is not the code of an EU member state (e.g. BG, DE, EL, XI)")
    country, shape = MEMBER_STATES[prefix]
    try:
        compact = eu_vat.validate(text)
    except stdnum_errors.InvalidChecksum:
        if prefix == "BG" and len(text) == 12:
            raise NotAVatNumber("is not a valid VAT number of Bulgaria: it is not a valid ЕГН, ЛНЧ or NRA number") from None
        raise NotAVatNumber(f"is not a valid VAT number of {country}: its check digit is wrong (mistyped?)") from None
    except stdnum_errors.ValidationError:  # length, format, or a component such as a date
        raise NotAVatNumber(f"is not a valid VAT number of {country}: those are {shape} after {prefix}") from None
    number = compact[2:]
    if not _VIES_NUMBER.match(number):
        raise NotAVatNumber(f"is not a valid VAT number of {country}: those are {shape} after {prefix}")
    return VatNumber(prefix, number)
