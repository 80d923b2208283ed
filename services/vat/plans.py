"""The fast path of the ledger records. A big month is a few kinds of entry (the same document
type, operations and counterparty) repeated thousands of times. Each kind gets a plan once,
checked by the complete path (records.py): its record as one printf format of windows-1251
bytes with the kind's fields already written, and running totals in cents. The entries come in
batches by column (ledger's stream sends them so); what does not depend on the kind is checked
and converted once per batch, a column at a time (check_batch). An entry of a known kind is
then one check of its signs and one `%`. An entry the plan cannot vouch for (a problem, another
currency, text to clean) takes the complete path, which reports or writes it; both paths give
the same bytes (tests/unit/test_vat_domain.py compares them)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from services.vat import counterparty, fixed, layouts, operations
from services.vat.fixed import ENCODING, ZERO
from services.vat.layouts import Layout

WIDTH = 15  # every amount column of the ledgers
# Amounts as ledger sends NUMERIC(15,2): "1234.50", "-20.00" (never "-0.00"), one per line.
AMOUNTS = re.compile(r"(?:-?(?:0|[1-9][0-9]*+)\.[0-9]{2}\n)*+")
CENTS = Decimal("0.01")
SALES_BASE_TOTAL = frozenset(operations.SALES_BASE_TOTAL)
SALES_VAT_TOTAL = frozenset(operations.SALES_VAT_TOTAL)
VALUES = ("seq", "number", "date", "desc", "base", "vat", "sum")  # what Plan.write gives a format, in this order


def plan_key(entry) -> tuple:
    return (entry.document_type, entry.sales_operation, entry.purchase_operation, entry.counterpart_vat_number,
            entry.counterpart_eik, entry.counterpart_country, entry.counterpart_name)  # fmt: skip


def plan_keys(columns) -> zip:
    """plan_key of every entry of a batch by column."""
    return zip(columns.document_type, columns.sales_operation, columns.purchase_operation, columns.counterpart_vat_number,
               columns.counterpart_eik, columns.counterpart_country, columns.counterpart_name, strict=True)  # fmt: skip


def clean(text: str) -> bool:
    """Whether fixed.clean_text would give the text back unchanged (and it encodes)."""
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        return False
    if text.isascii():
        return True
    try:
        text.encode(ENCODING)
        return True
    except UnicodeEncodeError:
        return False


@dataclass
class Batch:
    """A batch's values that do not depend on the kind of entry, checked and converted a column
    at a time: one regular expression or one encode per column, unless a value fails (then
    value by value). `bad`: the entries whose currency, VAT date, amounts, number or
    description the plans cannot vouch for; their converted values are placeholders."""

    bad: set[int]
    numbers: list[str]  # as sent: a good one needs no cleaning (nor stripping)
    number_bytes: list[bytes]
    descriptions: list[bytes]
    bases: list[str]
    vats: list[str]
    base_bytes: list[bytes]
    vat_bytes: list[bytes]
    base_cents: list[int]
    vat_cents: list[int]


def check_batch(columns, currency: str, period_days: frozenset) -> Batch:
    bad: set[int] = set()
    for values, allowed in ((columns.currency, {"", currency}), (columns.vat_date, period_days)):
        if not allowed.issuperset(values):
            bad.update(i for i, value in enumerate(values) if value not in allowed)
    numbers, number_bytes = _texts(list(columns.document_number), bad, empty_ok=False)
    _, descriptions = _texts(list(columns.description), bad, empty_ok=True)
    bases, base_bytes, base_cents = _amounts(list(columns.tax_base), bad)
    vats, vat_bytes, vat_cents = _amounts(list(columns.vat_amount), bad)
    return Batch(bad, numbers, number_bytes, descriptions, bases, vats, base_bytes, vat_bytes, base_cents, vat_cents)


def _texts(values: list[str], bad: set[int], empty_ok: bool) -> tuple[list[str], list[bytes]]:
    """The texts, and each in windows-1251; one that is not clean is bad (and "" here)."""
    joined = "\n".join(values)
    if (
        "".join(values).isprintable()  # so no value holds the "\n" that joins them
        and "  " not in joined and "\n " not in joined and " \n" not in joined and joined[:1] != " " and joined[-1:] != " "
        and (empty_ok or "" not in values)
    ):  # fmt: skip
        try:
            return values, joined.encode(ENCODING).split(b"\n")
        except UnicodeEncodeError:
            pass
    for i, value in enumerate(values):
        if not (clean(value) and (empty_ok or value)):
            bad.add(i)
            values[i] = ""
    return values, "\n".join(values).encode(ENCODING).split(b"\n")


def _amounts(values: list[str], bad: set[int]) -> tuple[list[str], list[bytes], list[int]]:
    """The amounts, as bytes and in cents; one that is not as ledger sends them is bad (and "0.00" here)."""
    joined = "\n".join(values) + "\n"
    if not (AMOUNTS.fullmatch(joined) and joined.count("\n") == len(values) and max(map(len, values)) <= WIDTH and "-0.00" not in values):
        for i, value in enumerate(values):
            if not (AMOUNTS.fullmatch(value + "\n") and "\n" not in value and len(value) <= WIDTH and value != "-0.00"):
                bad.add(i)
                values[i] = "0.00"
        joined = "\n".join(values) + "\n"
    return values, joined.encode("ascii").split(b"\n")[:-1], list(map(int, joined.replace(".", "").split()))


@dataclass
class Side:
    """One ledger's record of a kind of entry."""

    format: bytes  # the whole record and its CR LF in windows-1251, %-slots for the values it takes
    pick: itemgetter  # those values, in the format's order, from Plan.write's tuple (VALUES)
    columns: tuple[tuple[str, str], ...]  # (ledger column, "base" | "vat" | "sum") the record fills
    in_return: bool
    sales: bool
    vies_id: str | None
    vat_must_be_zero: bool
    checks_signs: bool  # base and VAT land in two columns: they must not differ in sign
    count: int = 0
    base: int = 0  # running totals of this side's records, in cents
    vat: int = 0

    def sums(self) -> dict[str, Decimal]:
        totals = {"base": self.base, "vat": self.vat, "sum": self.base + self.vat}
        out: dict[str, Decimal] = {}
        for column, which in self.columns:
            out[column] = out.get(column, ZERO) + Decimal(totals[which]) * CENTS
        return out


