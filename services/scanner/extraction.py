"""The fields of a Bulgarian invoice, read from the words of its pages, whatever its layout.

How it decides:
1. Words become lines and cells (layout.py); nothing depends on where on the page a field is.
2. Each field has a vocabulary of labels (vocabulary.py): a value is a candidate when it follows
   its label in the same cell, in the next cell of the line, or stands just under it.
3. The parties are blocks: the lines under (or beside) a supplier label (Доставчик, Продавач,
   Изпълнител, Издател, Supplier, Seller) or a recipient label (Получател, Купувач, Възложител,
   Клиент, Buyer, Customer), cut to the label's column; two labels on one line make two columns.
   In a block: the name (the first line that is no identifier, address or person), the ЕИК after
   its label (ЕИК, Булстат, ЕИК по БУЛСТАТ, UIC) or a lone 9/13-digit number with a valid check
   digit, and the VAT number (BG + digits).
4. Amounts: each line with an amount is classed by the words before it (tax base, VAT, total);
   the base + VAT = total triple that adds up wins over one that does not, and the sum of the
   line items (line_items.py) confirms the tax base or stands in for it.
5. The checks set the confidence: the words' OCR confidence (1.0 for a text layer) times how well
   the value checks out — a check digit that fits, amounts that add up, a rate that gives the VAT,
   the company's own ЕИК/VAT number on exactly one side. A value only inferred (a date without
   label, an amount computed from the others) gets a low confidence; OCR'd free text (names,
   numbers) never reaches 0.9, so a misread is flagged for review rather than trusted.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.scanner import line_items
from services.scanner.bgids import iban_checksum_ok, is_valid_bg_vat, is_valid_eik
from services.scanner.layout import Line, cells, cut, lines_of
from services.scanner.line_items import LineItem
from services.scanner.reading import Document
from services.scanner.vocabulary import (
    AMOUNT,
    BASE,
    BASE_WEAK,
    CURRENCIES,
    DOC_TYPES,
    EIK_DIGITS,
    EIK_LABEL,
    IBAN,
    ISSUE_DATE,
    LABEL_TAIL,
    NAME_KEY,
    NOT_A_NAME,
    NOT_AN_AMOUNT_LABEL,
    NUMBER,
    OTHER_DATE,
    RATE,
    RECIPIENT,
    REFERENCE,
    SUPPLIER,
    TAX_EVENT_DATE,
    TITLE_NUMBER,
    TO_CYRILLIC,
    TO_LATIN,
    TOTAL,
    VAT,
    VAT_NUMBER,
    dates_in,
    parse_amount,
)  # fmt: skip

__all__ = ["DOC_TYPES", "Extraction", "Found", "direction", "extract"]

EURO_FROM = date(2026, 1, 1)  # Bulgaria's books are in EUR from this day, in BGN before
VAT_RATES = (Decimal("20"), Decimal("9"), Decimal("0"))
CENT = Decimal("0.01")
REVIEW_BELOW = 0.8  # a field under this confidence needs a person's look
OCR_TEXT_CAP = 0.88  # free text read by OCR: below "sure", however clean it looked

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
    line_items: list[LineItem] = field(default_factory=list)

    def value(self, name: str) -> str:
        found = self.fields.get(name)
        return found.value if found else ""

    def confidence(self) -> float:
        """The document's confidence: its weakest required field (0 when one is missing)."""
        return round(min((self.fields[n].confidence if n in self.fields else 0.0) for n in REQUIRED), 3)


def _found(line: Line, start: int, end: int, value: str, source: str, factor: float = 1.0, free_text: bool = False) -> Found:
    words = line.words_in(start, end)
    box = (min(w.x0 for w in words), min(w.y0 for w in words), max(w.x1 for w in words), max(w.y1 for w in words))
    confidence = min(w.confidence for w in words) * factor
    if free_text and source == "ocr":
        confidence = min(confidence, OCR_TEXT_CAP)
    x0, y0, x1, y1 = (round(v, 4) for v in box)
    return Found(value, round(confidence, 3), source, line.page, (x0, y0, x1, y1), line.text)


