"""Reads НАП VAT files back by the layouts and reports every field that breaks them, then
checks the files against each other: DEKLAR.TXT against its ledgers (counts, sums, formulas)
and VIES.TXT against PRODAGBI.TXT. Works on files from any program; the tests run it on every
file this service writes."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from services.vat import layouts, operations
from services.vat.fixed import ENCODING, ZERO, money
from services.vat.layouts import Field, Layout

MAX_PROBLEMS = 1000
_AMOUNT = re.compile(r"^ *-?(0|[1-9][0-9]*)\.[0-9]{2}$")
_INT = re.compile(r"^ *(0|[1-9][0-9]*)$")
_PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
_VPERIOD = re.compile(r"^(0[1-9]|1[0-2])/[0-9]{4}$")
_COEF = re.compile(r"^[01]\.[0-9]{2}$")
BLANK_INT_OK = {"02-02", "03-03"}  # branch: "0" or blank (nap/prodagbi.md §4.6)
LEDGERS = {"PRODAGBI.TXT": layouts.PRODAGBI, "POKUPKI.TXT": layouts.POKUPKI}


@dataclass(frozen=True)
class FileProblem:
    file: str
    record: int  # 1-based record (line) number; 0 = the file as a whole
    field: str  # field code, or "" for the record / file
    message: str

    def __str__(self) -> str:
        where = self.file + (f" record {self.record}" if self.record else "") + (f" field {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedFile:
    name: str
    records: list[dict] = field(default_factory=list)  # kept only when asked for
    count: int = 0
    vat_number: str | None = None
    period: str | None = None
    sums: dict[str, Decimal] = field(default_factory=dict)  # ledger columns, return types only
    vies: dict[str, list[Decimal]] = field(default_factory=dict)  # PRODAGBI: customer -> goods, triangular, services
    cells: dict[str, object] = field(default_factory=dict)  # DEKLAR values; VIES: summary values


@dataclass
class CheckReport:
    problems: list[FileProblem]
    files: dict[str, ParsedFile]
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Problems(list):
    def __init__(self):
        super().__init__()
        self.more = 0

    def add(self, *args) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(FileProblem(*args))
        else:
            self.more += 1


def _value(f: Field, raw: str, doc_types: frozenset | None):
    """The field's value, or raises ValueError saying what breaks the layout."""
    kind = f.kind
    if kind == "text":
        if raw[:1] == " " and raw.strip():
            raise ValueError("text must be left-aligned")
        return raw.rstrip()
    if kind == "amount":
        if not _AMOUNT.match(raw) or raw.strip() == "-0.00":
            raise ValueError(f"{raw!r} is not an amount right-aligned with two decimals")
        return Decimal(raw.strip())
    if kind == "int":
        if not raw.strip() and f.code in BLANK_INT_OK:
            return 0
        if not _INT.match(raw):
            raise ValueError(f"{raw!r} is not a right-aligned whole number")
        return int(raw)
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
                return datetime.strptime(raw, "%d/%m/%Y").date()
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


def _lines(name: str, data: bytes, final_crlf: str, problems: _Problems) -> list[str] | None:
    """The records of a file. final_crlf: "required" or "optional"."""
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        problems.add(name, 0, "", f"byte {exc.start + 1} is not windows-1251")
        return None
    if not text:
        return []
    if text.endswith("\r\n"):
        text = text[:-2]
    elif final_crlf == "required":
        problems.add(name, 0, "", "the last record must end with CR LF")
    lines = text.split("\r\n")
    for number, line in enumerate(lines, 1):
        if "\r" in line or "\n" in line:
            problems.add(name, number, "", "records must be separated by CR LF (found a lone CR or LF)")
    return lines


def _record(name: str, number: int, line: str, layout: Layout, problems: _Problems, doc_types=None) -> dict | None:
    if len(line) != layout.width:
        problems.add(name, number, "", f"{layout.name} record is {len(line)} characters, the layout has {layout.width}")
        return None
    values, ok = {}, True
    for f, start, end in layout.slices():
        try:
            values[f.code] = _value(f, line[start:end], doc_types)
        except ValueError as exc:
            problems.add(name, number, f.code, str(exc))
            ok = False
    return values if ok else None