@dataclass
class Plan:
    kind: str  # the document type
    sides: list[Side]
    numbered_sale: bool  # an invoice or note in the sales ledger: its number must be digits
    credit_note: bool
    invoice: bool
    needs_zero_vat: bool = field(init=False)
    needs_sum: bool = field(init=False)  # a column holds base and VAT as one figure
    checks_signs: bool = field(init=False)

    def __post_init__(self):
        self.needs_zero_vat = any(s.vat_must_be_zero for s in self.sides)
        self.needs_sum = any(which == "sum" for s in self.sides for _, which in s.columns)
        self.checks_signs = any(s.checks_signs for s in self.sides)

    def takes(self, base: str, vat: str) -> bool:
        """Whether the plan vouches for these amounts (well-formed: check_batch passed them)."""
        base_negative, vat_negative = base[0] == "-", vat[0] == "-"
        if self.credit_note and ((not base_negative and base != "0.00") or (not vat_negative and vat != "0.00")):
            return False
        if self.invoice and (base_negative or vat_negative):
            return False
        if self.needs_zero_vat and vat != "0.00":
            return False
        return not (self.checks_signs and base_negative != vat_negative and base != "0.00" and vat != "0.00")

    def write(self, entry: tuple, day: bytes, sales_lines: list, purchase_lines: list, counts: list[int]) -> None:
        """Renders the entry's records; entry = (type, number, plan, and as written: number,
        description, base, VAT, base + VAT); counts = [sales so far, purchases so far]."""
        _, _, _, number, description, base, vat, both = entry
        base_cents, vat_cents = int(base.replace(b".", b"")), int(vat.replace(b".", b""))
        for side in self.sides:
            i = 0 if side.sales else 1
            counts[i] += 1
            (sales_lines if side.sales else purchase_lines).append(
                side.format % side.pick((counts[i], number, day, description, base, vat, both))
            )
            side.count += 1
            side.base += base_cents
            side.vat += vat_cents


