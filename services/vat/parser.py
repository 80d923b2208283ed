"""Reads НАП VAT files back by the layouts and reports what breaks them, then checks the files
against each other: DEKLAR.TXT against its ledgers (counts, sums, formulas) and VIES.TXT against
PRODAGBI.TXT. It is meant for files other programs wrote, so:

- every field is read on its own: a bad field is reported at that field and read as unknown
  (None), and the rest of its record is still read;
- every check uses only what could be read: a sum with an unknown term, a formula with an
  unknown cell, a comparison with an unknown side is skipped, so one bad field is one problem,
  never a cascade;
- each problem has a severity. ERROR: a rule of the format (width, type, encoding, sums that must
  agree). WARNING: unusual but seen in files the NRA accepted, or a rule we could not confirm
  (docs/nap-format.md, "What the checker accepts").
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from services.vat import layouts, operations
from services.vat.fixed import ENCODING, ZERO, money
from services.vat.layouts import Field, Layout

ERROR = "error"
WARNING = "warning"
MAX_PROBLEMS = 1000
_AMOUNT = re.compile(r"^ *-?(0|[1-9][0-9]*)\.[0-9]{2}$")
_INT = re.compile(r"^ *(0|[1-9][0-9]*)$")
_INT_LEFT = re.compile(r"^ *(0|[1-9][0-9]*) +$")  # digits not against the right edge: `0   `, `1    `
_PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
_VPERIOD = re.compile(r"^(0[1-9]|1[0-2])/[0-9]{4}$")
_COEF = re.compile(r"^[01]\.[0-9]{2}$")
_BG_VAT = re.compile(r"^BG[0-9]{9,10}$")
BLANK_INT_OK = {"02-02", "03-03"}  # branch: "0" or blank, both seen (docs/nap-format.md, ledgers)
LEDGERS = {"PRODAGBI.TXT": layouts.PRODAGBI, "POKUPKI.TXT": layouts.POKUPKI}
# The Odoo helper writes VDR-07 right-aligned in 5 characters ("    R"): a VDR of 377.
WIDE_CAPACITY = 5


@dataclass(frozen=True)
class FileProblem:
    file: str
    record: int  # 1-based record (line) number; 0 = the file as a whole
    field: str  # field code, or "" for the record / file
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.file + (f" record {self.record}" if self.record else "") + (f" field {self.field}" if self.field else "")
        return f"{where}: {self.message}" + (" (warning)" if self.severity == WARNING else "")


@dataclass
class ParsedFile:
    name: str
    records: list[dict] = field(default_factory=list)  # kept only when asked for
    count: int = 0
    vat_number: str | None = None
    period: str | None = None
    sums: dict[str, Decimal] = field(default_factory=dict)  # ledger columns, return types only
    unknown: set[str] = field(default_factory=set)  # columns whose sum lacks an unreadable value
    vies: dict[str, list[Decimal]] = field(default_factory=dict)  # customer -> goods, triangular, services
    vies_complete: bool = True  # every amount and customer behind `vies` could be read
    cells: dict[str, object] = field(default_factory=dict)  # DEKLAR values; VIES: summary values


@dataclass
class CheckReport:
    problems: list[FileProblem]
    files: dict[str, ParsedFile]
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.problems if p.severity == ERROR]


class _Problems(list):
    def __init__(self):
        super().__init__()
        self.more = 0

    def add(self, file: str, record: int, code: str, message: str, severity: str = ERROR) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(FileProblem(file, record, code, message, severity))
        else:
            self.more += 1

    def warn(self, file: str, record: int, code: str, message: str) -> None:
        self.add(file, record, code, message, WARNING)


class _Odd(Exception):
    """A value that could be read but is written unusually: a warning, the value still used."""

    def __init__(self, value, message: str):
        super().__init__(message)
        self.value = value


def _value(f: Field, raw: str, doc_types: frozenset | None):
    """The field's value. Raises ValueError when it breaks the layout, _Odd when it is read
    but written unusually."""
    kind = f.kind
    if kind == "text":
        if raw[:1] == " " and raw.strip():
            raise _Odd(raw.strip(), "text is not left-aligned")
        return raw.rstrip()
    if kind == "amount":
        if not _AMOUNT.match(raw) or raw.strip() == "-0.00":
            raise ValueError(f"{raw!r} is not an amount right-aligned with two decimals")
        return Decimal(raw.strip())
    if kind == "int":
        if not raw.strip() and f.code in BLANK_INT_OK:
            return 0
        if _INT.match(raw):
            return int(raw)
        if _INT_LEFT.match(raw):
            # TEMPO writes sequence numbers left-aligned, NAV's branch is `0   `: files the NRA took.
            raise _Odd(int(raw), f"{raw!r}: a number is written right-aligned")
        raise ValueError(f"{raw!r} is not a whole number")
    if kind == "const":
        if raw != f.const:
            raise ValueError(f"must be {f.const!r}, not {raw!r}")
        return raw
    if kind == "period":
        if not _PERIOD.match(raw):
            raise ValueError(f"{raw!r} is not a period YYYYMM")
        return raw
    if kind == "vperiod":
        if f.code == "VIR-07" and not raw.strip():
            return ""
        if not _VPERIOD.match(raw):
            raise ValueError(f"{raw!r} is not a period MM/YYYY")
        return raw
    if kind == "date":
        try:
            if len(raw) == 10:
                return datetime.strptime(raw, "%d/%m/%Y").date()  # noqa: DTZ007 - only the date is kept
        except ValueError:
            pass
        raise ValueError(f"{raw!r} is not a date dd/mm/yyyy")
    if kind == "coef":
        if not _COEF.match(raw) or Decimal(raw) > 1:
            raise ValueError(f"{raw!r} is not a coefficient 0.00-1.00")
        return Decimal(raw)
    if kind == "doctype":
        if doc_types is not None and raw not in doc_types:
            raise ValueError(f"{raw!r} is not a document type of this ledger")
        return raw
    if kind == "code":
        if raw != "  " and not raw.isdigit():
            raise ValueError(f"{raw!r} is not a two-digit code or blank")
        return raw.strip()
    if kind == "capacity":
        if raw not in ("A", "R"):
            raise ValueError(f"{raw!r} must be A (authorised person) or R (representative)")
        return raw
    if kind == "postcode":
        if raw.strip() and not re.match(r"^ *[0-9]{1,4}$", raw):
            raise ValueError(f"{raw!r} is not a postcode")
        return raw.strip()
    raise AssertionError(kind)


def _lines(name: str, data: bytes, problems: _Problems) -> list[str] | None:
    """The records of a file. A final CR LF may be there or not: the sources differ for every
    file (docs/nap-format.md), so neither is reported."""
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        problems.add(name, 0, "", f"byte {exc.start + 1} is not windows-1251")
        return None
    if not text:
        return []
    if text.endswith("\r\n"):
        text = text[:-2]
    lines = text.split("\r\n")
    for number, line in enumerate(lines, 1):
        if "\r" in line or "\n" in line:
            problems.add(name, number, "", "records must be separated by CR LF (found a lone CR or LF)")
    return lines


def _record(name: str, number: int, line: str, layout: Layout, problems: _Problems, doc_types=None) -> dict | None:
    """The record's values by field code, None for a field that could not be read (its problem
    reported). None for the whole record when its width is not the layout's: then no field
    can be trusted to be where the layout puts it."""
    if len(line) != layout.width:
        problems.add(name, number, "", f"{layout.name} record is {len(line)} characters, the layout has {layout.width}")
        return None
    values = {}
    for f, start, end in layout.slices():
        try:
            values[f.code] = _value(f, line[start:end], doc_types)
        except _Odd as odd:
            values[f.code] = odd.value
            problems.warn(name, number, f.code, str(odd))
        except ValueError as exc:
            values[f.code] = None
            problems.add(name, number, f.code, str(exc))
    return values


def _sum(values) -> Decimal:
    return sum(values, ZERO)


def parse_ledger(name: str, data: bytes, problems: _Problems, keep: bool = False) -> ParsedFile:
    layout = LEDGERS[name]
    sales = layout is layouts.PRODAGBI
    vat_code, period_code, seq_code, type_code, number_code, date_code, id_code = (
        ("02-00", "02-01", "02-03", "02-04", "02-05", "02-06", "02-07") if sales
        else ("03-02", "03-01", "03-04", "03-05", "03-06", "03-07", "03-08")
    )  # fmt: skip
    amount_codes = [f.code for f in layout.fields if f.kind == "amount"]
    doc_types = layouts.SALES_DOCUMENT_TYPES if sales else layouts.PURCHASE_DOCUMENT_TYPES
    not_summed = layouts.SALES_NOT_IN_RETURN if sales else layouts.PURCHASES_NOT_IN_RETURN
    parsed = ParsedFile(name, sums=dict.fromkeys(amount_codes, ZERO))
    lines = _lines(name, data, problems)
    if lines is None:
        parsed.unknown.update(amount_codes)
        parsed.vies_complete = False
        return parsed
    previous: tuple[date, str, str] | None = None
    for number, line in enumerate(lines, 1):
        parsed.count = number
        r = _record(name, number, line, layout, problems, doc_types)
        if r is None:
            parsed.unknown.update(amount_codes)
            parsed.vies_complete = False
            previous = None
            continue
        if keep:
            parsed.records.append(r)
        _check_owner(parsed, r, number, vat_code, period_code, problems)
        if r[seq_code] is not None and r[seq_code] != number:
            problems.add(name, number, seq_code, f"sequence number is {r[seq_code]}, expected {number} (1..N in file order)")
        previous = _check_order(name, number, r, (date_code, type_code, number_code), previous, problems)
        if r[number_code] == "":
            problems.add(name, number, number_code, "document number is blank")
        if r[id_code] == "" and r[type_code] is not None and r[type_code] not in layouts.SALES_REPORT_TYPES:
            problems.add(name, number, id_code, "counterparty id is blank")
        known = [r[c] for c in amount_codes if r[c] is not None]
        if len({a > 0 for a in known if a}) > 1:
            problems.warn(name, number, "", "the record mixes positive and negative amounts (unusual; split the document)")
        if sales:
            for total, parts in (("02-10", operations.SALES_BASE_TOTAL), ("02-20", operations.SALES_VAT_TOTAL)):
                if r[total] is not None and all(r[c] is not None for c in parts) and r[total] != _sum(r[c] for c in parts):
                    problems.add(name, number, total, f"{r[total]:.2f} is not the sum of {', '.join(parts)}")
            _add_vies(parsed, r, id_code)
        if r[type_code] is None:
            parsed.unknown.update(c for c in amount_codes if r[c] is None or r[c])  # summed or not: unknown
        elif r[type_code] not in not_summed:
            for c in amount_codes:
                if r[c] is None:
                    parsed.unknown.add(c)
                else:
                    parsed.sums[c] += r[c]
    return parsed


def _check_owner(parsed: ParsedFile, r: dict, number: int, vat_code: str, period_code: str, problems: _Problems) -> None:
    """The filer's VAT number and the period: the same on every record."""
    for code, attr in ((vat_code, "vat_number"), (period_code, "period")):
        value = r[code]
        if value is None:
            continue
        first = getattr(parsed, attr)
        if first is None:
            setattr(parsed, attr, value)
            if attr == "vat_number" and not _BG_VAT.match(value):
                problems.add(parsed.name, number, code, f"{value!r} is not a Bulgarian VAT number")
        elif value != first:
            problems.add(parsed.name, number, code, f"{value!r} differs from {first!r} of the earlier records")


