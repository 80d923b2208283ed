"""Builds a month's VAT return from its entries, one entry at a time: the sales and purchase
ledgers are written to the given binary streams a day of records at a time while the return's
sums and the VIES lines (one per customer) are kept; DEKLAR.TXT and VIES.TXT are written at the
end. A month can hold 100,000 documents, so ledger records go through compiled templates
(fixed.Template) and carry only the amount columns they fill.

Every entry is checked before it is written; all problems of the month are collected and
reported together (ValidationFailed). Once a problem is found nothing more is written, and
the caller throws the streams away: nothing half-written is ever kept.

Order: the ledgers are sorted by document date, then type, then number. The entries must
arrive in document-date order (ledger's stream does this); the entries of one date are
buffered and sorted by type and the number as written (10 digits with leading zeros), so the
order does not depend on how the ledger compares unpadded numbers.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import IO, Any

from services.vat import fixed, layouts, operations
from services.vat.fixed import CRLF, ENCODING, ZERO, Template, Unwritable, money
from services.vat.model import EURO_RATE, Choices, Company, Problem, ValidationFailed, VatEntry, entry_label, period_currency

MAX_PROBLEMS = 500
COUNTERPARTIES_REMEMBERED = 10_000
PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
BG_VAT = re.compile(r"^BG[0-9]{9,10}$")
NATIONAL_ID = re.compile(r"^([0-9]{9}|[0-9]{10}|[0-9]{13})$")  # ЕИК 9/13, ЕГН/ЛНЧ 10
EGN = re.compile(r"^[0-9]{10}$")
POSTCODE = re.compile(r"^[0-9]{4}$")
SEPARATORS = re.compile(r"[\s.\-/]")  # written inside VAT numbers: "BG 175 074 752", "DE-123.456.789"
NO_ID = "999999999999999"  # a foreign person with no Bulgarian or EU number
EU_PREFIXES = layouts.EU_PREFIXES
SALES_REPORT_NAME = "Физически лица"
RETURN_FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")
PRODAGBI = Template(layouts.PRODAGBI)
POKUPKI = Template(layouts.POKUPKI)
SALES_BASE_TOTAL = frozenset(operations.SALES_BASE_TOTAL)
SALES_VAT_TOTAL = frozenset(operations.SALES_VAT_TOTAL)


@dataclass
class Generated:
    """What finish() returns besides the ledger streams it filled."""

    deklar: bytes
    vies: bytes | None  # None: the period has no supplies VIES.TXT reports
    cells: dict[str, str]  # DEKLAR field code -> value as written, stripped
    sales_count: int
    purchase_count: int
    vies_count: int
    currency: str
    notes: list[str] = field(default_factory=list)


@dataclass
class _Record:
    """One ledger record ready to write: its fields as the template takes them, and the
    amounts it adds to the return (only the columns it fills)."""

    values: dict
    amounts: dict[str, Decimal]
    in_return: bool


def parse_iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


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


def mm_yyyy(period: str) -> str:
    return f"{period[4:]}/{period[:4]}"


class ReturnBuilder:
    def __init__(self, period: str, company: Company, choices: Choices, sales_out: IO[bytes], purchases_out: IO[bytes]):
        self.period = period
        self.company = company
        self.choices = choices
        self.currency = period_currency(period) if PERIOD.match(period) else ""
        self._sales_out = sales_out
        self._purchases_out = purchases_out
        self.problems: list[Problem] = []
        self.more_problems = 0
        self.sales_count = 0
        self.purchase_count = 0
        self.sales_sums = dict.fromkeys(("02-10", "02-20", *operations.SALES_AMOUNTS), ZERO)
        self.purchase_sums = dict.fromkeys(operations.PURCHASE_AMOUNTS, ZERO)
        self.vies_lines: dict[str, list[Decimal]] = {}  # customer VAT number -> goods, triangular, services
        self.converted = 0
        self._period_number = int(period) if self.currency else 0
        self._counterparties: dict[tuple, tuple[str | None, str]] = {}
        self._day: date | None = None
        self._day_text = ""  # the day as the ledgers write it, dd/mm/yyyy
        self._day_entries: list[tuple[tuple, str | None, VatEntry]] = []
        self._sales_lines: list[str] = []  # the day's records, written when the day is done
        self._purchase_lines: list[str] = []
        if not self.currency:
            self._problem("request", "period", f"{period!r} is not a period YYYYMM")
        self._check_company()

    # --- problems -------------------------------------------------------------------------

    def _problem(self, subject: str, field_: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(subject, field_, message))
        else:
            self.more_problems += 1

    def _check_company(self) -> None:
        c = self.company
        if not BG_VAT.match(c.vat_number):
            self._problem("company", "vat_number", f"{c.vat_number!r} is not a Bulgarian VAT number (BG + 9 or 10 digits)")
        if not c.name.strip():
            self._problem("company", "name", "is missing")
        if not EGN.match(c.filer.egn):
            self._problem("company", "representative ЕГН/ЛНЧ", "is missing or not 10 digits (DEKLAR 00-04 needs it)")
        if not c.filer.name.strip():
            self._problem("company", "representative name", "is missing (DEKLAR 00-04 needs it)")
        for label, text in (("name", c.name), ("address", c.address), ("representative name", c.filer.name),
                            ("representative city", c.filer.city), ("representative address", c.filer.address)):  # fmt: skip
            try:
                fixed.clean_text(text)
            except Unwritable as exc:
                self._problem("company", label, str(exc))

    # --- entries --------------------------------------------------------------------------

    def add(self, entry: VatEntry) -> None:
        """Takes a VatEntry, or anything with its fields (ledger's VatLedgerEntry message)."""
        day = parse_iso_date(entry.document_date)
        if day is None:
            self._problem(entry_label(entry), "document_date", "is not a date YYYY-MM-DD")
            return
        if self._day is not None and day < self._day:
            self._problem(entry_label(entry), "document_date", "entries must arrive in document-date order")
            return
        if day != self._day:
            self._flush_day()
            self._day = day
            self._day_text = fixed.nap_date(day)
        number = self._document_number(entry)
        self._day_entries.append(((entry.document_type, number or ""), number, entry))

    def add_all(self, entries: Iterable[VatEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def _flush_day(self) -> None:
        self._day_entries.sort(key=itemgetter(0))
        for _, number, entry in self._day_entries:
            self._write_entry(entry, number)
        self._day_entries = []
        for lines, out in ((self._sales_lines, self._sales_out), (self._purchase_lines, self._purchases_out)):
            if lines and not (self.problems or self.more_problems):
                out.write("".join(lines).encode(ENCODING))
            lines.clear()

    @staticmethod
    def _document_number(entry: VatEntry) -> str | None:
        """The number as written, or None when it cannot be written. Invoices and notes are
        zero-padded to 10 digits (art. 114 ЗДДС, art. 78 ППЗДДС). Protocols, customs documents and
        reports (07, 09, 81-95) are written as numbered, not padded: the law fixes their
        numbering nowhere, a customs MRN has letters and 18 characters, and the NRA matches a
        buyer's record to the seller's by the number as the document shows it. NAV pads every
        type; the other writers write these raw (docs/nap-format.md, "Document numbers")."""
        number = entry.document_number.strip()
        if entry.document_type in layouts.NUMBERED_DOCUMENT_TYPES and number.isdigit() and len(number) <= 10:
            return number.zfill(10)
        return number if 0 < len(number) <= 20 else None

    def _write_entry(self, entry: VatEntry, number: str | None) -> None:
        found_before = len(self.problems) + self.more_problems
        label = entry_label(entry)
        sales = purchases = None
        if not entry.sales_operation and not entry.purchase_operation:
            self._problem(label, "operation", "has neither a sales nor a purchase operation code")
        amounts = self._amounts(entry, label)
        if amounts is not None:
            if entry.sales_operation:
                sales = self._sales_record(entry, number, label, *amounts)
            if entry.purchase_operation:
                purchases = self._purchase_record(entry, number, label, *amounts)
        if len(self.problems) + self.more_problems > found_before:
            return
        # Render both before writing either, so an entry is written whole or not at all.
        records = []
        if sales is not None:
            self.sales_count += 1
            sales.values["02-03"] = self.sales_count
            records.append((PRODAGBI, sales, self.sales_sums, self._sales_lines))
        if purchases is not None:
            self.purchase_count += 1
            purchases.values["03-04"] = self.purchase_count
            records.append((POKUPKI, purchases, self.purchase_sums, self._purchase_lines))
        rendered = []
        for template, record, sums, lines in records:
            try:
                rendered.append((template.render(record.values), record, sums, lines))
            except Unwritable as exc:
                code, _, message = str(exc).partition(": ")
                self._problem(label, f"{template.layout.name}.TXT field {code}", message)
        if self.problems or self.more_problems:
            return
        for text, record, sums, lines in rendered:
            lines.append(text + CRLF)
            if record.in_return:
                for code, value in record.amounts.items():
                    sums[code] += value

    def _amounts(self, entry: VatEntry, label: str) -> tuple[Decimal, Decimal] | None:
        base, vat = _decimal(entry.tax_base), _decimal(entry.vat_amount)
        if base is None:
            self._problem(label, "tax_base", f"{entry.tax_base!r} is not an amount")
        if vat is None:
            self._problem(label, "vat_amount", f"{entry.vat_amount!r} is not an amount")
        if base is None or vat is None or not self.currency:
            return None
        currency = entry.currency or self.currency
        if currency != self.currency:
            if {currency, self.currency} != {"BGN", "EUR"}:
                self._problem(label, "currency", f"amounts in {currency} cannot be declared: the return is in {self.currency}")
                return None
            # The lev's rate to the euro is fixed: convert each amount, rounded half-up.
            self.converted += 1
            if currency == "BGN":
                base, vat = base / EURO_RATE, vat / EURO_RATE
            else:
                base, vat = base * EURO_RATE, vat * EURO_RATE
        base, vat = money(base), money(vat)
        kind = entry.document_type
        if kind in layouts.CREDIT_NOTE_TYPES and (base > 0 or vat > 0):
            self._problem(label, "amounts", "a credit note carries negative amounts")
        if kind in layouts.INVOICE_TYPES and (base < 0 or vat < 0):
            self._problem(label, "amounts", "an invoice or debit note cannot carry negative amounts (use a credit note)")
        return base, vat

    def _common(self, entry: VatEntry, number: str | None, label: str, ledger: str, allowed: frozenset, needs_eu: bool) -> dict | None:
        """Fields every ledger record has (document, counterparty, description), or None."""
        ok = True
        if entry.document_type not in allowed:
            self._problem(label, "document_type", f"{entry.document_type!r} is not a document type of the {ledger} ledger")
            ok = False
        if number is None:
            self._problem(label, "document_number", "is missing or longer than 20 characters")
            ok = False
        elif ledger == "sales" and entry.document_type in layouts.NUMBERED_DOCUMENT_TYPES and not number.isdigit():
            self._problem(label, "document_number", "an invoice or note number must be at most 10 digits")
            ok = False
        vat_day = parse_iso_date(entry.vat_date)
        if vat_day is None or vat_day.year * 100 + vat_day.month != self._period_number:
            self._problem(label, "vat_date", f"{entry.vat_date!r} is not in the period {self.period}")
            ok = False
        counterparty, name = self._counterparty(entry, label, needs_eu)
        if counterparty is None:
            ok = False
        try:
            description = fixed.clean_text(entry.description)
        except Unwritable as exc:
            self._problem(label, "description", str(exc))
            ok = False
        if not ok:
            return None
        return {"number": number, "date": self._day_text, "id": counterparty, "name": name, "description": description}

    def _counterparty(self, entry: VatEntry, label: str, needs_eu: bool) -> tuple[str | None, str]:
        """(id as written, name) — id None when it is missing or malformed. A month names the
        same counterparties again and again, so a good answer is remembered; a problem is not,
        so every entry that has it is reported."""
        key = (entry.counterpart_vat_number, entry.counterpart_eik, entry.counterpart_country, entry.counterpart_name,
               entry.document_type in layouts.SALES_REPORT_TYPES, needs_eu)  # fmt: skip
        found = self._counterparties.get(key)
        if found is None:
            found = self._read_counterparty(entry, label, needs_eu)
            if found[0] is not None and len(self._counterparties) < COUNTERPARTIES_REMEMBERED:
                self._counterparties[key] = found
        return found

    def _read_counterparty(self, entry: VatEntry, label: str, needs_eu: bool) -> tuple[str | None, str]:
        try:
            name = fixed.clean_text(entry.counterpart_name)
        except Unwritable as exc:
            self._problem(label, "counterpart_name", str(exc))
            return None, ""
        if entry.document_type in layouts.SALES_REPORT_TYPES:
            return "", name or SALES_REPORT_NAME
        vat = entry.counterpart_vat_number
        vat = (vat if vat.isalnum() else SEPARATORS.sub("", vat)).upper()
        eik = entry.counterpart_eik.strip()
        country = entry.counterpart_country.strip().upper()
        if vat.startswith("GR"):
            vat = "EL" + vat[2:]  # Greece's VAT prefix
        if vat:
            prefix = vat[:2]
            if prefix == "BG" and not BG_VAT.match(vat):
                self._problem(label, "counterpart_vat_number", f"{vat!r} is not a Bulgarian VAT number (BG + 9 or 10 digits)")
                return None, name
            if prefix in EU_PREFIXES:
                if len(vat) <= 2 or len(vat) > 15 or not vat.isalnum():
                    self._problem(label, "counterpart_vat_number", f"{vat!r} is not a VAT number of an EU member state")
                    return None, name
                counterparty = vat
            else:
                counterparty = NO_ID  # a VAT number of a non-EU country
        elif eik:
            if not NATIONAL_ID.match(eik):
                self._problem(label, "counterpart_eik", f"{eik!r} is not an ЕИК (9 or 13 digits) or ЕГН/ЛНЧ (10 digits)")
                return None, name
            counterparty = eik
        elif country and country != "BG":
            counterparty = NO_ID
        else:
            self._problem(label, "counterparty id", "is missing: a VAT number, ЕИК/ЕГН, or a foreign counterparty's country")
            return None, name
        if needs_eu and (counterparty[:2] not in EU_PREFIXES or counterparty.startswith("BG")):
            self._problem(label, "counterpart_vat_number", "this supply needs the customer's VAT number in another EU member state")
            return None, name
        if not name:
            self._problem(label, "counterpart_name", "is missing")
            return None, name
        return counterparty, name

    def _sales_record(self, entry: VatEntry, number: str | None, label: str, base: Decimal, vat: Decimal) -> _Record | None:
        op = operations.SALES.get(entry.sales_operation)
        if op is None:
            self._problem(label, "sales_operation", f"{entry.sales_operation!r} maps to no column of the sales ledger")
            return None
        common = self._common(entry, number, label, "sales", layouts.SALES_DOCUMENT_TYPES, op.eu_customer)
        amounts = self._place(op, base, vat, label)
        if amounts is None or common is None:
            return None
        amounts["02-10"] = sum((a for c, a in amounts.items() if c in SALES_BASE_TOTAL), ZERO)
        amounts["02-20"] = sum((a for c, a in amounts.items() if c in SALES_VAT_TOTAL), ZERO)
        if op.eu_customer:
            line = self.vies_lines.setdefault(common["id"], [ZERO, ZERO, ZERO])
            for i, code in enumerate(operations.VIES_COLUMNS):
                line[i] += amounts.get(code, ZERO)
        values = {
            "02-00": self.company.vat_number, "02-01": self.period, "02-02": 0, "02-04": entry.document_type,
            "02-05": common["number"], "02-06": common["date"], "02-07": common["id"], "02-08": common["name"],
            "02-09": common["description"], "02-27": "", **_texts(operations.SALES_AMOUNTS, amounts),
        }  # fmt: skip
        return _Record(values, amounts, entry.document_type not in layouts.SALES_NOT_IN_RETURN)

    def _purchase_record(self, entry: VatEntry, number: str | None, label: str, base: Decimal, vat: Decimal) -> _Record | None:
        op = operations.PURCHASES.get(entry.purchase_operation)
        if op is None:
            self._problem(label, "purchase_operation", f"{entry.purchase_operation!r} maps to no column of the purchase ledger")
            return None
        common = self._common(entry, number, label, "purchase", layouts.PURCHASE_DOCUMENT_TYPES, False)
        amounts = self._place(op, base, vat, label)
        if amounts is None or common is None:
            return None
        values = {
            "03-02": self.company.vat_number, "03-01": self.period, "03-03": 0, "03-05": entry.document_type,
            "03-06": common["number"], "03-07": common["date"], "03-08": common["id"], "03-09": common["name"],
            "03-10": common["description"], "03-45": "", **_texts(operations.PURCHASE_AMOUNTS, amounts),
        }  # fmt: skip
        return _Record(values, amounts, entry.document_type not in layouts.PURCHASES_NOT_IN_RETURN)

    def _place(self, op: operations.Operation, base: Decimal, vat: Decimal, label: str) -> dict[str, Decimal] | None:
        """The amounts in the operation's columns (only those); None (with a problem) if they do not fit it."""
        amounts: dict[str, Decimal] = {}
        if op.vat_only:
            assert op.vat is not None, f"operation {op.code}: VAT only, in no column"
            amounts[op.vat] = vat
            return amounts
        assert op.base is not None, f"operation {op.code}: its base is in no column"
        if op.base_plus_vat:
            amounts[op.base] = base + vat
        else:
            if op.vat is None and vat:
                self._problem(label, "vat_amount", f"operation {op.code} carries no VAT, but the entry has {vat:.2f}")
                return None
            amounts[op.base] = base
            if op.vat:
                amounts[op.vat] = vat
        signs = {a > 0 for a in amounts.values() if a}
        if len(signs) > 1:
            self._problem(label, "amounts", "the record would mix positive and negative amounts")
            return None
        return amounts

    # --- the end of the month -------------------------------------------------------------

    def finish(self) -> Generated:
        self._flush_day()
        cells = self._cells()
        deklar = self._deklar(cells)
        # A customer whose supplies net to 0.00 in the period (a credit note cancelling the
        # invoice) gets no VIR line, and a period left with no line gets no VIES.TXT: decided
        # with Dynamics NAV's Bulgarian writer, which leaves such customers out (an all-zero
        # line declares nothing); see docs/nap-format.md, "VIES.TXT".
        vies_lines = sorted((vat, line) for vat, line in self.vies_lines.items() if any(line))
        vies = self._vies(vies_lines) if vies_lines else None
        if self.problems or self.more_problems:
            raise ValidationFailed(self.problems, self.more_problems)
        notes = []
        if self.converted:
            source = "BGN" if self.currency == "EUR" else "EUR"
            notes.append(
                f"{self.converted} entries booked in {source} converted to {self.currency} at the fixed rate {EURO_RATE} BGN per EUR"
            )
        written = fixed.render(layouts.DEKLAR, cells)
        return Generated(
            deklar=deklar,
            vies=vies,
            cells={f.code: written[s:e].strip() for f, s, e in layouts.DEKLAR.slices()},
            sales_count=self.sales_count,
            purchase_count=self.purchase_count,
            vies_count=len(vies_lines),
            currency=self.currency,
            notes=notes,
        )

    def _cells(self) -> dict:
        s, p, ch = self.sales_sums, self.purchase_sums, self.choices
        cells: dict[str, Any] = {
            "00-01": self.company.vat_number, "00-02": self.company.name, "00-03": self.period,
            "00-04": f"{self.company.filer.egn} {self.company.filer.name}", "00-05": self.sales_count, "00-06": self.purchase_count,
            "01-01": s["02-10"], "01-20": s["02-20"], "01-11": s["02-11"], "01-21": s["02-21"],
            "01-12": s["02-12"] + s["02-26"], "01-22": s["02-22"], "01-23": s["02-23"], "01-13": s["02-13"], "01-24": s["02-24"],
            "01-14": s["02-14"], "01-15": s["02-15"], "01-16": s["02-16"], "01-17": s["02-17"],
            "01-18": s["02-18"] + s["02-25"], "01-19": s["02-19"],
            # 01-30 = Σ03-30 + Σ03-44 (goods bought from the intermediary of a triangular
            # operation): NAV's dated fix "21.02.18, Changed function FillDeclaration" and
            # skladnik both add 03-44; docs/nap-format.md, "The return's cells".
            "01-30": p["03-30"] + p["03-44"], "01-31": p["03-31"], "01-41": p["03-41"],
            "01-32": p["03-32"], "01-42": p["03-42"], "01-43": p["03-43"],
        }  # fmt: skip
        coefficient = ch.coefficient
        if coefficient is None:
            if p["03-42"]:
                self._problem("choices", "coefficient", "the period has purchases with partial credit: give the coefficient 01-33")
            coefficient = ZERO
        elif not (Decimal(0) <= coefficient <= Decimal(1)) or coefficient != coefficient.quantize(fixed.CENT):
            self._problem("choices", "coefficient", "must be between 0.00 and 1.00 with at most two decimals")
            coefficient = ZERO
        cells["01-33"] = coefficient
        credit = money(cells["01-41"] + cells["01-42"] * coefficient + cells["01-43"])
        cells["01-40"] = credit
        cells["01-50"] = max(cells["01-20"] - credit, ZERO)
        cells["01-60"] = max(credit - cells["01-20"], ZERO)
        chosen = {
            "01-70": ch.offset_art92_1,
            "01-71": ch.paid,
            "01-80": ch.refund_art92_1,
            "01-81": ch.refund_art92_3,
            "01-82": ch.refund_art92_4,
        }
        for code, value in chosen.items():
            if value < 0 or value != value.quantize(fixed.CENT):
                self._problem("choices", f"cell {code}", "must be a non-negative amount with at most two decimals")
            cells[code] = money(value)
        if cells["01-70"] + cells["01-71"] > cells["01-50"]:
            self._problem("choices", "cells 01-70 + 01-71", f"exceed the VAT payable 01-50 ({cells['01-50']:.2f})")
        if cells["01-80"] + cells["01-81"] + cells["01-82"] > cells["01-60"]:
            self._problem("choices", "cells 01-80 + 01-81 + 01-82", f"exceed the VAT refundable 01-60 ({cells['01-60']:.2f})")
        return cells

    def _deklar(self, cells: dict) -> bytes:
        try:
            return (fixed.render(layouts.DEKLAR, cells) + CRLF).encode(ENCODING)
        except Unwritable as exc:
            code, _, message = str(exc).partition(": ")
            self._problem("DEKLAR.TXT", f"cell {code}", message)
            return b""

    def _vies(self, lines: list[tuple[str, list[Decimal]]]) -> bytes:
        c, f = self.company, self.company.filer
        goods = sum((line[0] for _, line in lines), ZERO)
        total = sum((sum(line, ZERO) for _, line in lines), ZERO)
        if f.capacity not in ("A", "R"):
            self._problem("company", "representative capacity", "must be R (representative) or A (authorised person)")
        if f.postcode and not POSTCODE.match(f.postcode):
            self._problem("company", "representative postcode", "must be 4 digits")
        records: list[tuple[layouts.Layout, dict[str, Any]]] = [
            (layouts.VHR, {"VHR-02": mm_yyyy(self.period), "VHR-03": len(lines)}),
            (layouts.VDR, {"VDR-02": f.egn, "VDR-03": f.name, "VDR-04": f.city, "VDR-05": f.postcode, "VDR-06": f.address}
             | {"VDR-07": f.capacity}),
            (layouts.VTR, {"VTR-02": c.vat_number, "VTR-03": c.name, "VTR-04": c.address}),
            (layouts.TTR, {"TTR-02": total, "TTR-03": goods}),
            *((layouts.VIR, {"VIR-02": i, "VIR-03": vat, "VIR-04": g, "VIR-05": t, "VIR-06": s, "VIR-07": ""})
              for i, (vat, (g, t, s)) in enumerate(lines, 1)),
            (layouts.CHR, {"CHR-02": 0}),
        ]  # fmt: skip
        out = []
        for layout, values in records:
            try:
                out.append(fixed.render(layout, values))
            except Unwritable as exc:
                code, _, message = str(exc).partition(": ")
                subject = f"VIES.TXT line for {values['VIR-03']}" if layout is layouts.VIR else "VIES.TXT"
                self._problem(subject, code, message)
        if len(out) < len(records):
            return b""
        # CR LF between records, none after the last (the NRA-accepted sample; docs/nap-format.md, "VIES.TXT").
        return CRLF.join(out).encode(ENCODING)


def generate_files(period: str, company: Company, choices: Choices, entries: Iterable[VatEntry]) -> tuple[dict[str, bytes], Generated]:
    """The whole return in memory (tests, small months): file name -> bytes. VIES.TXT only
    when the period has supplies it reports. Raises ValidationFailed."""
    import io

    sales, purchases = io.BytesIO(), io.BytesIO()
    builder = ReturnBuilder(period, company, choices, sales, purchases)
    builder.add_all(entries)
    result = builder.finish()
    files = {"DEKLAR.TXT": result.deklar, "POKUPKI.TXT": purchases.getvalue(), "PRODAGBI.TXT": sales.getvalue()}
    if result.vies is not None:
        files["VIES.TXT"] = result.vies
    return files, result
