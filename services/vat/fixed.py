"""Fixed-width formatting shared by the writers: text for windows-1251, amounts, integers,
dates, and a whole record from a layout and its values."""

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import itemgetter
from typing import ClassVar

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


@lru_cache(maxsize=8192)  # names and descriptions repeat across a month
def clean_text(value: str) -> str:
    """Text as it will be written: whitespace runs (CR, LF, TAB included) collapsed to one
    space, and Latin letters cp1251 lacks transliterated (Müller -> Mueller, é -> e). Raises
    Unwritable naming the first character that still cannot be written in windows-1251."""
    # Printable text has no whitespace but the plain space (isprintable() is False for TAB, CR,
    # LF and every other space character), so only a double space is left to collapse.
    value = (value if value.isprintable() and "  " not in value else _WHITESPACE.sub(" ", value)).strip()
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


class Template:
    """A ledger record layout compiled for the writers' hot loop (a record per document, a
    hundred thousand a month): the fields in file order as one printf-style format, so a record
    is one `%` instead of a call per field. Text is cleaned here; every other value comes as
    the text it is written as: amounts "1234.50" (already in cents; zero is "0.00"), dates
    "dd/mm/yyyy", ints as ints. A value too wide for its field makes the line longer than the
    layout; only then is every field checked on its own, to name it as render() would."""

    SPECS: ClassVar = {
        "text": "%-{w}.{w}s",
        "int": "%{w}d",
        "amount": "%{w}s",
        "date": "%-{w}s",
        "period": "%-{w}s",
        "doctype": "%-{w}s",
        "code": "%-{w}s",
    }

    def __init__(self, layout: Layout):
        self.layout = layout
        self.width = layout.width
        self._format = "".join(self.SPECS[f.kind].format(w=f.width) for f in layout.fields)
        self._pick = itemgetter(*(f.code for f in layout.fields))
        self._text = tuple(i for i, f in enumerate(layout.fields) if f.kind == "text")

    def render(self, values: dict) -> str:
        row = list(self._pick(values))
        for i in self._text:
            row[i] = clean_text(row[i])
        line = self._format % tuple(row)
        if len(line) != self.width:
            self._name_the_field(values)
        return line

    def _name_the_field(self, values: dict) -> None:
        for f in self.layout.fields:
            if f.kind == "date":
                continue  # given as dd/mm/yyyy: always ten characters
            value = values[f.code]
            try:
                format_field(f, Decimal(value) if f.kind == "amount" else value)
            except Unwritable as exc:
                raise Unwritable(f"{f.code}: {exc}") from None
        raise AssertionError(f"{self.layout.name}: a record of {self.width} characters came out longer")