def _check_order(name: str, number: int, r: dict, codes: tuple[str, str, str], previous, problems: _Problems):
    """Records by document date (an error when not: every source sorts so), then type and number
    within a day (a warning: the NRA has not confirmed it, other programs differ)."""
    key = tuple(r[c] for c in codes)
    if any(v is None for v in key):
        return None
    if previous is not None:
        if key[0] < previous[0]:
            problems.add(name, number, codes[0], "records must be sorted by document date")
        elif key[0] == previous[0] and key[1:] < previous[1:]:
            problems.warn(name, number, codes[1], "within a day, records are usually sorted by document type and number")
    return key


def _add_vies(parsed: ParsedFile, r: dict, id_code: str) -> None:
    amounts = [r[c] for c in operations.VIES_COLUMNS]
    if any(a is None for a in amounts) or r[id_code] is None:
        if any(amounts) or r[id_code] is None:
            parsed.vies_complete = False
        return
    if any(amounts):
        line = parsed.vies.setdefault(r[id_code], [ZERO, ZERO, ZERO])
        for i, a in enumerate(amounts):
            line[i] += a


def parse_deklar(data: bytes, problems: _Problems) -> ParsedFile:
    name = "DEKLAR.TXT"
    parsed = ParsedFile(name)
    lines = _lines(name, data, problems)
    if lines is None:
        return parsed
    if len(lines) != 1:
        problems.add(name, 0, "", f"DEKLAR.TXT holds exactly one record, not {len(lines)}")
        if not lines:
            return parsed
    parsed.count = len(lines)
    c = _record(name, 1, lines[0], layouts.DEKLAR, problems)
    if c is None:
        return parsed
    parsed.cells = c
    parsed.vat_number, parsed.period = c["00-01"], c["00-03"]

    def expect(code: str, formula: str, *terms: str, value=None) -> None:
        if c[code] is None or any(c[t] is None for t in terms):
            return
        want = value(c) if value else _sum(c[t] for t in terms)
        if c[code] != want:
            problems.add(name, 1, code, f"{c[code]:.2f}, but {formula} gives {want:.2f}")

    expect("01-01", "01-11 + 01-12 + 01-13 + 01-14 + 01-15 + 01-16", "01-11", "01-12", "01-13", "01-14", "01-15", "01-16")
    expect("01-20", "01-21 + 01-22 + 01-23 + 01-24", "01-21", "01-22", "01-23", "01-24")
    expect(
        "01-40",
        "01-41 + 01-42 x 01-33 + 01-43",
        "01-41",
        "01-42",
        "01-33",
        "01-43",
        value=lambda c: money(c["01-41"] + c["01-42"] * c["01-33"] + c["01-43"]),
    )
    expect("01-50", "max(01-20 - 01-40, 0)", "01-20", "01-40", value=lambda c: max(c["01-20"] - c["01-40"], ZERO))
    expect("01-60", "max(01-40 - 01-20, 0)", "01-20", "01-40", value=lambda c: max(c["01-40"] - c["01-20"], ZERO))
    for code, parts, limit in (("01-70", ("01-70", "01-71"), "01-50"), ("01-80", ("01-80", "01-81", "01-82"), "01-60")):
        if all(c[p] is not None for p in (*parts, limit)) and _sum(c[p] for p in parts) > c[limit]:
            problems.add(name, 1, code, f"{' + '.join(parts)} exceed {limit} ({c[limit]:.2f})")
    return parsed


