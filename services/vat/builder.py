"""Builds a month's VAT return from its entries, one entry at a time: the sales and purchase
ledgers are written to the given binary streams a day of records at a time while the return's
sums and the VIES lines (one per customer) are kept; DEKLAR.TXT and VIES.TXT are written at the
end. The concerns live apart: an entry's records (records.py, and plans.py for the kinds of entry
a month repeats), the counterparty (counterparty.py), the return's cells (cells.py), VIES.TXT
(vies_file.py).

Every entry is checked before it is written; all problems of the month are collected and
reported together (ValidationFailed). Once a problem is found nothing more is written, and
the caller throws the streams away: nothing half-written is ever kept.

Order: the ledgers are sorted by document date, then type, then number. The entries must
arrive in document-date order (ledger's stream does this); the entries of one date are
buffered and sorted by type and the number as written (10 digits with leading zeros), so the
order does not depend on how the ledger compares unpadded numbers.
"""

import calendar
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import IO

from services.vat import cells, fixed, layouts, operations, plans, vies_file
from services.vat.fixed import CRLF, ENCODING, ZERO, Template, Unwritable
from services.vat.model import EURO_RATE, Choices, Company, Problem, ValidationFailed, VatEntry, entry_problem, period_currency
from services.vat.records import EntryReader, Read, Record, document_number, parse_iso_date

MAX_PROBLEMS = 500
PLANS_REMEMBERED = 10_000
LINES_BUFFERED = 4096  # records rendered before they go to the streams (a big retailer's day is 30,000)
PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
RETURN_FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")
PRODAGBI = Template(layouts.PRODAGBI)
POKUPKI = Template(layouts.POKUPKI)


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