def parse_ledger(name: str, data: bytes, problems: _Problems, keep: bool = False) -> ParsedFile:
    layout = LEDGERS[name]
    sales = layout is layouts.PRODAGBI
    vat_code, period_code, seq_code, type_code, number_code, date_code, id_code = (
        ("02-00", "02-01", "02-03", "02-04", "02-05", "02-06", "02-07") if sales
        else ("03-02", "03-01", "03-04", "03-05", "03-06", "03-07", "03-08")
    )  # fmt: skip
    amount_codes = [f.code for f in layout.fields if f.kind == "amount"]
    doc_types = layouts.SALES_DOCUMENT_TYPES if sales else layouts.PURCHASE_DOCUMENT_TYPES
    parsed = ParsedFile(name, sums=dict.fromkeys(amount_codes, ZERO))
    lines = _lines(name, data, "required", problems)
    previous = None
    for number, line in enumerate(lines or [], 1):
        parsed.count = number
        r = _record(name, number, line, layout, problems, doc_types)
        if r is None:
            continue
        if keep:
            parsed.records.append(r)
        if parsed.vat_number is None:
            parsed.vat_number, parsed.period = r[vat_code], r[period_code]
            if not re.match(r"^BG[0-9]{9,10}$", r[vat_code]):
                problems.add(name, number, vat_code, f"{r[vat_code]!r} is not a Bulgarian VAT number")
        elif (r[vat_code], r[period_code]) != (parsed.vat_number, parsed.period):
            problems.add(name, number, vat_code, "VAT number and period must be the same on every record")
        if r[seq_code] != number:
            problems.add(name, number, seq_code, f"sequence number is {r[seq_code]}, expected {number} (1..N in file order)")
        key = (r[date_code], r[type_code], r[number_code])
        if previous is not None and key < previous:
            problems.add(name, number, date_code, "records must be sorted by document date, type and number")
        previous = key
        if not r[number_code]:
            problems.add(name, number, number_code, "document number is blank")
        if not r[id_code] and r[type_code] not in layouts.SALES_REPORT_TYPES:
            problems.add(name, number, id_code, "counterparty id is blank")
        amounts = [r[c] for c in amount_codes]
        if len({a > 0 for a in amounts if a}) > 1:
            problems.add(name, number, "", "the record mixes positive and negative amounts")
        if sales:
            for total, parts in (("02-10", operations.SALES_BASE_TOTAL), ("02-20", operations.SALES_VAT_TOTAL)):
                if r[total] != sum((r[c] for c in parts), ZERO):
                    problems.add(name, number, total, f"{r[total]:.2f} is not the sum of {', '.join(parts)}")
            vies = [r[c] for c in operations.VIES_COLUMNS]
            if any(vies):
                line_sums = parsed.vies.setdefault(r[id_code], [ZERO, ZERO, ZERO])
                for i, a in enumerate(vies):
                    line_sums[i] += a
        if r[type_code] not in layouts.NOT_IN_RETURN_TYPES:
            for c in amount_codes:
                parsed.sums[c] += r[c]
    return parsed


def parse_deklar(data: bytes, problems: _Problems) -> ParsedFile:
    name = "DEKLAR.TXT"
    parsed = ParsedFile(name)
    lines = _lines(name, data, "required", problems)
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

    def expect(code: str, value: Decimal, formula: str) -> None:
        if c[code] != value:
            problems.add(name, 1, code, f"{c[code]:.2f}, but {formula} gives {value:.2f}")

    expect("01-01", c["01-11"] + c["01-12"] + c["01-13"] + c["01-14"] + c["01-15"] + c["01-16"], "01-11 + 01-12 + 01-13 + 01-14 + 01-15 + 01-16")
    expect("01-20", c["01-21"] + c["01-22"] + c["01-23"] + c["01-24"], "01-21 + 01-22 + 01-23 + 01-24")
    credit = money(c["01-41"] + c["01-42"] * c["01-33"] + c["01-43"])
    expect("01-40", credit, "01-41 + 01-42 x 01-33 + 01-43")
    expect("01-50", max(c["01-20"] - c["01-40"], ZERO), "max(01-20 - 01-40, 0)")
    expect("01-60", max(c["01-40"] - c["01-20"], ZERO), "max(01-40 - 01-20, 0)")
    if c["01-70"] + c["01-71"] > c["01-50"]:
        problems.add(name, 1, "01-70", "01-70 + 01-71 exceed the VAT payable 01-50")
    if c["01-80"] + c["01-81"] + c["01-82"] > c["01-60"]:
        problems.add(name, 1, "01-80", "01-80 + 01-81 + 01-82 exceed the VAT refundable 01-60")
    return parsed