def parse_vies(data: bytes, problems: _Problems, keep: bool = False) -> ParsedFile:
    """VHR, VDR, VTR, TTR, then one VIR per customer and period, then CHR and its call-off-stock
    lines. NAV, Odoo and TEMPO write no CHR when there is no call-off stock: a warning."""
    name = "VIES.TXT"
    parsed = ParsedFile(name)
    lines = _lines(name, data, problems) or []
    order = {"VHR": 0, "VDR": 1, "VTR": 2, "TTR": 3, "VIR": 4, "CHR": 5}
    goods, total, totals_complete = ZERO, ZERO, True
    seen: set[tuple[str, str]] = set()
    found: set[str] = set()
    last = -1  # the rank of the last record read
    chr_at = 0  # the CHR record's number, once read
    for number, line in enumerate(lines, 1):
        code = line[:3]
        if chr_at:
            continue  # call-off-stock lines: reported once at CHR-02
        rank = order.get(code)
        if rank is None or rank < last or (rank == last and code != "VIR"):
            what = "an unknown record" if rank is None else "out of order"
            problems.add(name, number, "", f"record {code!r} is {what} (the order is VHR, VDR, VTR, TTR, VIR..., CHR)")
            if rank is None or code == "VIR":
                totals_complete = parsed.vies_complete = False
            continue
        last = rank
        found.add(code)
        if code == "VDR" and len(line) == layouts.VDR.width - 1 + WIDE_CAPACITY and line[-WIDE_CAPACITY:].strip() in ("A", "R"):
            problems.warn(name, number, "VDR-07", "capacity written in 5 characters (the Odoo helper's way); the layout has 1")
            line = line[: layouts.VDR.width - 1] + line[-1]
        r = _record(name, number, line, layouts.VIES_RECORDS[code], problems)
        if r is None:
            if code == "VIR":
                totals_complete = parsed.vies_complete = False
            continue
        if keep:
            parsed.records.append(r)
        if code == "VHR":
            if r["VHR-02"] is not None:
                parsed.period = r["VHR-02"][3:] + r["VHR-02"][:2]
            parsed.cells["VHR-03"] = r["VHR-03"]
        elif code == "VTR":
            parsed.vat_number = r["VTR-02"]
        elif code == "TTR":
            parsed.cells.update(r)
        elif code == "VIR":
            parsed.count += 1
            line_total = _vir(parsed, number, r, seen, problems)
            if line_total is None:
                totals_complete = False
            else:
                goods += r["VIR-04"]
                total += line_total
        elif code == "CHR":
            chr_at = number
            if r["CHR-02"]:
                problems.warn(name, number, "CHR-02", "call-off-stock lines follow; this checker does not read them")
    missing = [code for code in ("VHR", "VDR", "VTR", "TTR") if code not in found]
    if missing:
        problems.add(name, 0, "", f"VIES.TXT has no {', '.join(missing)} record")
    if not chr_at:
        problems.warn(name, 0, "", "no CHR record (NAV, Odoo and TEMPO write none without call-off stock; the NRA's sample has `CHR    0`)")
    vhr_count = parsed.cells.get("VHR-03")
    if vhr_count is not None and vhr_count != parsed.count:
        problems.add(name, 1, "VHR-03", f"says {vhr_count} lines, the file has {parsed.count} VIR records")
    if totals_complete:
        for code, want, what in (("TTR-02", total, "the VIR amounts"), ("TTR-03", goods, "VIR-04")):
            written = parsed.cells.get(code)
            if written is not None and written != want:
                problems.add(name, 4, code, f"{written:.2f} is not the sum of {what} ({want:.2f})")
    return parsed


