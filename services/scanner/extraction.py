"""The fields of a Bulgarian invoice, read from the words of its pages.

Words are grouped into lines, and a line into segments where a wide gap separates columns.
Most fields are a label followed by a value on the same line ("Данъчна основа: 1 000,00 лв.");
the parties are blocks under or beside their label (Доставчик / Получател, Продавач / Купувач,
Изпълнител / Възложител) whose column ends where the next one begins.

Each field carries where it was found (page, box, the line's text) and a confidence: the OCR
confidence of its words (1.0 for a text layer) times how well it checks out: a check digit that
fits, amounts that add up, a date that exists. A value only inferred (the tax event date taken
from the issue date, an amount computed from the other two) gets a low confidence, so the
person reviewing it looks there first.
"""

import re
import statistics
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from services.scanner.bgids import iban_checksum_ok, is_valid_bg_vat, is_valid_eik
from services.scanner.reading import Document, Page, Word

EURO_FROM = date(2026, 1, 1)  # Bulgaria's books are in EUR from this day, in BGN before
VAT_RATES = (Decimal("20"), Decimal("9"), Decimal("0"))
CENT = Decimal("0.01")
REVIEW_BELOW = 0.8  # a field under this confidence needs a person's look

FIELDS = (
    "document_type", "number", "issue_date", "tax_event_date",
    "supplier_name", "supplier_eik", "supplier_vat_number",
    "recipient_name", "recipient_eik", "recipient_vat_number",
    "tax_base", "vat_rate", "vat_amount", "total", "currency", "iban",
)  # fmt: skip
REQUIRED = ("document_type", "number", "issue_date", "supplier_name", "recipient_name", "tax_base", "vat_amount", "total")


@dataclass
class Found:
    value: str
    confidence: float
    source: str  # text_layer | ocr | azure | derived | manual
    page: int = 0
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, y0, x1, y1 as page fractions
    text: str = ""  # the line it was read from


@dataclass
class Extraction:
    source: str  # text_layer | ocr | azure | none
    fields: dict[str, Found] = field(default_factory=dict)
    empty_reason: str = ""
    review_reasons: list[str] = field(default_factory=list)
    pages: int = 0

    def value(self, name: str) -> str:
        found = self.fields.get(name)
        return found.value if found else ""

    def confidence(self) -> float:
        """The document's confidence: its weakest required field (0 when one is missing)."""
        return round(min((self.fields[n].confidence if n in self.fields else 0.0) for n in REQUIRED), 3)


# --- lines and segments -------------------------------------------------------------------------


@dataclass
class Line:
    page: int
    words: list[Word]
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self):
        parts, pos = [], 0
        for i, word in enumerate(self.words):
            sep = "" if i == 0 else ("   " if _is_column_gap(self.words[i - 1], word) else " ")
            pos += len(sep)
            parts.append(sep + word.text)
            self.spans.append((pos, pos + len(word.text)))
            pos += len(word.text)
        self.text = "".join(parts)

    def words_in(self, start: int, end: int) -> list[Word]:
        return [w for w, (a, b) in zip(self.words, self.spans, strict=True) if a < end and b > start] or self.words

    @property
    def top(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.y1 - w.y0 for w in self.words)


def _is_column_gap(left: Word, right: Word) -> bool:
    height = max(left.y1 - left.y0, right.y1 - right.y0)
    return right.x0 - left.x1 > 1.8 * height


def lines_of(page: Page) -> list[Line]:
    words = sorted(page.words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0))
    groups: list[list[Word]] = []
    for word in words:
        center = (word.y0 + word.y1) / 2
        if groups:
            last = groups[-1]
            last_center = statistics.fmean((w.y0 + w.y1) / 2 for w in last)
            if abs(center - last_center) < 0.45 * statistics.median(w.y1 - w.y0 for w in last):
                last.append(word)
                continue
        groups.append([word])
    return [Line(page.number, sorted(g, key=lambda w: w.x0)) for g in groups]


def segments(line: Line) -> list[Line]:
    """The line cut at its column gaps."""
    parts, current = [], [line.words[0]]
    for prev, word in zip(line.words, line.words[1:], strict=False):
        if _is_column_gap(prev, word):
            parts.append(current)
            current = []
        current.append(word)
    parts.append(current)
    return [Line(line.page, p) for p in parts]