def extract(doc: Document, company_eik: str = "", company_vat: str = "") -> Extraction:
    """The fields and line items of `doc`. The company's own ЕИК / VAT number (when known) tells
    its side from the other party's."""
    result = Extraction(source=doc.source, pages=len(doc.pages))
    if doc.source == "none":
        result.empty_reason = (
            "the file has no text: the PDF pages are blank or the images hold nothing readable" if doc.pages else "the file has no pages"
        )
        result.review_reasons.append(result.empty_reason)
        return result
    pages = [lines_of(page) for page in doc.pages]
    lines = [line for page in pages for line in page]
    src, fields = doc.source, result.fields
    _document_type(lines, src, fields)
    _number(pages[0] if pages else [], src, fields)
    _dates(lines, src, fields)
    _parties(pages, src, fields, company_eik, company_vat)
    items, item_lines = line_items.read(pages)
    result.line_items = items
    _amounts([ln for ln in lines if id(ln) not in item_lines], src, fields, items)
    _currency(lines, src, fields)
    _iban(lines, src, fields)
    _review(result)
    return result


# --- document type, number, dates -----------------------------------------------------------------


def _document_type(lines, src, fields) -> None:
    head = lines[: max(12, len(lines) // 3)]
    for kind, pattern in DOC_TYPES:
        for line in head:
            if not REFERENCE.search(line.text) and (m := pattern.search(line.text)):
                fields["document_type"] = _found(line, *m.span(), kind, src)
                return


def _label_before(text: str, start: int) -> str:
    """The words before `start` in the same cell, or the previous cell's when the value stands
    alone in its cell ("Дата на издаване      15/03/2025")."""
    cut_at = text.rfind("   ", 0, start)
    own = text[cut_at + 3 if cut_at >= 0 else 0 : start]
    if own.strip(" :/|") or cut_at < 0:
        return own
    previous = text.rfind("   ", 0, cut_at)
    return text[previous + 3 if previous >= 0 else 0 : start]


def _number(lines, src, fields) -> None:
    """The first number after a number sign or label on the first page (not one about another
    document, nor a VAT number or telephone)."""
    for pattern in (NUMBER, TITLE_NUMBER):
        for line in lines:
            for m in pattern.finditer(line.text):
                value = m.group(1).replace(" ", "")
                if len(value) > 10:
                    continue
                before = _label_before(line.text, m.start()) + line.text[m.start() : m.start(1)]
                if REFERENCE.search(before) or re.search(r"ДДС|ЗДДС|VAT|IBAN|тел", line.text[max(0, m.start() - 12) : m.start()], re.I):
                    continue
                factor = 1.0 if len(value) == 10 or pattern is NUMBER else 0.8
                fields["number"] = _found(line, *m.span(1), value, src, factor, free_text=True)
                return


def _dates(lines, src, fields) -> None:
    """Each date is classed by the label before it on its line (or on the line above):
    tax event, issue, or another date (due, reference) that is neither."""
    candidates: dict[str, list] = {"issue_date": [], "tax_event_date": [], "unlabelled": []}
    for i, line in enumerate(lines):
        previous_end = 0
        for start, end, value in dates_in(line.text):
            before = _label_before(line.text[:start], start)[-(start - previous_end) :] if start > previous_end else ""
            previous_end = end
            if REFERENCE.search(before):
                continue
            above = lines[i - 1] if i > 0 and lines[i - 1].page == line.page else None
            above_text = ""
            if above is not None and not dates_in(above.text):
                x = line.x_at(start)
                above_text = " ".join(w.text for w in above.words if abs(w.x0 - x) < 0.15)
            if OTHER_DATE.search(before):
                continue
            if TAX_EVENT_DATE.search(before) or (not before.strip(" :/") and TAX_EVENT_DATE.search(above_text)):
                candidates["tax_event_date"].append((line, start, end, value, 1.0))
            elif ISSUE_DATE.search(before) or (not before.strip(" :/") and ISSUE_DATE.search(above_text)):
                candidates["issue_date"].append((line, start, end, value, 1.0))
            elif NUMBER.search(before) or TITLE_NUMBER.search(before):  # "№ 123 / 12.03.2025": the invoice's date
                candidates["issue_date"].append((line, start, end, value, 0.9))
            else:
                candidates["unlabelled"].append((line, start, end, value, 0.6))
    for name in ("issue_date", "tax_event_date"):
        if candidates[name]:
            line, start, end, value, factor = candidates[name][0]
            fields[name] = _found(line, start, end, value.isoformat(), src, factor)
    if "issue_date" not in fields and candidates["unlabelled"]:
        line, start, end, value, factor = candidates["unlabelled"][0]
        fields["issue_date"] = _found(line, start, end, value.isoformat(), src, factor)
    if "tax_event_date" not in fields and "issue_date" in fields:
        # Usually the same day; a person confirms it.
        fields["tax_event_date"] = Found(fields["issue_date"].value, 0.5, "derived")
    if src == "ocr":
        for name in ("issue_date", "tax_event_date"):
            if name in fields and fields[name].source == "ocr":
                fields[name].confidence = min(fields[name].confidence, OCR_TEXT_CAP)


# --- parties ---------------------------------------------------------------------------------------


@dataclass
class Block:
    role: str
    lines: list[Line]  # cut to the block's column; the first has the label removed
    label_line: Line


def _blocks(lines: list[Line]) -> list[Block]:
    """Every party label's block: the lines under it (and the rest of its own line) within its
    column, up to the next party label, a wide gap or eight lines."""
    labels = []  # (row, cell, role)
    for row, line in enumerate(lines):
        for cell in cells(line):
            for role, pattern in (("supplier", SUPPLIER), ("recipient", RECIPIENT)):
                if pattern.search(cell.text):
                    labels.append((row, cell, role))
    blocks = []
    for row, cell, role in labels:
        left = cell.x0 - 0.01
        right = min((c.x0 - 0.005 for r, c, _ in labels if r == row and c.x0 > cell.x0), default=1.01)
        taken: list[Line] = []
        last = lines[row]
        first = cut(lines[row], cell.x0 - 0.001, right)
        label = (SUPPLIER if role == "supplier" else RECIPIENT).search(first.text) if first else None
        tail = LABEL_TAIL.match(first.text, label.end()) if first and label else None
        if first is None or tail is None:  # the label's own cell holds no text: nothing to read
            continue
        rest = tail.end()
        if rest < len(first.text) and (after_label := cut(first, first.x_at(rest), right)) is not None:
            taken.append(after_label)
        for r in range(row + 1, min(row + 9, len(lines))):
            line = lines[r]
            if line.page != lines[row].page or line.top - last.bottom > 2.6 * line.height:
                break
            if any(rr == r and left - 0.05 <= c.x0 < right for rr, c, _ in labels):
                break
            part = cut(line, left, right)
            if part is None:
                continue
            if line_items.header_columns(line):
                break
            taken.append(part)
            last = line
        blocks.append(Block(role, taken, lines[row]))
    return blocks


def _party(block: Block, src) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for line in block.lines:
        text = line.text
        key = NAME_KEY.match(text)
        rest_at = key.end() if key and key.end() else 0
        rest = text[rest_at:].strip(" :\t")
        if "name" not in out and len(re.findall(r"[A-Za-zА-Яа-я]", rest)) >= 3 and not NOT_A_NAME.search(rest):
            offset = text.index(rest, rest_at)
            out["name"] = _found(line, offset, offset + len(rest), _legal_form(rest[:1].upper() + rest[1:]), src, free_text=True)
        latin = text.translate(TO_LATIN)
        if "vat_number" not in out and (m := VAT_NUMBER.search(latin)):
            vat = "BG" + re.sub(r"\s", "", m.group(1))[2:]
            out["vat_number"] = _found(line, *m.span(1), vat, src, 1.0 if is_valid_bg_vat(vat) else 0.5)
        label = EIK_LABEL.search(text) if "eik" not in out else None
        if label and (m := re.search(r"(\d[\d ]{7,15}\d)", text[label.end() :])):
            eik = m.group(1).replace(" ", "")
            start = label.end() + m.start(1)
            out["eik"] = _found(line, start, start + len(m.group(1)), eik, src, 1.0 if is_valid_eik(eik) else 0.5)
    if "eik" not in out:  # an unlabelled ЕИК: a lone 9/13-digit number whose check digit fits
        for line in block.lines:
            for m in EIK_DIGITS.finditer(line.text):
                if is_valid_eik(m.group(1)) and not re.search(r"B\s?G\s?$", line.text[: m.start()].translate(TO_LATIN)):
                    out["eik"] = _found(line, *m.span(1), m.group(1), src, 0.8)
                    break
            if "eik" in out:
                break
    vat_found, eik = out.get("vat_number"), out.get("eik")
    if vat_found and eik and vat_found.value[2:] != eik.value:
        for found in (vat_found, eik):  # one of them is misread: a person decides which
            found.confidence = round(found.confidence * 0.6, 3)
    if "name" in out and not (eik and is_valid_eik(eik.value)) and not (vat_found and is_valid_bg_vat(vat_found.value)):
        out["name"].confidence = round(out["name"].confidence * 0.8, 3)  # a block without a valid id may not be a party
    return out


_LEGAL_FORMS = ("ЕООД", "ООД", "ЕАД", "АД", "ЕТ", "СД", "КД", "КДА", "АДСИЦ")


def _legal_form(name: str) -> str:
    """The company's legal form as registered (ЕООД, ООД, АД, ЕТ ...), also when OCR gave it
    in lower case or Latin look-alikes ("оод", "ET")."""
    head, _, last = name.rpartition(" ")
    canonical = last.translate(TO_CYRILLIC).upper()
    return f"{head} {canonical}" if head and canonical in _LEGAL_FORMS and last != canonical else name


def _parties(pages: list[list[Line]], src, fields, company_eik: str, company_vat: str) -> None:
    found: dict[str, dict[str, Found]] = {}
    for lines in pages:
        for block in _blocks(lines):
            if block.role in found:
                continue
            party = _party(block, src)
            if party:
                found[block.role] = party
    ours = {v for v in (company_eik, company_vat, company_vat[2:] if company_vat.upper().startswith("BG") else "") if v}

    def is_ours(party: dict[str, Found]) -> bool:
        return bool(ours & {f.value for k, f in party.items() if k != "name"})

    both_ours = all(r in found and is_ours(found[r]) for r in ("supplier", "recipient"))
    for role, party in found.items():
        for key, value in party.items():
            if both_ours and key != "name":  # the company cannot be on both sides: one block is misread
                value.confidence = round(value.confidence * 0.5, 3)
            fields[f"{role}_{key}"] = value


# --- amounts -------------------------------------------------------------------------------------


def _amount_candidates(lines: list[Line]) -> dict[str, list[tuple[Decimal, Line, tuple[int, int]]]]:
    """Lines with an amount, classed by the words before the amount."""
    out: dict[str, list] = {"tax_base": [], "vat_amount": [], "total": []}
    for line in lines:
        matches = list(AMOUNT.finditer(line.text))
        if not matches:
            continue
        head = line.text[: matches[0].start()]
        if NOT_AN_AMOUNT_LABEL.search(head) and not (BASE.search(head) or TOTAL.search(head)):
            continue
        if BASE.search(head):
            kind = "tax_base"
        elif TOTAL.search(head):
            kind = "total"
        elif VAT.search(head):
            kind = "vat_amount"
        elif BASE_WEAK.search(head) and len(head) < 40:
            kind = "tax_base"
        else:
            continue
        last = matches[-1]
        value = parse_amount(last.group())
        if value is not None:
            out[kind].append((value, line, last.span()))
    return out


def _amounts(lines: list[Line], src, fields, items: list[LineItem]) -> None:
    candidates = _amount_candidates(lines)
    # The last candidate of each kind (totals come at the end), unless another combination adds up.
    chosen = {k: (v[-1] if v else None) for k, v in candidates.items()}
    last_base, last_vat, last_total = chosen["tax_base"], chosen["vat_amount"], chosen["total"]
    if last_base and last_vat and last_total and last_base[0] + last_vat[0] != last_total[0]:
        for b in reversed(candidates["tax_base"]):
            for v in reversed(candidates["vat_amount"]):
                for t in reversed(candidates["total"]):
                    if b[0] + v[0] == t[0]:
                        chosen = {"tax_base": b, "vat_amount": v, "total": t}
                        break
    for name, pick in chosen.items():
        if pick is not None:
            value, line, span = pick
            fields[name] = _found(line, *span, str(value), src)
    items_sum = line_items.sum_of(items)
    if "tax_base" not in fields and items and "vat_amount" not in fields:
        fields["tax_base"] = Found(str(items_sum), 0.6, "derived")
    _rate(lines, src, fields)
    _check_amounts(fields)
    if items:
        base = fields.get("tax_base")
        if base is not None and Decimal(base.value).copy_abs() == items_sum.copy_abs():
            if base.source == "derived":
                base.confidence = 0.8
        else:
            for item in items:  # the lines do not add up to the base: some are misread or missing
                item.confidence = round(item.confidence * 0.5, 3)
            if base is not None:
                base.confidence = round(min(base.confidence, 0.85), 3)


def _rate(lines, src, fields) -> None:
    """The VAT rate printed on a VAT, base or rate line ("ДДС 20 %", "Ставка ДДС: 20 %")."""
    for line in lines:
        text = line.text
        if not (VAT.search(text) or BASE.search(text)) or (NOT_AN_AMOUNT_LABEL.search(text) and "Ставка" not in text):
            continue
        if (m := RATE.search(text)) and Decimal(m.group(1)) in VAT_RATES:
            fields["vat_rate"] = _found(line, *m.span(1), m.group(1), src)
            return


def _check_amounts(fields) -> None:
    """Base + VAT = total and base × rate = VAT: lowers the confidence of amounts that do not
    add up, and fills in one that is missing from the others."""
    get = {n: Decimal(fields[n].value) for n in ("tax_base", "vat_amount", "total", "vat_rate") if n in fields}
    base, vat, total, rate = (get.get(n) for n in ("tax_base", "vat_amount", "total", "vat_rate"))
    sources: tuple[str, ...] = ()  # the two amounts a missing third was worked out from
    if base is None and vat is not None and total is not None:
        fields["tax_base"], sources = Found(str(total - vat), 0.5, "derived"), ("vat_amount", "total")
    elif vat is None and base is not None and total is not None:
        fields["vat_amount"], sources = Found(str(total - base), 0.5, "derived"), ("tax_base", "total")
    elif total is None and base is not None and vat is not None:
        fields["total"], sources = Found(str(base + vat), 0.5, "derived"), ("tax_base", "vat_amount")
    elif base is not None and vat is not None and total is not None and base + vat != total:
        for n in ("tax_base", "vat_amount", "total"):
            fields[n].confidence = round(fields[n].confidence * 0.5, 3)
    base, vat = (Decimal(fields[n].value) if n in fields else None for n in ("tax_base", "vat_amount"))
    rate_fits = True
    if rate is None and base and vat is not None:
        guess = min(VAT_RATES, key=lambda r: abs(base * r / 100 - vat))
        rate_fits = abs((base * guess / 100).quantize(CENT) - vat) <= CENT
        if rate_fits:
            fields["vat_rate"] = Found(str(guess), 0.7, "derived")
    elif rate is not None and base is not None and vat is not None and abs((base * rate / 100).quantize(CENT) - vat) > CENT:
        rate_fits = False
        fields["vat_rate"].confidence = round(fields["vat_rate"].confidence * 0.5, 3)
    # A third amount worked out from the other two leaves only the rate to check them: a VAT
    # that is no rate of the base (a total that lost its leading digit group leaves a negative
    # base) means one of the two was misread.
    if sources and not rate_fits:
        for n in sources:
            fields[n].confidence = round(fields[n].confidence * 0.5, 3)


def _currency(lines, src, fields) -> None:
    amount_lines = [ln for ln in lines if TOTAL.search(ln.text) or BASE.search(ln.text) or (VAT.search(ln.text) and AMOUNT.search(ln.text))]
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
        latin = line.text.translate(TO_LATIN).translate(_IBAN_LOOK_ALIKES)
        for match in IBAN.finditer(latin):
            for iban in _readings(re.sub(r"\s", "", match.group(1))):
                if iban_checksum_ok(iban):
                    fields["iban"] = _found(line, *match.span(1), iban, src)
                    return


_IBAN_LOOK_ALIKES = str.maketrans("ЗБ", "36")
_AS_DIGIT = str.maketrans("OoIlSBZ", "0011582")
_AS_LETTER = str.maketrans("0152863", "OISZBGE")


def _readings(iban: str) -> list[str]:
    """OCR reads 0 as O, S as 5 now and then. Where an IBAN must have digits (its check digits,
    a Bulgarian one's branch and account type) letters are read back as the digits they look
    like, where it must have letters (a Bulgarian bank code) the other way; a Bulgarian IBAN
    whose "BG" came out as "BC" is tried as BG. One reading per form: the checksum decides."""
    fixed = iban[:2] + iban[2:4].translate(_AS_DIGIT) + iban[4:]
    readings = [fixed]
    if len(fixed) == 22 and fixed[:2] in ("BG", "BC", "B6", "8G"):
        bg = "BG" + fixed[2:4] + fixed[4:8].translate(_AS_LETTER) + fixed[8:14].translate(_AS_DIGIT) + fixed[14:]
        readings.append(bg)
    return readings


def _review(result: Extraction) -> None:
    for name in REQUIRED:
        if name not in result.fields:
            result.review_reasons.append(f"{name} was not found")
        elif result.fields[name].confidence < REVIEW_BELOW:
            result.review_reasons.append(f"{name} is uncertain ({result.fields[name].confidence:.2f})")
    items = result.line_items
    if items and "tax_base" in result.fields:
        total = line_items.sum_of(items)
        if total.copy_abs() != Decimal(result.fields["tax_base"].value).copy_abs():
            result.review_reasons.append(f"the line items add up to {total}, not to the tax base {result.fields['tax_base'].value}")


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
