"""Reading money, percentages and dates from request strings, and writing them back.

Every broken value is collected with its field path ("journal_entry.lines[2].debit"), so one
answer tells the client everything to fix."""

import re
from datetime import date
from decimal import Decimal

from services.kernel.errors import FieldViolation, InvalidArgument

# NUMERIC(15,2): 13 digits before the point.
AMOUNT_LIMIT = Decimal("10000000000000")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
CENT = Decimal("0.01")
ZERO = Decimal(0)


class Violations:
    """Collects field violations; `raise_if_any` raises them all as one INVALID_ARGUMENT."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.items.append(FieldViolation(field, description))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)

    def amount(self, text: str, path: str, *, signed: bool = False, places: int = 2, limit: Decimal = AMOUNT_LIMIT) -> Decimal:
        """A decimal string ("" is zero) with at most `places` decimals and below `limit`."""
        text = text.strip()
        if text == "":
            return ZERO
        if not _DECIMAL.match(text):
            self.add(path, f"must be a decimal number such as 1234.56, not {text[:30]!r}")
            return ZERO
        value = Decimal(text)
        if value != value.quantize(Decimal(1).scaleb(-places)):
            self.add(path, f"must have at most {places} decimals")
            return ZERO
        if value < 0 and not signed:
            self.add(path, "must not be negative")
            return ZERO
        if abs(value) >= limit:
            self.add(path, f"must be less than {limit}")
            return ZERO
        return value

    def percentage(self, text: str, path: str) -> Decimal:
        value = self.amount(text, path)
        if value > 100:
            self.add(path, "must be a percentage from 0 to 100")
        return value

    def date(self, text: str, path: str, *, required: bool = True) -> date | None:
        if text == "":
            if required:
                self.add(path, "is required")
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.add(path, f"is not a valid date (YYYY-MM-DD): {text[:30]!r}")
            return None


def money(value: Decimal | None) -> str:
    """Two decimals, always: "1234.50"."""
    return f"{(value or ZERO):.2f}"


def percent(value: Decimal | None) -> str:
    """Without trailing zeros: 20.00 -> "20", 9.50 -> "9.5"."""
    value = value or ZERO
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""