# --- values -------------------------------------------------------------------------------------

DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[./\-]\s?(\d{1,2})\s?[./\-]\s?(\d{4})(?!\d)")
AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:[ \u00a0.,]\d{3})*[.,]\d{2}(?![\d%])|(?<![\d,.])-?\d+[.,]\d{2}(?![\d%])")
RATE = re.compile(r"(?<![\d,.])(\d{1,2})(?:[.,]0+)?\s?%")
# Cyrillic letters that look like Latin ones, as OCR of "BG..." in Bulgarian mode reads them.
_TO_LATIN = str.maketrans("АВСЕНКМОРТХаесорх", "ABCEHKMOPTXaecopx")


def parse_amount(text: str) -> Decimal | None:
    text = text.replace("\u00a0", " ").strip()
    negative = text.startswith("-")
    digits = text.lstrip("-")
    decimal_sep = digits[-3]
    whole = re.sub(r"[ .,]", "", digits[:-3])
    try:
        value = Decimal(f"{whole}.{digits[-2:]}")
    except InvalidOperation:
        return None
    return -value if negative and decimal_sep in ",." else value


def parse_date(match: re.Match) -> date | None:
    day_, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day_)
    except ValueError:
        return None


def _found(line: Line, start: int, end: int, value: str, source: str, factor: float = 1.0) -> Found:
    words = line.words_in(start, end)
    box = (min(w.x0 for w in words), min(w.y0 for w in words), max(w.x1 for w in words), max(w.y1 for w in words))
    confidence = min(w.confidence for w in words) * factor
    return Found(value, round(confidence, 3), source, line.page, tuple(round(v, 4) for v in box), line.text)


# --- labels ---------------------------------------------------------------------------------------

DOC_TYPES = (
    ("credit_note", re.compile(r"КРЕДИТНО\s+ИЗВЕСТИЕ", re.I)),
    ("debit_note", re.compile(r"ДЕБИТНО\s+ИЗВЕСТИЕ", re.I)),
    ("invoice", re.compile(r"ФАКТУРА|INVOICE", re.I)),
)
NUMBER_SIGN = r"(?:№|N[°ºoо]\.?|Nе|Ne)"
REFERENCE = re.compile(r"към|основание|по\s+фактура|reference", re.I)
NUMBER_LABELS = (
    re.compile(rf"(?:ФАКТУРА|ИЗВЕСТИЕ)\s*{NUMBER_SIGN}?\s*[:\-]?\s*(\d{{1,10}})(?!\d)", re.I),
    re.compile(rf"^\W*{NUMBER_SIGN}\s*[:\-]?\s*(\d{{1,10}})(?!\d)", re.I),
    re.compile(r"Номер(?:\s+на\s+\w+)?\s*[:\-]?\s*(\d{1,10})(?!\d)", re.I),
)
ISSUE_DATE = re.compile(r"Дата\s+на\s+(?:издаване|документа|фактурата|изд\.)|Дата(?!\s+на\s+дан)(?!\s+на\s+плащ)(?!\s+на\s+пад)", re.I)
TAX_EVENT_DATE = re.compile(r"(?:Дата\s+на\s+)?дан(?:ъчно(?:то)?|\.)\s*събитие", re.I)
TAX_BASE = re.compile(r"Данъчна\s+основа|Стойност\s+без\s+ДДС|Основа\s+за\s+(?:начисляване\s+на\s+)?ДДС|Сума\s+без\s+ДДС|Нето", re.I)
VAT_AMOUNT = re.compile(
    r"Размер\s+на\s+ДДС|Начислен\s+ДДС|Сума\s+на\s+ДДС|Стойност\s+на\s+ДДС|(?<!без\s)(?<!за\s)(?<!Ставка\s)ДДС(?!\s*№)(?!\s+номер)", re.I
)
VAT_RATE_LABEL = re.compile(r"Ставка(?:\s+на)?\s+ДДС", re.I)
TOTAL = re.compile(
    r"Сума\s+за\s+плащане|Обща\s+стойност|Всичко\s+за\s+плащане|Общо\s+за\s+плащане|Обща\s+сума|Крайна\s+сума|Всичко|Общо", re.I
)
CURRENCIES = (("EUR", re.compile(r"\bEUR\b|€|евро", re.I)), ("BGN", re.compile(r"\bBGN\b|лв\.?|лева", re.I)))

