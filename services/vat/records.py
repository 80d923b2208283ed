"""An entry's ledger records: the entry checked field by field (every problem named), its
amounts placed in its operation's columns, the record's fields as the template takes them.

This is the complete path, and the reference. A month repeats a few kinds of entry (the same
document type, operations and counterparty) thousands of times; plans.py writes those faster and
falls back to this path for anything it does not know to be fine."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from services.vat import counterparty, fixed, layouts, operations
from services.vat.fixed import ZERO, Unwritable, money
from services.vat.model import EURO_RATE, Problem, entry_problem

SALES_BASE_TOTAL = frozenset(operations.SALES_BASE_TOTAL)
SALES_VAT_TOTAL = frozenset(operations.SALES_VAT_TOTAL)
COUNTERPARTIES_REMEMBERED = 10_000


@dataclass
class Record:
    """One ledger record ready to render: its fields as the template takes them (the sequence
    number comes when it is written), and the amounts it adds to the return (only the columns it
    fills)."""

    values: dict
    amounts: dict[str, Decimal]
    in_return: bool
    vies_id: str | None = None  # the customer whose VIES line the record adds to


@dataclass
class Read:
    sales: Record | None
    purchases: Record | None
    problems: list[Problem]
    converted: bool = False  # amounts converted between BGN and EUR


def parse_iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def document_number(entry) -> str | None:
    """The number as written, or None when it cannot be written. Invoices and notes are
    zero-padded to 10 digits (art. 114 ЗДДС, art. 78 ППЗДДС). Protocols, customs documents and
    reports (07, 09, 81-95) are written as numbered, not padded: the law fixes their numbering
    nowhere, a customs MRN has letters and 18 characters, and the NRA matches a buyer's record to
    the seller's by the number as the document shows it. NAV pads every type; the other writers
    write these raw (docs/nap-format.md, "Document numbers")."""
    number = entry.document_number.strip()
    if entry.document_type in layouts.NUMBERED_DOCUMENT_TYPES and number.isdigit() and len(number) <= 10:
        return number.zfill(10)
    return number if 0 < len(number) <= 20 else None


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value or "0")
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _texts(columns: tuple[str, ...], amounts: dict[str, Decimal]) -> dict[str, str]:
    """Every amount column of a record as the template takes it: the filled ones (in cents,
    never -0.00: see money()) as "1234.50", the rest "0.00"."""
    return {**dict.fromkeys(columns, "0.00"), **{code: f"{value:.2f}" for code, value in amounts.items()}}


class EntryReader:
    """Reads the entries of one return (its period, currency and filer)."""

    def __init__(self, period: str, currency: str, vat_number: str):
        self.period = period
        self.currency = currency
        self.vat_number = vat_number
        self.period_number = int(period) if currency else 0
        self._counterparties: dict[tuple, counterparty.Counterparty] = {}

    def read(self, entry, number: str | None, day_text: str) -> Read:
        """The entry's records (sales and/or purchases), or the problems that keep it out."""
        problems: list[Problem] = []

        def problem(field: str, message: str) -> None:
            problems.append(entry_problem(entry, field, message))

        sales = purchases = None
        if not entry.sales_operation and not entry.purchase_operation:
            problem("operation", "has neither a sales nor a purchase operation code")
        amounts, converted = self._amounts(entry, problem)
        if amounts is not None:
            if entry.sales_operation:
                sales = self._record(entry, number, day_text, problem, *amounts, sales=True)
            if entry.purchase_operation:
                purchases = self._record(entry, number, day_text, problem, *amounts, sales=False)
        return Read(sales, purchases, problems, converted)

    def _amounts(self, entry, problem) -> tuple[tuple[Decimal, Decimal] | None, bool]:
        base, vat = _decimal(entry.tax_base), _decimal(entry.vat_amount)
        if base is None:
            problem("tax_base", f"{entry.tax_base!r} is not an amount")
        if vat is None:
            problem("vat_amount", f"{entry.vat_amount!r} is not an amount")
        if base is None or vat is None or not self.currency:
            return None, False
        currency = entry.currency or self.currency
        converted = currency != self.currency
        if converted:
            if {currency, self.currency} != {"BGN", "EUR"}:
                problem("currency", f"amounts in {currency} cannot be declared: the return is in {self.currency}")
                return None, False
            # The lev's rate to the euro is fixed: convert each amount, rounded half-up.
            if currency == "BGN":
                base, vat = base / EURO_RATE, vat / EURO_RATE
            else:
                base, vat = base * EURO_RATE, vat * EURO_RATE
        base, vat = money(base), money(vat)
        kind = entry.document_type
        if kind in layouts.CREDIT_NOTE_TYPES and (base > 0 or vat > 0):
            problem("amounts", "a credit note carries negative amounts")
        if kind in layouts.INVOICE_TYPES and (base < 0 or vat < 0):
            problem("amounts", "an invoice or debit note cannot carry negative amounts (use a credit note)")
        return (base, vat), converted

    def counterparty(self, entry, needs_eu: bool) -> counterparty.Counterparty | counterparty.Unusable:
        """A month names the same counterparties again and again, so a good answer is
        remembered; a problem is not, so every entry that has it is reported."""
        key = counterparty.key(entry, needs_eu)
        found = self._counterparties.get(key)
        if found is None:
            answer = counterparty.read(entry, needs_eu)
            if isinstance(answer, counterparty.Unusable):
                return answer
            found = answer
            if len(self._counterparties) < COUNTERPARTIES_REMEMBERED:
                self._counterparties[key] = found
        return found

    def _common(self, entry, number: str | None, day_text: str, problem, sales: bool, needs_eu: bool) -> dict | None:
        """Fields every ledger record has (document, counterparty, description), or None."""
        ledger, allowed = ("sales", layouts.SALES_DOCUMENT_TYPES) if sales else ("purchase", layouts.PURCHASE_DOCUMENT_TYPES)
        ok = True
        if entry.document_type not in allowed:
            problem("document_type", f"{entry.document_type!r} is not a document type of the {ledger} ledger")
            ok = False
        if number is None:
            problem("document_number", "is missing or longer than 20 characters")
            ok = False
        elif sales and entry.document_type in layouts.NUMBERED_DOCUMENT_TYPES and not number.isdigit():
            problem("document_number", "an invoice or note number must be at most 10 digits")
            ok = False
        vat_day = parse_iso_date(entry.vat_date)
        if vat_day is None or vat_day.year * 100 + vat_day.month != self.period_number:
            problem("vat_date", f"{entry.vat_date!r} is not in the period {self.period}")
            ok = False
        party = self.counterparty(entry, needs_eu)
        if isinstance(party, counterparty.Unusable):
            problem(party.field, party.message)
            ok = False
        try:
            description = fixed.clean_text(entry.description)
        except Unwritable as exc:
            problem("description", str(exc))
            ok = False
        if not ok or isinstance(party, counterparty.Unusable):
            return None
        return {"number": number, "date": day_text, "id": party.id, "name": party.name, "description": description}

    def _record(self, entry, number, day_text, problem, base: Decimal, vat: Decimal, sales: bool) -> Record | None:
        code = entry.sales_operation if sales else entry.purchase_operation
        op = (operations.SALES if sales else operations.PURCHASES).get(code)
        if op is None:
            field = "sales_operation" if sales else "purchase_operation"
            problem(field, f"{code!r} maps to no column of the {'sales' if sales else 'purchase'} ledger")
            return None
        common = self._common(entry, number, day_text, problem, sales, op.eu_customer)
        amounts = place(op, base, vat, problem)
        if amounts is None or common is None:
            return None
        if sales:
            amounts["02-10"] = sum((a for c, a in amounts.items() if c in SALES_BASE_TOTAL), ZERO)
            amounts["02-20"] = sum((a for c, a in amounts.items() if c in SALES_VAT_TOTAL), ZERO)
            values = {
                "02-00": self.vat_number, "02-01": self.period, "02-02": 0, "02-04": entry.document_type,
                "02-05": common["number"], "02-06": common["date"], "02-07": common["id"], "02-08": common["name"],
                "02-09": common["description"], "02-27": "", **_texts(operations.SALES_AMOUNTS, amounts),
            }  # fmt: skip
            in_return = entry.document_type not in layouts.SALES_NOT_IN_RETURN
            return Record(values, amounts, in_return, common["id"] if op.eu_customer else None)
        values = {
            "03-02": self.vat_number, "03-01": self.period, "03-03": 0, "03-05": entry.document_type,
            "03-06": common["number"], "03-07": common["date"], "03-08": common["id"], "03-09": common["name"],
            "03-10": common["description"], "03-45": "", **_texts(operations.PURCHASE_AMOUNTS, amounts),
        }  # fmt: skip
        return Record(values, amounts, entry.document_type not in layouts.PURCHASES_NOT_IN_RETURN)


def place(op: operations.Operation, base: Decimal, vat: Decimal, problem) -> dict[str, Decimal] | None:
    """The amounts in the operation's columns (only those); None (with a problem) if they do not fit it."""
    amounts: dict[str, Decimal] = {}
    if op.vat_only:
        assert op.vat is not None
        amounts[op.vat] = vat
    else:
        assert op.base is not None
        if op.base_plus_vat:
            amounts[op.base] = base + vat
            return amounts
        if op.vat is None and vat:
            problem("vat_amount", f"operation {op.code} carries no VAT, but the entry has {vat:.2f}")
            return None
        amounts[op.base] = base
        if op.vat:
            amounts[op.vat] = vat
    signs = {a > 0 for a in amounts.values() if a}
    if len(signs) > 1:
        problem("amounts", "the record would mix positive and negative amounts")
        return None
    return amounts