class ReturnBuilder:
    def __init__(self, period: str, company: Company, choices: Choices, sales_out: IO[bytes], purchases_out: IO[bytes], fast: bool = True):
        self.period = period
        self.company = company
        self.choices = choices
        self.currency = period_currency(period) if PERIOD.match(period) else ""
        self.fast = fast  # False: every entry takes the complete path (the tests compare both)
        self._sales_out = sales_out
        self._purchases_out = purchases_out
        self._reader = EntryReader(period, self.currency, company.vat_number)
        self.problems: list[Problem] = []
        self.more_problems = 0
        self.counts = [0, 0]  # records written to the sales and to the purchase ledger
        self.sales_sums = dict.fromkeys(("02-10", "02-20", *operations.SALES_AMOUNTS), ZERO)
        self.purchase_sums = dict.fromkeys(operations.PURCHASE_AMOUNTS, ZERO)
        self.vies_lines: dict[str, list[Decimal]] = {}  # customer VAT number -> goods, triangular, services
        self.converted = 0
        self._plans: dict[tuple, plans.Plan | None] = {}  # None: a kind only the complete path takes
        self._period_days = self._days_of(period) if self.currency else frozenset()
        self._day: date | None = None
        self._day_iso = ""  # the day as entries give it, YYYY-MM-DD
        self._day_text = ""  # the day as the ledgers write it, dd/mm/yyyy
        self._day_entries: list[tuple] = []  # ((type, number), plan or None, payload or entry, number)
        self._sales_lines: list[str] = []  # the day's records, written when the day is done
        self._purchase_lines: list[str] = []
        if not self.currency:
            self._problem(Problem("request", "period", f"{period!r} is not a period YYYYMM"))
        for problem in cells.company_problems(company):
            self._problem(problem)

    @staticmethod
    def _days_of(period: str) -> frozenset:
        year, month = int(period[:4]), int(period[4:])
        return frozenset(f"{year:04d}-{month:02d}-{d:02d}" for d in range(1, calendar.monthrange(year, month)[1] + 1))

    @property
    def sales_count(self) -> int:
        return self.counts[0]

    @property
    def purchase_count(self) -> int:
        return self.counts[1]

    def _problem(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def _failed(self) -> bool:
        return bool(self.problems or self.more_problems)

    # --- entries --------------------------------------------------------------------------

    def add(self, entry: VatEntry) -> None:
        """Takes a VatEntry, or anything with its fields (ledger's VatLedgerEntry message)."""
        if entry.document_date != self._day_iso:
            day = parse_iso_date(entry.document_date)
            if day is None:
                self._problem(entry_problem(entry, "document_date", "is not a date YYYY-MM-DD"))
                return
            if self._day is not None and day < self._day:
                self._problem(entry_problem(entry, "document_date", "entries must arrive in document-date order"))
                return
            self._flush_day()
            self._day, self._day_iso, self._day_text = day, entry.document_date, fixed.nap_date(day)
        number = document_number(entry)
        plan = self._plan(entry) if self.fast else None
        payload = None if plan is None else plan.payload(entry, number, self._period_days, self.currency)
        if payload is None:
            self._day_entries.append(((entry.document_type, number or ""), None, entry, number))
        else:
            self._day_entries.append(((entry.document_type, number), plan, payload, number))

    def add_all(self, entries: Iterable[VatEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def _plan(self, entry) -> plans.Plan | None:
        """The plan of the entry's kind, None when the complete path takes it."""
        key = plans.plan_key(entry)
        if key in self._plans:
            return self._plans[key]
        if len(self._plans) >= PLANS_REMEMBERED:
            return None  # a month of ever new kinds: the complete path takes them
        plan = self._plans[key] = plans.make_plan(entry, self._reader, self.period)
        return plan

    def _flush_day(self) -> None:
        self._day_entries.sort(key=itemgetter(0))
        for _, plan, item, number in self._day_entries:
            if plan is None:  # after a problem still read, to report every problem of the month
                self._write_read(self._reader.read(item, number, self._day_text), item)
            elif not self._failed:
                plan.write(item, self._day_text, self._sales_lines, self._purchase_lines, self.counts)
            if len(self._sales_lines) + len(self._purchase_lines) >= LINES_BUFFERED:
                self._write_lines()
        self._day_entries = []
        self._write_lines()

    def _write_lines(self) -> None:
        for lines, out in ((self._sales_lines, self._sales_out), (self._purchase_lines, self._purchases_out)):
            if lines and not self._failed:
                out.write(("".join(lines)).encode(ENCODING))
            lines.clear()

    def _write_read(self, read: Read, entry) -> None:
        """Writes an entry read by the complete path, both of its records or neither."""
        for problem in read.problems:
            self._problem(problem)
        if read.problems:
            return
        self.converted += read.converted
        records: list[tuple[Template, Record, dict, list]] = []
        if read.sales is not None:
            read.sales.values["02-03"] = self.counts[0] + 1
            records.append((PRODAGBI, read.sales, self.sales_sums, self._sales_lines))
        if read.purchases is not None:
            read.purchases.values["03-04"] = self.counts[1] + 1
            records.append((POKUPKI, read.purchases, self.purchase_sums, self._purchase_lines))
        rendered = []
        for template, record, sums, lines in records:
            try:
                rendered.append((template.render(record.values), record, sums, lines))
            except Unwritable as exc:
                code, _, message = str(exc).partition(": ")
                self._problem(entry_problem(entry, f"{template.layout.name}.TXT field {code}", message))
        if self._failed:
            return
        for text, record, sums, lines in rendered:
            lines.append(text + CRLF)
            self.counts[0 if lines is self._sales_lines else 1] += 1
            if record.in_return:
                for code, value in record.amounts.items():
                    sums[code] += value
            if record.vies_id is not None:
                self._add_vies(record.vies_id, record.amounts)

    def _add_vies(self, customer: str, amounts: dict[str, Decimal]) -> None:
        line = self.vies_lines.setdefault(customer, [ZERO, ZERO, ZERO])
        for i, code in enumerate(operations.VIES_COLUMNS):
            line[i] += amounts.get(code, ZERO)

    def _collect_plans(self) -> None:
        """The planned records' totals into the return's sums and the VIES lines."""
        for plan in self._plans.values():
            if plan is None:
                continue
            for side in plan.sides:
                if not side.count:
                    continue
                sums = side.sums()
                if side.in_return:
                    target = self.sales_sums if side.sales else self.purchase_sums
                    for code, value in sums.items():
                        target[code] += value
                if side.vies_id is not None:
                    self._add_vies(side.vies_id, sums)

    # --- the end of the month -------------------------------------------------------------

    def finish(self) -> Generated:
        self._flush_day()
        self._collect_plans()
        values, problems = cells.cells(
            self.period, self.company, self.choices, self.sales_sums, self.purchase_sums, (self.counts[0], self.counts[1])
        )
        deklar, written, render_problems = cells.deklar(values)
        lines = vies_file.reported(self.vies_lines)
        vies, vies_problems = vies_file.vies_file(self.period, self.company, lines) if lines else (None, [])
        for problem in (*problems, *render_problems, *vies_problems):
            self._problem(problem)
        if self._failed:
            raise ValidationFailed(self.problems, self.more_problems)
        notes = []
        if self.converted:
            source = "BGN" if self.currency == "EUR" else "EUR"
            notes.append(
                f"{self.converted} entries booked in {source} converted to {self.currency} at the fixed rate {EURO_RATE} BGN per EUR"
            )
        return Generated(
            deklar=deklar,
            vies=vies,
            cells=written,
            sales_count=self.counts[0],
            purchase_count=self.counts[1],
            vies_count=len(lines),
            currency=self.currency,
            notes=notes,
        )


def generate_files(
    period: str, company: Company, choices: Choices, entries: Iterable[VatEntry], fast: bool = True
) -> tuple[dict[str, bytes], Generated]:
    """The whole return in memory (tests, small months): file name -> bytes. VIES.TXT only
    when the period has supplies it reports. Raises ValidationFailed."""
    sales, purchases = io.BytesIO(), io.BytesIO()
    builder = ReturnBuilder(period, company, choices, sales, purchases, fast)
    builder.add_all(entries)
    result = builder.finish()
    files = {"DEKLAR.TXT": result.deklar, "POKUPKI.TXT": purchases.getvalue(), "PRODAGBI.TXT": sales.getvalue()}
    if result.vies is not None:
        files["VIES.TXT"] = result.vies
    return files, result