SUPPLIER_LABEL = re.compile(r"^\W*(Доставчик|Продавач|Изпълнител|Доставчика)\b\s*:?", re.I)
RECIPIENT_LABEL = re.compile(r"^\W*(Получател|Купувач|Възложител|Клиент)\b\s*:?", re.I)
EIK = re.compile(r"(?:Е[ИЙ]К|Булстат|БУЛСТАТ|ЕИК\s*/\s*БУЛСТАТ|UIC|ID)\W{0,3}(?:по\s+БУЛСТАТ\W{0,3})?(\d[\d ]{7,15}\d)", re.I)
# "BG" as OCR sometimes reads it ("BC", "B6") once Cyrillic look-alikes are made Latin.
VAT_NUMBER = re.compile(r"\b(B\s?[GC6]\s?\d[\d ]{7,12}\d)")
NOT_A_NAME = re.compile(r"ЕИК|БУЛСТАТ|ДДС|ЗДДС|Адрес|^\s*гр\.|\bул\.|\bбул\.|IBAN|МОЛ|тел\.|e-mail|Идент", re.I)
IBAN = re.compile(r"\b([A-Z]{2}\s?[\dOIl]{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?)\b")


def extract(doc: Document) -> Extraction:
    result = Extraction(source=doc.source, pages=len(doc.pages))
    if doc.source == "none":
        result.empty_reason = (
            "the file has no text: the PDF pages are blank or the images hold nothing readable" if doc.pages else "the file has no pages"
        )
        result.review_reasons.append(result.empty_reason)
        return result
    lines = [line for page in doc.pages for line in lines_of(page)]
    src = doc.source
    fields = result.fields
    _document_type_and_number(lines, src, fields)
    _dates(lines, src, fields)
    _parties(doc, src, fields)
    _amounts(lines, src, fields)
    _currency(lines, src, fields)
    _iban(lines, src, fields)
    _review(result)
    return result


def _first(lines: list[Line], pattern: re.Pattern, skip=None):
    for line in lines:
        if skip is not None and skip.search(line.text):
            continue
        if match := pattern.search(line.text):
            return line, match
    return None, None


