"""Fixed-width formatting shared by the writers: text for windows-1251, amounts, integers,
dates, and a whole record from a layout and its values."""

import re
import unicodedata
from functools import lru_cache
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.vat.layouts import Field, Layout

ENCODING = "cp1251"
CRLF = "\r\n"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Letters cp1251 lacks whose plain-ASCII spelling is not just the letter without its accent.
_SPELLED = {
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "å": "a", "Å": "A",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")


class Unwritable(ValueError):
    """A value that cannot be written into its field (the message says why)."""


def money(value: Decimal) -> Decimal:
    """Rounded half-up to cents; never -0.00."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else ZERO


def _encodable(ch: str) -> bool:
    try:
        ch.encode(ENCODING)
        return True
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=65536)  # names and descriptions repeat across a month
def clean_text(value: str) -> str:
    """Text as it will be written: whitespace runs (CR, LF, TAB included) collapsed to one
    space, and Latin letters cp1251 lacks transliterated (Müller -> Mueller, é -> e). Raises
    Unwritable naming the first character that still cannot be written in windows-1251."""
    value = _WHITESPACE.sub(" ", value).strip()
    if value.isascii():
        return value
    try:
        value.encode(ENCODING)
        return value
    except UnicodeEncodeError:
        pass
    out = []
    for ch in value:
        if _encodable(ch):
            out.append(ch)
        elif ch in _SPELLED:
            out.append(_SPELLED[ch])
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if plain and all(_encodable(c) for c in plain):
                out.append(plain)
            else:
                raise Unwritable(f"character {ch!r} (U+{ord(ch):04X}) cannot be written in windows-1251")
    return "".join(out)


def amount(value: Decimal, width: int) -> str:
    if not value:  # most columns of a record are zero (and -0 is written as 0.00)
        return "0.00".rjust(width)
    text = f"{money(value):.2f}"
    if len(text) > width:
        raise Unwritable(f"amount {text} does not fit in {width} characters")
    return text.rjust(width)


def integer(value: int, width: int) -> str:
    text = str(value)
    if len(text) > width:
        raise Unwritable(f"number {text} does not fit in {width} characters")
    return text.rjust(width)


def coefficient(value: Decimal) -> str:
    if not Decimal(0) <= value <= Decimal(1):
        raise Unwritable("the coefficient must be between 0.00 and 1.00")
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def nap_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def format_field(f: Field, value) -> str:
    """One field's characters. Text is cut to width (after cleaning); numbers never are."""
    kind = f.kind
    if kind == "amount":
        return amount(value, f.width)
    if kind == "text":
        return clean_text(value)[: f.width].ljust(f.width)
    if kind == "int":
        return integer(value, f.width)
    if kind == "const":
        return f.const
    if kind == "date":
        return nap_date(value)
    if kind == "coef":
        return coefficient(value)
    if kind == "postcode":
        return value.rjust(f.width) if value else " " * f.width
    # period, vperiod, doctype, code, capacity: short codes produced by this service
    text = value or ""
    if len(text) > f.width:
        raise Unwritable(f"{text!r} is longer than {f.width} characters")
    return text.ljust(f.width)


def render(layout: Layout, values: dict) -> str:
    """The record's characters (no line break). Raises Unwritable with the field code."""
    try:
        return "".join([format_field(f, values.get(f.code)) for f in layout.fields])
    except Unwritable:
        for f in layout.fields:  # the slow way, only to name the field
            try:
                format_field(f, values.get(f.code))
            except Unwritable as exc:
                raise Unwritable(f"{f.code}: {exc}") from None
        raise