def _vir(parsed: ParsedFile, number: int, r: dict, seen: set, problems: _Problems) -> Decimal | None:
    """Checks one VIR line and adds it to the customers of the declared period; its total, or
    None when an amount could not be read."""
    name, customer = parsed.name, r["VIR-03"]
    if r["VIR-02"] is not None and r["VIR-02"] != parsed.count:
        problems.add(name, number, "VIR-02", f"line number is {r['VIR-02']}, expected {parsed.count}")
    if customer is not None and (customer[:2] not in layouts.EU_PREFIXES or customer.startswith("BG")):
        problems.add(name, number, "VIR-03", f"{customer!r} is not a VAT number of another EU member state")
    # VIR-07 names the period the tax became due; NAV fills it on every line with the declared
    # period, others leave it blank: both are this period's lines.
    period = r["VIR-07"]
    own = period is not None and (period == "" or parsed.period is None or period[3:] + period[:2] == parsed.period)
    if customer is not None and period is not None:
        key = (customer, period if not own else "")
        if key in seen:
            problems.add(name, number, "VIR-03", "a customer has one line per period")
        seen.add(key)
    amounts = [r["VIR-04"], r["VIR-05"], r["VIR-06"]]
    if any(a is None for a in amounts):
        parsed.vies_complete = False
        return None
    if own and customer is not None:
        parsed.vies[customer] = amounts
    elif customer is None or period is None:
        parsed.vies_complete = False
    return _sum(amounts)