def _document_type_and_number(lines, src, fields) -> None:
    head = lines[: max(8, len(lines) // 3)]
    for kind, pattern in DOC_TYPES:
        line, match = _first(head, pattern, skip=REFERENCE)
        if line:
            fields["document_type"] = _found(line, *match.span(), kind, src)
            break
    for pattern in NUMBER_LABELS:
        line, match = _first(head, pattern, skip=REFERENCE)
        if line:
            fields["number"] = _found(line, *match.span(1), match.group(1), src)
            return


def _value_after(lines: list[Line], label: re.Pattern, value: re.Pattern, skip=None):
    """The first `value` after a `label` on the same line, else at the start of the next
    line in the same column."""
    for i, line in enumerate(lines):
        for lab in label.finditer(line.text):
            if skip is not None and skip.search(line.text[lab.start() : lab.end() + 1]):
                continue
            if match := value.search(line.text, lab.end()):
                return line, match
            below = lines[i + 1] if i + 1 < len(lines) else None
            if below is not None and below.page == line.page and (match := value.search(below.text)):
                return below, match
    return None, None


def _dates(lines, src, fields) -> None:
    for name, label in (("tax_event_date", TAX_EVENT_DATE), ("issue_date", ISSUE_DATE)):
        line, match = _value_after(lines, label, DATE)
        if line and (parsed := parse_date(match)):
            fields[name] = _found(line, *match.span(), parsed.isoformat(), src)
    if "issue_date" not in fields:
        line, match = _first(lines, DATE, skip=REFERENCE)
        if line and (parsed := parse_date(match)):
            fields["issue_date"] = _found(line, *match.span(), parsed.isoformat(), src, factor=0.6)
    if "tax_event_date" not in fields and "issue_date" in fields:
        # Usually the same day; a person confirms it.
        fields["tax_event_date"] = Found(fields["issue_date"].value, 0.5, "derived")


def _party_blocks(page: Page) -> dict[str, list[Line]]:
    """The lines of each party's block, cut to its column."""
    segs = [(row, seg) for row, line in enumerate(lines_of(page)) for seg in segments(line)]
    rows = lines_of(page)
    labels = [
        (role, row, seg)
        for row, seg in segs
        for role, pat in (("supplier", SUPPLIER_LABEL), ("recipient", RECIPIENT_LABEL))
        if pat.search(seg.text)
    ]
    blocks: dict[str, list[Line]] = {}
    for role, row, seg in labels:
        if role in blocks:
            continue
        left = seg.words[0].x0 - 0.01
        right = min((s.words[0].x0 - 0.01 for _, r, s in labels if r == row and s.words[0].x0 > seg.words[0].x0), default=1.01)
        block, last_top = [], rows[row].top
        for r in range(row, min(row + 8, len(rows))):
            if r > row:
                gap = rows[r].top - last_top
                if gap > 3.0 * rows[r].height or any(rr == r and s.words[0].x0 >= left and s.words[0].x0 < right for _, rr, s in labels):
                    break
            inside = [w for w in rows[r].words if left <= w.x0 < right]
            if inside:
                block.append(Line(page.number, inside))
                last_top = rows[r].top
        blocks[role] = block
    return blocks


def _parties(doc: Document, src, fields) -> None:
    for page in doc.pages:
        for role, block in _party_blocks(page).items():
            if f"{role}_name" in fields or not block:
                continue
            label = (SUPPLIER_LABEL if role == "supplier" else RECIPIENT_LABEL).search(block[0].text)
            first_start = label.end() if label else 0
            for i, line in enumerate(block):
                start = first_start if i == 0 else 0
                rest = line.text[start:].strip(" :\t")
                if len(re.findall(r"[A-Za-zА-Яа-я]", rest)) >= 3 and not NOT_A_NAME.search(rest):
                    offset = line.text.index(rest, start)
                    fields[f"{role}_name"] = _found(line, offset, offset + len(rest), rest, src)
                    break
            for line in block:
                if f"{role}_eik" not in fields and (m := EIK.search(line.text)):
                    eik = m.group(1).replace(" ", "")
                    fields[f"{role}_eik"] = _found(line, *m.span(1), eik, src, 1.0 if is_valid_eik(eik) else 0.5)
                latin = line.text.translate(_TO_LATIN)
                if f"{role}_vat_number" not in fields and (m := VAT_NUMBER.search(latin)):
                    vat = "BG" + re.sub(r"\s", "", m.group(1))[2:]
                    fields[f"{role}_vat_number"] = _found(line, *m.span(1), vat, src, 1.0 if is_valid_bg_vat(vat) else 0.5)
            vat, eik = fields.get(f"{role}_vat_number"), fields.get(f"{role}_eik")
            if vat and eik and vat.value[2:] != eik.value:
                for found in (vat, eik):  # one of them is misread: a person decides which
                    found.confidence = round(found.confidence * 0.6, 3)


def _amounts(lines, src, fields) -> None:
    for name, label, skip in (("tax_base", TAX_BASE, None), ("total", TOTAL, None), ("vat_amount", VAT_AMOUNT, TAX_BASE)):
        for line in lines:
            lab = label.search(line.text)
            if not lab or (skip and skip.search(line.text)) or (name == "vat_amount" and TOTAL.search(line.text)):
                continue
            if match := AMOUNT.search(line.text, lab.end()):
                value = parse_amount(match.group())
                if value is not None:
                    fields[name] = _found(line, *match.span(), str(value), src)
                    if name == "vat_amount" and (rate := RATE.search(line.text, lab.start())):
                        fields["vat_rate"] = _found(line, *rate.span(1), rate.group(1), src)
                    break
    if "vat_rate" not in fields:
        line, match = _value_after(lines, VAT_RATE_LABEL, RATE)
        if line:
            fields["vat_rate"] = _found(line, *match.span(1), match.group(1), src)
    _check_amounts(fields)


def _check_amounts(fields) -> None:
    """Base + VAT = total and base × rate = VAT: lowers the confidence of amounts that do not
    add up, and fills in one that is missing from the others."""
    get = {n: Decimal(fields[n].value) for n in ("tax_base", "vat_amount", "total", "vat_rate") if n in fields}
    base, vat, total, rate = (get.get(n) for n in ("tax_base", "vat_amount", "total", "vat_rate"))
    if base is None and vat is not None and total is not None:
        fields["tax_base"] = Found(str(total - vat), 0.5, "derived")
    elif vat is None and base is not None and total is not None:
        fields["vat_amount"] = Found(str(total - base), 0.5, "derived")
    elif total is None and base is not None and vat is not None:
        fields["total"] = Found(str(base + vat), 0.5, "derived")
    elif base is not None and vat is not None and total is not None and base + vat != total:
        for n in ("tax_base", "vat_amount", "total"):
            fields[n].confidence = round(fields[n].confidence * 0.5, 3)
    base, vat = (Decimal(fields[n].value) if n in fields else None for n in ("tax_base", "vat_amount"))
    if rate is None and base and vat is not None:
        guess = min(VAT_RATES, key=lambda r: abs(base * r / 100 - vat))
        if abs((base * guess / 100).quantize(CENT) - vat) <= CENT:
            fields["vat_rate"] = Found(str(guess), 0.7, "derived")
    elif rate is not None and base is not None and vat is not None and abs((base * rate / 100).quantize(CENT) - vat) > CENT:
        fields["vat_rate"].confidence = round(fields["vat_rate"].confidence * 0.5, 3)


def _currency(lines, src, fields) -> None:
    amount_lines = [ln for ln in lines if TOTAL.search(ln.text) or TAX_BASE.search(ln.text) or VAT_AMOUNT.search(ln.text)]
    for scope, factor in ((amount_lines, 1.0), (lines, 0.8)):
        hits = [(line, match, code) for line in scope for code, pattern in CURRENCIES if (match := pattern.search(line.text))]
        if hits:  # the currency most amounts are printed in
            code = max(("EUR", "BGN"), key=lambda c: sum(h[2] == c for h in hits))
            line, match, _ = next(h for h in hits if h[2] == code)
            fields["currency"] = _found(line, *match.span(), code, src, factor)
            return
    if "issue_date" in fields:  # nothing printed: the legal currency of the day
        fields["currency"] = Found("EUR" if date.fromisoformat(fields["issue_date"].value) >= EURO_FROM else "BGN", 0.5, "derived")


def _iban(lines, src, fields) -> None:
    for line in lines:
        latin = line.text.translate(_TO_LATIN)
        for match in IBAN.finditer(latin):
            iban = _digits_where_due(re.sub(r"\s", "", match.group(1)))
            if iban_checksum_ok(iban):
                fields["iban"] = _found(line, *match.span(1), iban, src)
                return


_AS_DIGIT = str.maketrans("OoIlSB", "001158")


def _digits_where_due(iban: str) -> str:
    """OCR reads 0 as O now and then; an IBAN's check digits (and a Bulgarian one's branch and
    account type) are digits, so letters there are read back as the digits they look like. The
    checksum then decides."""
    fixed = iban[:2] + iban[2:4].translate(_AS_DIGIT) + iban[4:]
    if fixed.startswith("BG") and len(fixed) == 22:
        fixed = fixed[:8] + fixed[8:14].translate(_AS_DIGIT) + fixed[14:]
    return fixed


def _review(result: Extraction) -> None:
    for name in REQUIRED:
        if name not in result.fields:
            result.review_reasons.append(f"{name} was not found")
        elif result.fields[name].confidence < REVIEW_BELOW:
            result.review_reasons.append(f"{name} is uncertain ({result.fields[name].confidence:.2f})")


# --- purchase or sale ---------------------------------------------------------------------------


def direction(extraction: Extraction, company_eik: str, company_vat: str) -> str:
    """PURCHASE when the company is the recipient, SALE when it is the supplier, else UNKNOWN."""
    ids = {v for v in (company_eik, company_vat, company_vat[2:] if company_vat.upper().startswith("BG") else "") if v}

    def is_company(role: str) -> bool:
        eik, vat = extraction.value(f"{role}_eik"), extraction.value(f"{role}_vat_number")
        return bool(ids & {eik, vat, vat[2:]} - {""})

    supplier, recipient = is_company("supplier"), is_company("recipient")
    if supplier and not recipient:
        return "SALE"
    if recipient and not supplier:
        return "PURCHASE"
    return "UNKNOWN"
