"""An invoice's lines (description, quantity, unit, unit price, amount, VAT rate where printed),
read from its table with or without a grid.

The table is found by its header: a line naming a description, an amount and a quantity or
price column (Описание / Наименование / Стока / Артикул / Description; К-во / Количество / Qty;
Цена / Ед. цена / Price; Стойност / Сума / Amount ...). Each row below it is cut into tokens
(cells, with a number at a cell's start or end split off), numbers go to the numeric columns
(in order when the counts match, else to the nearest header), text to the description or unit
column. The table ends at the totals; a header repeated on a later page continues it.
A row is sure when quantity × unit price gives its amount."""

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from services.scanner.layout import Line, cells
from services.scanner.vocabulary import AMOUNT, BASE, TO_CYRILLIC, TOTAL, cyrillic_where_due, parse_amount, quantity_readings

CENT = Decimal("0.01")

HEADER = re.compile(
    r"(?P<price>Ед\.?\s*цена|Unit\s+price|Цена(?:\s*/\s*Price)?|Price)"
    r"|(?P<qty>К-во(?:\s*/\s*Qty)?|Количество|Кол\.?|Qty|Quantity)"
    r"|(?P<vat>(?:ДДС|VAT)\s*%|%\s*ДДС|ДДС)"
    r"|(?P<unit>Мярка(?:\s*/\s*Unit)?|м-ка|Ед\.(?:\s*м\.)?|Unit)"
    r"|(?P<description>Описание(?:\s+на\s+стоката/услугата)?(?:\s*/\s*Description)?|Наименование|Стока/Услуга|Стока|Услуга|Артикул|Description)"
    r"|(?P<amount>Стойност|Сума(?:\s*/\s*Amount)?|Amount|Общо|ст-ст|Total)"
    r"|(?P<index>№|Код|No\.?|#)",
    re.I,
)
NUMERIC_COLUMNS = ("index", "qty", "price", "vat", "amount")
_NUMBER_WORD = re.compile(r"-?[\d.,]*\d[\d.,]*%?|%")
_THOUSANDS = re.compile(r"\d{3}(?:[.,]\d+)?%?")
_RULE = re.compile(r"^[|\[\]Il!_—-]+$")  # a grid line read by OCR
_END = re.compile(r"Страница|стр\.|Page\s+\d", re.I)


@dataclass
class LineItem:
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    vat_rate: str
    confidence: float
    page: int = 0


@dataclass(frozen=True)
class Column:
    kind: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Token:
    text: str
    x0: float
    x1: float
    numeric: bool
    confidence: float


# Units as invoices print them: an OCR'd unit is read as the nearest of these.
UNITS = ("бр.", "бр", "кг", "г", "т", "л", "м", "м2", "м3", "кв.м", "куб.м", "км", "ч.", "ч", "час", "дни", "ден", "месец", "мес.",
         "услуга", "нощ", "нощувка", "пакет", "торба", "кашон", "комплект", "к-т", "pcs", "h", "kg")  # fmt: skip


def header_columns(line: Line) -> list[Column] | None:
    """The table's columns when `line` is its header (read again with Cyrillic look-alikes
    when OCR put Latin letters into the Bulgarian words)."""
    found = _header(line, line.text)
    if found is None and (cyrillic := line.text.translate(TO_CYRILLIC)) != line.text:
        found = _header(line, cyrillic)
    return found


def _header(line: Line, text: str) -> list[Column] | None:
    columns = []
    for m in HEADER.finditer(text):
        words = line.words_in(*m.span())
        columns.append(Column(str(m.lastgroup), min(w.x0 for w in words), max(w.x1 for w in words)))
    kinds = {c.kind for c in columns}
    if "description" in kinds and "amount" in kinds and kinds & {"qty", "price"} and len(columns) >= 3:
        return sorted(columns, key=lambda c: c.x0)
    return None