def sum_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def make_plan(entry, reader, period: str) -> Plan | None:
    """A plan for entries of this entry's kind, or None when the complete path must take them
    (an unknown operation, a document type the ledger does not take, an unusable counterparty)."""
    sides = []
    for sales in (True, False):
        code = entry.sales_operation if sales else entry.purchase_operation
        if not code:
            continue
        op = (operations.SALES if sales else operations.PURCHASES).get(code)
        allowed = layouts.SALES_DOCUMENT_TYPES if sales else layouts.PURCHASE_DOCUMENT_TYPES
        if op is None or entry.document_type not in allowed:
            return None
        party = reader.counterparty(entry, op.eu_customer)
        if isinstance(party, counterparty.Unusable):
            return None
        sides.append(_side(op, sales, entry.document_type, party, reader.vat_number, period))
    if not sides:
        return None
    return Plan(
        entry.document_type,
        sides,
        numbered_sale=entry.sales_operation != "" and entry.document_type in layouts.NUMBERED_DOCUMENT_TYPES,
        credit_note=entry.document_type in layouts.CREDIT_NOTE_TYPES,
        invoice=entry.document_type in layouts.INVOICE_TYPES,
    )


def _side(op: operations.Operation, sales: bool, kind: str, party: counterparty.Counterparty, vat_number: str, period: str) -> Side:
    columns: list[tuple[str, str]] = []
    if op.vat_only:
        assert op.vat is not None
        columns.append((op.vat, "vat"))
    else:
        assert op.base is not None
        columns.append((op.base, "sum" if op.base_plus_vat else "base"))
        if op.vat and not op.base_plus_vat:
            columns.append((op.vat, "vat"))
    if sales:
        columns += [("02-10", which) for column, which in list(columns) if column in SALES_BASE_TOTAL]
        columns += [("02-20", which) for column, which in list(columns) if column in SALES_VAT_TOTAL]
        layout = layouts.PRODAGBI
        constants = {"02-00": vat_number, "02-01": period, "02-02": 0, "02-04": kind, "02-07": party.id, "02-08": party.name, "02-27": ""}
        slots = {"02-03": "seq", "02-05": "number", "02-06": "date", "02-09": "desc"}
        in_return = kind not in layouts.SALES_NOT_IN_RETURN
    else:
        layout = layouts.POKUPKI
        constants = {"03-02": vat_number, "03-01": period, "03-03": 0, "03-05": kind, "03-08": party.id, "03-09": party.name, "03-45": ""}
        slots = {"03-04": "seq", "03-06": "number", "03-07": "date", "03-10": "desc"}
        in_return = kind not in layouts.PURCHASES_NOT_IN_RETURN
    filled = dict(columns)
    record, pick = _format(layout, constants, slots, filled)
    return Side(
        format=record,
        pick=pick,
        columns=tuple(columns),
        in_return=in_return,
        sales=sales,
        vies_id=party.id if op.eu_customer else None,
        vat_must_be_zero=not op.base_plus_vat and not op.vat_only and op.vat is None,
        checks_signs=not op.base_plus_vat and not op.vat_only and op.vat is not None,
    )


def _format(layout: Layout, constants: dict, slots: dict[str, str], filled: dict[str, str]) -> tuple[bytes, itemgetter]:
    """The record as a format of windows-1251 bytes (every character one byte, so widths and
    cuts count characters), and the picker of the values its slots take, in their order."""
    parts, names = [], []
    for f in layout.fields:
        if f.code in slots:
            names.append(slots[f.code])
            parts.append(f"%-{f.width}.{f.width}s" if f.kind == "text" else f"%{f.width}d" if f.kind == "int" else "%s")
        elif f.kind == "amount":
            if f.code in filled:
                names.append(filled[f.code])
                parts.append(f"%{f.width}s")
            else:
                parts.append(fixed.amount(ZERO, f.width))
        else:
            parts.append(fixed.format_field(f, constants[f.code]).replace("%", "%%"))
    return ("".join(parts) + fixed.CRLF).encode(ENCODING), itemgetter(*(VALUES.index(name) for name in names))
