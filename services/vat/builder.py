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

Entries come in batches by column (add_columns: ledger's VatLedgerColumns, or Columns made from
VatEntry values): the fast path checks and converts a batch a column at a time.
"""

import calendar
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Protocol

from services.vat import cells, fixed, layouts, operations, plans, vies_file
from services.vat.fixed import CRLF, ENCODING, ZERO, Template, Unwritable
from services.vat.model import EURO_RATE, Choices, Company, Problem, ValidationFailed, VatEntry, entry_problem, period_currency
from services.vat.records import EntryReader, Read, Record, document_number, parse_iso_date

BATCH = 4000  # entries per batch when add_all makes the batches

MAX_PROBLEMS = 500
PLANS_REMEMBERED = 10_000
LINES_BUFFERED = 1024  # entries rendered before their records go to the streams (a big retailer's day is 30,000)
PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
RETURN_FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")
PRODAGBI = Template(layouts.PRODAGBI)
POKUPKI = Template(layouts.POKUPKI)
FIELDS = tuple(f.name for f in fields(VatEntry))
NUMBERED = layouts.NUMBERED_DOCUMENT_TYPES


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


class Columns:
    """Entries by column, as ledger's VatLedgerColumns carries them: an attribute per VatEntry
    field, each a sequence with one value per entry."""

    def __init__(self, entries: Sequence):
        for name in FIELDS:
            setattr(self, name, [getattr(e, name) for e in entries])


def entry_at(columns, i: int) -> VatEntry:
    """Entry i of a batch by column, for the complete path."""
    return VatEntry(**{name: getattr(columns, name)[i] for name in FIELDS})


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
    def __init__(self, period: str, company: Company, choices: Choices, sales_out: Sink, purchases_out: Sink, fast: bool = True):
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
        self._day_bytes = b""  # and in windows-1251
        # The day's entries, sorted by their first two items: (type, number, plan, *Plan.write's
        # payload) or, for the complete path, (type, number or "", None, entry, number).
        self._day_entries: list[tuple] = []
        self._sales_lines: list[bytes] = []  # the day's records, written when the day is done
        self._purchase_lines: list[bytes] = []
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

    def add_columns(self, columns) -> None:
        """A batch of entries by column (see Columns), in the stream's order."""
        if not len(columns.document_date):
            return
        if not self.fast:
            for i in range(len(columns.document_date)):
                entry = entry_at(columns, i)
                if self._same_day(entry.document_date, columns, i):
                    self._complete(entry)
            return
        batch = plans.check_batch(columns, self.currency, self._period_days)
        bad, known = batch.bad, self._plans
        keys = plans.plan_keys(columns)
        rows = zip(columns.document_date, columns.document_type, batch.numbers, keys, batch.bases, batch.vats, strict=True)
        for i, (day, kind, number, key, base, vat) in enumerate(rows):
            if day != self._day_iso and not self._same_day(day, columns, i):
                continue
            plan = known.get(key)
            if plan is None and key not in known:
                plan = self._plan(key, entry_at(columns, i))
            planned = None if plan is None or (bad and i in bad) else _planned(plan, batch, i, kind, number, base, vat)
            if planned is None:
                self._complete(entry_at(columns, i))
            else:
                self._day_entries.append(planned)

    def add_all(self, entries: Iterable[VatEntry]) -> None:
        entries = list(entries)
        for start in range(0, len(entries), BATCH):
            self.add_columns(Columns(entries[start : start + BATCH]))

    def _same_day(self, day: str, columns, i: int) -> bool:
        """Whether entry i (of document date `day`) is taken: a new day ends the one before;
        a date that is no date, or earlier than the day before, is a problem."""
        if day == self._day_iso:
            return True
        parsed = parse_iso_date(day)
        if parsed is None:
            self._problem(entry_problem(entry_at(columns, i), "document_date", "is not a date YYYY-MM-DD"))
            return False
        if self._day is not None and parsed < self._day:
            self._problem(entry_problem(entry_at(columns, i), "document_date", "entries must arrive in document-date order"))
            return False
        self._flush_day()
        self._day, self._day_iso, self._day_text = parsed, day, fixed.nap_date(parsed)
        self._day_bytes = self._day_text.encode(ENCODING)
        return True

    def _complete(self, entry: VatEntry) -> None:
        """The entry for the complete path (read when its day is written)."""
        number = document_number(entry)
        self._day_entries.append((entry.document_type, number or "", None, entry, number))

    def _plan(self, key: tuple, entry: VatEntry) -> plans.Plan | None:
        """The plan of a kind not met yet, None when the complete path takes it."""
        if len(self._plans) >= PLANS_REMEMBERED:
            return None  # a month of ever new kinds: the complete path takes them
        plan = self._plans[key] = plans.make_plan(entry, self._reader, self.period)
        return plan

    def _flush_day(self) -> None:
        entries, self._day_entries = self._day_entries, []
        entries.sort(key=itemgetter(0, 1))
        day, sales, purchases, counts = self._day_bytes, self._sales_lines, self._purchase_lines, self.counts
        for start in range(0, len(entries), LINES_BUFFERED):
            failed = self._failed
            for item in entries[start : start + LINES_BUFFERED]:
                plan = item[2]
                if plan is None:  # after a problem still read, to report every problem of the month
                    self._write_read(self._reader.read(item[3], item[4], self._day_text), item[3])
                    failed = self._failed
                elif not failed:
                    plan.write(item, day, sales, purchases, counts)
            self._write_lines()

    def _write_lines(self) -> None:
        for lines, out in ((self._sales_lines, self._sales_out), (self._purchase_lines, self._purchases_out)):
            if lines and not self._failed:
                out.write(b"".join(lines))
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
            lines.append((text + CRLF).encode(ENCODING))
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


def _planned(plan: plans.Plan, batch: plans.Batch, i: int, kind: str, number: str, base: str, vat: str) -> tuple | None:
    """Entry i of a checked batch as the plan writes it, (type, number, plan, *payload), or None
    when the plan cannot vouch for it. A big retailer's day is 30,000 of these: one flat tuple
    each, the type the plan's own string."""
    written = batch.number_bytes[i]
    if kind in NUMBERED and number.isdigit() and len(number) <= 10:  # as records.document_number pads it
        number, written = number.zfill(10), written.zfill(10)
    elif not 0 < len(number) <= 20 or (plan.numbered_sale and not number.isdigit()):
        return None
    if not plan.takes(base, vat):
        return None
    both = b""
    if plan.needs_sum:
        both = plans.sum_text(batch.base_cents[i] + batch.vat_cents[i]).encode()
        if len(both) > plans.WIDTH:
            return None
    return plan.kind, number, plan, written, batch.descriptions[i], batch.base_bytes[i], batch.vat_bytes[i], both


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