def tokens(line: Line) -> list[Token]:
    """The row's cells, with numbers at a cell's start or end split off ('12 бр.' is 12 and бр.)."""
    out = []
    for cell in cells(line):
        words = [w for w in cell.words if not _RULE.match(w.text)]
        if not words:
            continue
        words = [_digits(w) for w in words]
        numeric = [bool(_NUMBER_WORD.fullmatch(w.text)) for w in words]
        start, end = 0, len(words)
        while start < end and numeric[start]:
            start += 1
        while end > start and numeric[end - 1]:
            end -= 1
        if start == end:  # all numbers
            out += _numbers(words)
            continue
        out += _numbers(words[:start])
        text_words = words[start:end]
        out.append(
            Token(" ".join(w.text for w in text_words), text_words[0].x0, text_words[-1].x1, False, min(w.confidence for w in text_words))
        )
        out += _numbers(words[end:])
    return out


_AS_DIGITS = str.maketrans("ЗзОоOlI", "3300011")


def _digits(word):
    """'З,7' is 3,7: a word of digits and separators with a letter OCR mistakes for a digit."""
    fixed = word.text.translate(_AS_DIGITS)
    if fixed != word.text and re.search(r"\d", fixed) and _NUMBER_WORD.fullmatch(fixed):
        return replace(word, text=fixed)
    return word


def _numbers(words) -> list[Token]:
    """Number words as numbers: '1 084,86' (a thousands group after a short number) is one."""
    groups: list[list] = []
    for w in words:
        if groups and _THOUSANDS.fullmatch(w.text) and re.fullmatch(r"-?\d{1,3}(?: \d{3})*", " ".join(x.text for x in groups[-1])):
            groups[-1].append(w)
        else:
            groups.append([w])
    return [Token(" ".join(x.text for x in g), g[0].x0, g[-1].x1, True, min(x.confidence for x in g)) for g in groups]


def _distance(token: Token, column: Column) -> float:
    gap = max(column.x0 - token.x1, token.x0 - column.x1, 0.0)
    return gap + 0.01 * abs((token.x0 + token.x1) / 2 - (column.x0 + column.x1) / 2)


def _assign(row: list[Token], columns: list[Column]) -> dict[str, list[Token]]:
    numbers = [t for t in row if t.numeric]
    numeric_cols = [c for c in columns if c.kind in NUMERIC_COLUMNS]
    text_cols = [c for c in columns if c.kind not in NUMERIC_COLUMNS] or [Column("description", 0, 0)]
    out: dict[str, list[Token]] = {}
    description = next((c for c in columns if c.kind == "description"), None)
    if description is not None and not any(c.kind == "index" for c in numeric_cols):
        # A row number or item code left of the description, under a header OCR did not read.
        leading = [t for t in numbers if t.x1 < description.x0]
        numbers = [t for t in numbers if t not in leading]
    if len(numbers) == len(numeric_cols):
        pairs = list(zip(numeric_cols, numbers, strict=True))
    else:
        pairs = [(min(numeric_cols, key=lambda c: _distance(t, c)), t) for t in numbers]
    for column, token in pairs:
        out.setdefault(column.kind, []).append(token)
    for token in (t for t in row if not t.numeric):
        column = min(text_cols, key=lambda c: _distance(token, c))
        if column.kind == "unit" and len(token.text) > 12:  # a unit is short: this is the description running on
            column = next((c for c in text_cols if c.kind == "description"), column)
        out.setdefault(column.kind, []).append(token)
    return out


