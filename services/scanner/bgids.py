"""Bulgarian identifiers an invoice carries, with their check digits: ЕИК (the company
register's UIC, 9 or 13 digits), the VAT number (BG + ЕИК or ЕГН) and the IBAN. A check digit
that fits tells a correctly read number from an OCR slip."""

import re

_EIK9_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8), (3, 4, 5, 6, 7, 8, 9, 10))
_EIK13_WEIGHTS = ((2, 7, 3, 5), (4, 9, 5, 7))


def _check_digit(digits: str, weight_sets) -> int:
    for weights in weight_sets:
        remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return 0


def eik_check_digit(first8: str) -> int:
    return _check_digit(first8, _EIK9_WEIGHTS)


def is_valid_eik(eik: str) -> bool:
    if not re.fullmatch(r"\d{9}|\d{13}", eik):
        return False
    if eik_check_digit(eik[:8]) != int(eik[8]):
        return False
    return len(eik) == 9 or _check_digit(eik[8:12], _EIK13_WEIGHTS) == int(eik[12])


def normalize_vat(value: str) -> str:
    """'bg 123 456 789' -> 'BG123456789'."""
    return re.sub(r"[\s.\-]", "", value).upper()


def is_valid_bg_vat(vat: str) -> bool:
    """BG + a 9/13-digit ЕИК with a valid check digit (a 10-digit personal number is accepted
    as it is: its check is not an ЕИК's)."""
    vat = normalize_vat(vat)
    if not vat.startswith("BG"):
        return False
    number = vat[2:]
    return is_valid_eik(number) or re.fullmatch(r"\d{10}", number) is not None


def iban_checksum_ok(iban: str) -> bool:
    iban = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def make_iban(country: str, bban: str) -> str:
    """The IBAN for a national account number (used to draw valid test invoices)."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"