def parse_vies(data: bytes, problems: _Problems, keep: bool = False) -> ParsedFile:
    name = "VIES.TXT"
    parsed = ParsedFile(name)
    lines = _lines(name, data, "optional", problems) or []
    expected = ["VHR", "VDR", "VTR", "TTR"]
    goods = total = ZERO
    customers: dict[str, list[Decimal]] = {}
    for number, line in enumerate(lines, 1):
        code = line[:3]
        want = expected[number - 1] if number <= len(expected) else ("CHR" if number == len(lines) else "VIR")
        if code != want:
            problems.add(name, number, "", f"record {code!r} where {want} belongs (order VHR, VDR, VTR, TTR, VIR..., CHR)")
            continue
        r = _record(name, number, line, layouts.VIES_RECORDS[code], problems)
        if r is None:
            continue
        if keep:
            parsed.records.append(r)
        if code == "VHR":
            parsed.period = r["VHR-02"][3:] + r["VHR-02"][:2]
            parsed.cells["VHR-03"] = r["VHR-03"]
        elif code == "VTR":
            parsed.vat_number = r["VTR-02"]
        elif code == "TTR":
            parsed.cells.update(r)
        elif code == "VIR":
            parsed.count += 1
            if r["VIR-02"] != parsed.count:
                problems.add(name, number, "VIR-02", f"line number is {r['VIR-02']}, expected {parsed.count}")
            if r["VIR-03"][:2] not in layouts.EU_PREFIXES or r["VIR-03"].startswith("BG"):
                problems.add(name, number, "VIR-03", f"{r['VIR-03']!r} is not a VAT number of another EU member state")
            if r["VIR-03"] in customers:
                problems.add(name, number, "VIR-03", "a customer has one line per period")
            customers[r["VIR-03"]] = [r["VIR-04"], r["VIR-05"], r["VIR-06"]]
            goods += r["VIR-04"]
            total += r["VIR-04"] + r["VIR-05"] + r["VIR-06"]
        elif code == "CHR" and r["CHR-02"] != 0:
            problems.add(name, number, "CHR-02", "call-off-stock lines are not supported by this checker")
    if len(lines) < 5:
        problems.add(name, 0, "", "VIES.TXT needs the records VHR, VDR, VTR, TTR and CHR")
    if "VHR-03" in parsed.cells and parsed.cells["VHR-03"] != parsed.count:
        problems.add(name, 1, "VHR-03", f"says {parsed.cells['VHR-03']} lines, the file has {parsed.count} VIR records")
    if "TTR-02" in parsed.cells:
        if parsed.cells["TTR-02"] != total:
            problems.add(name, 4, "TTR-02", f"{parsed.cells['TTR-02']:.2f} is not the sum of the VIR amounts ({total:.2f})")
        if parsed.cells["TTR-03"] != goods:
            problems.add(name, 4, "TTR-03", f"{parsed.cells['TTR-03']:.2f} is not the sum of VIR-04 ({goods:.2f})")
    parsed.vies = customers
    return parsed


# DEKLAR cell -> the ledger columns it sums.
CELL_SOURCES = {
    "01-01": ("02-10",), "01-20": ("02-20",), "01-11": ("02-11",), "01-21": ("02-21",), "01-12": ("02-12", "02-26"),
    "01-22": ("02-22",), "01-23": ("02-23",), "01-13": ("02-13",), "01-24": ("02-24",), "01-14": ("02-14",),
    "01-15": ("02-15",), "01-16": ("02-16",), "01-17": ("02-17",), "01-18": ("02-18", "02-25"), "01-19": ("02-19",),
    "01-30": ("03-30",), "01-31": ("03-31",), "01-41": ("03-41",), "01-32": ("03-32",), "01-42": ("03-42",), "01-43": ("03-43",),
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
    if sales is not None and (vies is not None or sales.vies):
        _check_vies_against_sales(vies, sales, problems)
    return CheckReport(list(problems), parsed, problems.more)


def _check_return_against_ledgers(deklar: ParsedFile, sales, purchases, problems: _Problems) -> None:
    c = deklar.cells
    for ledger, count_code in ((sales, "00-05"), (purchases, "00-06")):
        if ledger is None:
            continue
        if c[count_code] != ledger.count:
            problems.add("DEKLAR.TXT", 1, count_code, f"says {c[count_code]} documents, {ledger.name} has {ledger.count}")
        if ledger.count and (ledger.vat_number, ledger.period) != (c["00-01"], c["00-03"]):
            problems.add(ledger.name, 1, "", f"VAT number and period differ from DEKLAR.TXT ({c['00-01']}, {c['00-03']})")
    for cell, sources in CELL_SOURCES.items():
        ledger = sales if sources[0].startswith("02") else purchases
        if ledger is None:
            continue
        total = sum((ledger.sums[s] for s in sources), ZERO)
        if c[cell] != total:
            problems.add("DEKLAR.TXT", 1, cell, f"{c[cell]:.2f}, but the sum of {' + '.join(sources)} in {ledger.name} is {total:.2f}")


def _check_vies_against_sales(vies: ParsedFile | None, sales: ParsedFile, problems: _Problems) -> None:
    if vies is None:
        problems.add("VIES.TXT", 0, "", "is missing: PRODAGBI.TXT has intra-community supplies, triangular supplies or art. 21(2) services")
        return
    if sales.count and vies.period and vies.period != sales.period:
        problems.add("VIES.TXT", 1, "VHR-02", f"period differs from PRODAGBI.TXT ({sales.period})")
    for customer in sorted(set(vies.vies) | set(sales.vies)):
        in_vies = vies.vies.get(customer, [ZERO] * 3)
        in_sales = sales.vies.get(customer, [ZERO] * 3)
        for code, a, b in zip(("VIR-04", "VIR-05", "VIR-06"), in_vies, in_sales, strict=True):
            if a != b:
                problems.add("VIES.TXT", 0, code, f"{customer}: {a:.2f}, but PRODAGBI.TXT gives {b:.2f}")