def _item(row: list[Token], columns: list[Column], page: int) -> LineItem | None:
    parts = _assign(row, columns)
    amounts = parts.get("amount")
    amount_tok = amounts[-1] if amounts else None
    amount = parse_amount(amount_tok.text) if amount_tok and AMOUNT.fullmatch(amount_tok.text.replace("\u00a0", " ")) else None
    description = " ".join(t.text for t in sorted(parts.get("description", []), key=lambda t: t.x0))
    description = cyrillic_where_due(re.sub(r"^[^\wА-Яа-я]+", "", description).strip())
    if amount is None or not description:
        return None
    unit = _unit(" ".join(t.text for t in parts.get("unit", [])))
    prices = quantity_readings(parts["price"][0].text) if parts.get("price") else []
    quantities = quantity_readings(parts["qty"][0].text) if parts.get("qty") else []
    vat = re.sub(r"\s|%", "", parts["vat"][0].text) if parts.get("vat") else ""
    confidence = min(t.confidence for t in row)
    quantity = price = None
    for q in quantities:  # the reading under which quantity × price is the amount
        for p in prices:
            if abs((q * p).quantize(CENT, ROUND_HALF_UP) - amount) <= CENT:
                quantity, price = q, p
                break
        if quantity is not None:
            break
    if quantity is None:
        quantity = quantities[0] if quantities else None
        price = prices[0] if prices else None
        confidence *= 0.5
    return LineItem(
        description=description,
        quantity=_plain(quantity),
        unit=unit,
        unit_price=_plain(price),
        amount=str(amount),
        vat_rate=vat if re.fullmatch(r"\d{1,2}(?:[.,]\d+)?", vat) else "",
        confidence=round(confidence, 3),
        page=page,
    )


def _unit(text: str) -> str:
    """The unit as printed, or the known unit it is one OCR slip away from."""
    text = re.sub(r"^[^\wА-Яа-я]+", "", text).strip()
    if not text or text.lower() in UNITS:
        return text
    cyrillic = text.translate(TO_CYRILLIC).lower()
    if cyrillic in UNITS:
        return cyrillic
    near = [u for u in UNITS if _one_slip(cyrillic, u)]
    return near[0] if len(near) == 1 else text


def _one_slip(a: str, b: str) -> bool:
    """a and b differ in at most one letter (changed, added or dropped)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_SHORT_TOTAL = re.compile(r"\W*(?:Стойност|Сума|ДДС|VAT)\b[^\d]*(?:\d{1,2}\s?%)?\W*", re.I)


def _is_totals(line: Line) -> bool:
    """A totals line ends the table: a tax base, VAT or total label before the first amount."""
    if header_columns(line):
        return False
    amount = AMOUNT.search(line.text)
    head = line.text[: amount.start()] if amount else line.text
    return bool(BASE.search(head) or TOTAL.search(head) or (amount and _SHORT_TOTAL.fullmatch(head.strip())))


def read(pages: list[list[Line]]) -> tuple[list[LineItem], set[int]]:
    """The items of every page's table, and the ids of the lines they came from."""
    items: list[LineItem] = []
    used: set[int] = set()
    columns: list[Column] | None = None
    ended = False
    for lines in pages:
        in_table = columns is not None and not ended  # a table running on from the last page
        previous: Line | None = None
        for line in lines:
            found = header_columns(line)
            if found:
                columns, in_table, ended, previous = found, True, False, line
                used.add(id(line))
                continue
            if not in_table or columns is None:
                continue
            if _is_totals(line):
                in_table, ended = False, True
                continue
            if _END.search(line.text) and not AMOUNT.search(line.text):
                break
            if previous is not None and line.top - previous.bottom > 4 * line.height:
                in_table, ended = False, True
                continue
            row = tokens(line)
            item = _item(row, columns, line.page) if row else None
            if item is not None:
                items.append(item)
                used.add(id(line))
                previous = line
            elif (
                items
                and row
                and not any(t.numeric for t in row)
                and previous is not None
                and line.top - previous.bottom < 1.2 * line.height
            ):
                items[-1].description += " " + " ".join(t.text for t in row)  # a description wrapped onto a second line
                used.add(id(line))
                previous = line
    return items, used


def sum_of(items: list[LineItem]) -> Decimal:
    return sum((Decimal(i.amount) for i in items), Decimal("0"))
