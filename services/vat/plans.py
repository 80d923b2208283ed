"""The fast path of the ledger records. A big month is a few kinds of entry (the same document
type, operations and counterparty) repeated thousands of times. Each kind gets a plan once,
checked by the complete path (records.py): its record as one printf format with the kind's
fields already written, and running totals in cents. An entry of a known kind is then one
check of its own values and one `%`. An entry the plan cannot vouch for (a problem, another
currency, text to clean) takes the complete path, which reports or writes it; both paths give
the same bytes (tests/unit/test_vat_domain.py compares them)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from services.vat import counterparty, fixed, layouts, operations
from services.vat.fixed import ENCODING, ZERO
from services.vat.layouts import Layout

AMOUNT = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]{2}")  # as ledger sends NUMERIC(15,2): "1234.50", "-20.00"
WIDTH = 15  # every amount column of the ledgers
CENTS = Decimal("0.01")
SALES_BASE_TOTAL = frozenset(operations.SALES_BASE_TOTAL)
SALES_VAT_TOTAL = frozenset(operations.SALES_VAT_TOTAL)


def plan_key(entry) -> tuple:
    return (entry.document_type, entry.sales_operation, entry.purchase_operation, entry.counterpart_vat_number,
            entry.counterpart_eik, entry.counterpart_country, entry.counterpart_name)  # fmt: skip


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
class Side:
    """One ledger's record of a kind of entry."""

    format: str  # printf format of the whole record and its CR LF: %(seq)d, %(number)s, %(date)s, %(desc)s, %(base)s, ...
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
    sides: list[Side]
    numbered_sale: bool  # an invoice or note in the sales ledger: its number must be digits
    credit_note: bool
    invoice: bool
    needs_zero_vat: bool = field(init=False)
    needs_sum: bool = field(init=False)  # a column holds base and VAT as one figure

    def __post_init__(self):
        self.needs_zero_vat = any(s.vat_must_be_zero for s in self.sides)
        self.needs_sum = any(which == "sum" for s in self.sides for _, which in s.columns)

    def payload(self, entry, number: str | None, period_days: frozenset, currency: str) -> tuple | None:
        """(number, description, base, VAT, base + VAT) when the plan vouches for this entry, else None."""
        base, vat = entry.tax_base, entry.vat_amount
        if (
            number is None
            or entry.currency not in ("", currency)
            or entry.vat_date not in period_days
            or not AMOUNT.fullmatch(base) or not AMOUNT.fullmatch(vat)
            or len(base) > WIDTH or len(vat) > WIDTH or base == "-0.00" or vat == "-0.00"
            or not clean(number)
            or (self.numbered_sale and not number.isdigit())
        ):  # fmt: skip
            return None
        base_negative, vat_negative = base[0] == "-", vat[0] == "-"
        if self.credit_note and ((not base_negative and base != "0.00") or (not vat_negative and vat != "0.00")):
            return None
        if self.invoice and (base_negative or vat_negative):
            return None
        if self.needs_zero_vat and vat != "0.00":
            return None
        if base_negative != vat_negative and base != "0.00" and vat != "0.00" and any(s.checks_signs for s in self.sides):
            return None
        description = entry.description
        if description and not clean(description):
            return None
        both = ""
        if self.needs_sum:
            both = _text(int(base.replace(".", "")) + int(vat.replace(".", "")))
            if len(both) > WIDTH:
                return None
        return number, description, base, vat, both

    def write(self, payload: tuple, day_text: str, sales_lines: list, purchase_lines: list, counts: list[int]) -> None:
        """Renders the entry's records; counts = [sales so far, purchases so far]."""
        number, description, base, vat, both = payload
        base_cents, vat_cents = int(base.replace(".", "")), int(vat.replace(".", ""))
        values = {"number": number, "date": day_text, "desc": description, "base": base, "vat": vat, "sum": both}
        for side in self.sides:
            i = 0 if side.sales else 1
            counts[i] += 1
            values["seq"] = counts[i]
            (sales_lines if side.sales else purchase_lines).append(side.format % values)
            side.count += 1
            side.base += base_cents
            side.vat += vat_cents


def _text(cents: int) -> str:
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
    return Side(
        format=_format(layout, constants, slots, filled),
        columns=tuple(columns),
        in_return=in_return,
        sales=sales,
        vies_id=party.id if op.eu_customer else None,
        vat_must_be_zero=not op.base_plus_vat and not op.vat_only and op.vat is None,
        checks_signs=not op.base_plus_vat and not op.vat_only and op.vat is not None,
    )


def _format(layout: Layout, constants: dict, slots: dict[str, str], filled: dict[str, str]) -> str:
    parts = []
    for f in layout.fields:
        if f.code in slots:
            name = slots[f.code]
            parts.append(
                f"%({name})-{f.width}.{f.width}s" if f.kind == "text" else f"%({name}){f.width}d" if f.kind == "int" else f"%({name})s"
            )
        elif f.kind == "amount":
            parts.append(f"%({filled[f.code]}){f.width}s" if f.code in filled else fixed.amount(ZERO, f.width))
        else:
            parts.append(fixed.format_field(f, constants[f.code]).replace("%", "%%"))
    return "".join(parts) + fixed.CRLF