# DEKLAR cell -> the ledger columns it sums (docs/nap-format.md, "The return's cells").
CELL_SOURCES = {
    "01-01": ("02-10",), "01-20": ("02-20",), "01-11": ("02-11",), "01-21": ("02-21",), "01-12": ("02-12", "02-26"),
    "01-22": ("02-22",), "01-23": ("02-23",), "01-13": ("02-13",), "01-24": ("02-24",), "01-14": ("02-14",),
    "01-15": ("02-15",), "01-16": ("02-16",), "01-17": ("02-17",), "01-18": ("02-18", "02-25"), "01-19": ("02-19",),
    "01-30": ("03-30", "03-44"), "01-31": ("03-31",), "01-41": ("03-41",), "01-32": ("03-32",), "01-42": ("03-42",),
    "01-43": ("03-43",),
}  # fmt: skip


def check_files(files: dict[str, bytes], keep_records: bool = False) -> CheckReport:
    """Parses every file and checks them against each other. File names as НАП names them."""
    problems = _Problems()
    parsed: dict[str, ParsedFile] = {}
    for name, data in files.items():
        upper = name.upper()
        if upper in LEDGERS:
            parsed[upper] = parse_ledger(upper, data, problems, keep_records)
        elif upper == "DEKLAR.TXT":
            parsed[upper] = parse_deklar(data, problems)
        elif upper == "VIES.TXT":
            parsed[upper] = parse_vies(data, problems, keep_records)
        else:
            problems.add(name, 0, "", "is not one of DEKLAR.TXT, POKUPKI.TXT, PRODAGBI.TXT, VIES.TXT")
    deklar, sales, purchases, vies = (parsed.get(n) for n in ("DEKLAR.TXT", "PRODAGBI.TXT", "POKUPKI.TXT", "VIES.TXT"))
    if deklar is not None and deklar.cells:
        _check_return_against_ledgers(deklar, sales, purchases, problems)
    if sales is not None and (vies is not None or any(any(line) for line in sales.vies.values())):
        _check_vies_against_sales(vies, sales, problems)
    return CheckReport(list(problems), parsed, problems.more)


def _check_return_against_ledgers(deklar: ParsedFile, sales: ParsedFile | None, purchases: ParsedFile | None, problems: _Problems) -> None:
    c = deklar.cells
    for ledger, count_code, vat_code, period_code in ((sales, "00-05", "02-00", "02-01"), (purchases, "00-06", "03-02", "03-01")):
        if ledger is None:
            continue
        if c[count_code] is not None and c[count_code] != ledger.count:
            problems.add("DEKLAR.TXT", 1, count_code, f"says {c[count_code]} documents, {ledger.name} has {ledger.count}")
        for code, mine, theirs in ((vat_code, ledger.vat_number, c["00-01"]), (period_code, ledger.period, c["00-03"])):
            if mine is not None and theirs is not None and mine != theirs:
                problems.add(ledger.name, 1, code, f"{mine!r} differs from DEKLAR.TXT ({theirs!r})")
    for cell, sources in CELL_SOURCES.items():
        ledger = sales if sources[0].startswith("02") else purchases
        if ledger is None or c[cell] is None or ledger.unknown.intersection(sources):
            continue
        total = _sum(ledger.sums[s] for s in sources)
        if c[cell] != total:
            problems.add("DEKLAR.TXT", 1, cell, f"{c[cell]:.2f}, but the sum of {' + '.join(sources)} in {ledger.name} is {total:.2f}")


def _check_vies_against_sales(vies: ParsedFile | None, sales: ParsedFile, problems: _Problems) -> None:
    """Per customer, the declared period's VIR amounts against PRODAGBI's. A customer whose net
    is 0.00 may be left out of VIES.TXT (NAV does; this service does)."""
    if vies is None:
        problems.add("VIES.TXT", 0, "", "is missing: PRODAGBI.TXT has intra-community supplies, triangular supplies or art. 21(2) services")
        return
    if sales.period and vies.period and vies.period != sales.period:
        problems.add("VIES.TXT", 1, "VHR-02", f"period differs from PRODAGBI.TXT ({sales.period})")
    if not (vies.vies_complete and sales.vies_complete):
        return
    for customer in sorted(set(vies.vies) | set(sales.vies)):
        in_vies = vies.vies.get(customer, [ZERO] * 3)
        in_sales = sales.vies.get(customer, [ZERO] * 3)
        for code, a, b in zip(("VIR-04", "VIR-05", "VIR-06"), in_vies, in_sales, strict=True):
            if a != b:
                problems.add("VIES.TXT", 0, code, f"{customer}: {a:.2f}, but PRODAGBI.TXT gives {b:.2f}")
