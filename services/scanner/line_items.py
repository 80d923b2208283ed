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
import statistics
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from services.scanner.layout import Line, cells, lines_of, skew
from services.scanner.reading import Band, Page, Tables, Word
from services.scanner.vocabulary import AMOUNT, BASE, TO_CYRILLIC, TOTAL, cyrillic_where_due, parse_amount, quantity_readings

CENT = Decimal("0.01")

HEADER = re.compile(
    r"(?P<price>Ед\.?\s*цена|Unit\s+price|Цена(?:\s*/\s*Price)?|Price)"
    r"|(?P<qty>К-?во(?:\s*/\s*Qty)?|Количество|Кол\.?|Qty|Quantity)"
    r"|(?P<vat>(?:ДДС|VAT)\s*%|%\s*ДДС|ДДС)"
    r"|(?P<unit>Мярка(?:\s*/\s*Unit)?|м-ка|Ед\.(?:\s*м\.)?|Unit)"
    r"|(?P<description>Описание(?:\s+на\s+стоката/услугата)?(?:\s*/\s*Description)?|Наименование|Стока/Услуга|Стока|Услуга|Артикул|Description)"
    r"|(?P<amount>Стойност|Сума(?:\s*/\s*Amount)?|Amount|Общо|ст-ст|Total)"
    r"|(?P<index>№|Код|No\.?|(?<!\w)Ne(?!\w)|#)",  # Ne: № as OCR reads it
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


# Units that are abbreviations, written with a period.
ABBREVIATED = {"бр": "бр.", "ч": "ч.", "мес": "мес."}


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
        words = [w for w in cell.words if not _RULE.match(w.text) and not _noise(w)]
        while words and words[-1].confidence < _UNSURE and not _NUMBER_WORD.fullmatch(words[-1].text):
            words.pop()  # what OCR made of a table rule or a speck, trailing a cell
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


_AS_DIGITS = str.maketrans({"З": "3", "з": "3", "О": "0", "о": "0", "O": "0", "l": "1", "I": "1", ":": ""})
# Below this OCR confidence a word of letters at the end of a cell is taken for a grid line's
# or a speck's reading, not text.
_UNSURE = 0.35
_LATIN_ONLY = re.compile(r"[^\dА-Яа-я]+")


def _noise(word) -> bool:
    """A doubtful word with no digit and no Cyrillic letter: in a Bulgarian invoice's table, OCR's
    reading of a rule or a smudge ('eee', 'See'), unless it is a unit."""
    return word.confidence < 0.4 and bool(_LATIN_ONLY.fullmatch(word.text)) and word.text.lower() not in UNITS


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
    described = sorted(parts.get("description", []), key=lambda t: t.x0)
    if not parts.get("unit") and len(described) > 1 and _is_unit(described[-1].text):
        parts["unit"] = [described.pop()]  # a cell of its own holding a unit: a unit column whose header OCR lost
    description = " ".join(t.text for t in described)
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
    if quantity is None and amount_tok is not None and (pair := _pair(row, columns, amount_tok)) is not None:
        quantity, price = pair  # a quantity or price column whose header OCR did not read
    if quantity is None:
        repaired = _repair(parts, quantities, prices, amount)
        if repaired is not None:
            quantity, price, amount, sure = repaired
            confidence = min(confidence, sure)
        else:
            quantity = quantities[0] if quantities else None
            price = prices[0] if prices else None
            confidence *= 0.5
    if confidence < 1:  # OCR: a short abbreviation's period is often lost ('ч' for 'ч.')
        unit = ABBREVIATED.get(unit, unit)
    if confidence < 1 and (not unit or _misread(description)):
        # OCR may have lost a unit column (a text layer does not), or read a Cyrillic word in
        # Latin letters with a digit for a letter ('Ka6en' for 'Кабел'): not for sure.
        confidence = min(confidence, 0.85)
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


def _pair(row: list[Token], columns: list[Column], amount_tok: Token) -> tuple[Decimal, Decimal] | None:
    """The quantity and price among the row's numbers left of the amount whose product is the
    amount, the one nearer the price column (or farther from the quantity column) the price."""
    amount = parse_amount(amount_tok.text)
    description = next((c for c in columns if c.kind == "description"), None)
    numbers = [t for t in row if t.numeric and t.x1 <= amount_tok.x0 and (description is None or t.x0 > description.x0)]
    price_col = next((c for c in columns if c.kind == "price"), None)
    qty_col = next((c for c in columns if c.kind == "qty"), None)
    if amount is None or (price_col is None and qty_col is None):
        return None
    found = [
        (a, b, q, p)
        for a in numbers
        for b in numbers
        if a is not b
        for q in quantity_readings(a.text)
        for p in quantity_readings(b.text)
        if abs((q * p).quantize(CENT, ROUND_HALF_UP) - amount) <= CENT
    ]
    if price_col is not None:
        found.sort(key=lambda f: _distance(f[1], price_col) - _distance(f[0], price_col))
    elif qty_col is not None:
        found.sort(key=lambda f: _distance(f[0], qty_col) - _distance(f[1], qty_col))
    return (found[0][2], found[0][3]) if found else None


def _digits_of(value) -> str:
    return re.sub(r"\D", "", _plain(value) if isinstance(value, Decimal) else value)


def _repair(parts, quantities, prices, amount) -> tuple[Decimal, Decimal, Decimal, float] | None:
    """Quantity, unit price and amount when the row's arithmetic does not hold as read, and one
    of the three follows from the other two: a quantity or price whose decimal mark or digits
    OCR lost or garbled is amount ÷ the other, when that is a number with few decimals; an
    amount that lost a digit group is quantity × price, when its digits are part of it. With
    the confidence such a repair deserves: as read when only the decimal mark is new (the
    digits were read), else below what review trusts."""
    qty_text = parts["qty"][0].text if parts.get("qty") else ""
    price_text = parts["price"][0].text if parts.get("price") else ""
    for p in prices:
        q = _quotient(amount, p, 3)
        if q is not None and q > 0:
            return q, p, amount, 1.0 if _digits_of(q) == _digits_of(qty_text).lstrip("0") else 0.8
    for q in quantities:
        p = _quotient(amount, q, 2)
        if p is not None and p > 0:
            return q, p, amount, 1.0 if _digits_of(p) == _digits_of(price_text).lstrip("0") else 0.8
    for q in quantities:
        for p in prices:
            product = (q * p).quantize(CENT, ROUND_HALF_UP)
            if str(amount.copy_abs()).replace(".", "") in str(product).replace(".", "") and product != amount:
                return q, p, product, 0.8
    return None


def _quotient(amount: Decimal, by: Decimal, places: int) -> Decimal | None:
    """amount ÷ by with the fewest decimals (up to `places`) whose product with `by` rounds to
    the amount, or None."""
    if by == 0:
        return None
    for decimals in range(places + 1):
        step = Decimal(1).scaleb(-decimals)
        value = (amount / by).quantize(step, ROUND_HALF_UP)
        if value and (value * by).quantize(CENT, ROUND_HALF_UP) == amount:
            return value
    return None


def _is_unit(text: str) -> bool:
    return text.lower() in UNITS or text.translate(TO_CYRILLIC).lower() in UNITS


def _unit(text: str) -> str:
    """The unit as printed, or the known unit it is one OCR slip away from."""
    text = re.sub(r"^[^\wА-Яа-я]+", "", text).strip()
    if not text or text.lower() in UNITS:
        return text
    first = text.split(" ")[0]
    if first != text and (first.lower() in UNITS or first.translate(TO_CYRILLIC).lower() in UNITS):
        return _unit(first)  # a unit and a speck or a stray mark OCR read after it ('бр. 5}')
    cyrillic = text.translate(TO_CYRILLIC).replace("З", "3").lower()  # 'мЗ' is м3
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
    items, used, _ = _read(pages)
    return items, used


def _read(pages: list[list[Line]]) -> tuple[list[LineItem], set[int], list[list[Line]]]:
    """read(), and for each item the lines it was read from (a wrapped description's too)."""
    items: list[LineItem] = []
    sources: list[list[Line]] = []
    used: set[int] = set()
    columns: list[Column] | None = None
    ended = False
    for page_lines in pages:
        in_table = columns is not None and not ended  # a table running on from the last page
        previous: Line | None = None
        lines, parts_of = _rejoined(page_lines)
        for line in lines:
            if id(line) in parts_of:
                used.update(parts_of[id(line)])  # (the lines it was made of, for the caller)
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
            row = tokens(_without_index_specks(line, columns))
            item = _item(row, columns, line.page) if row else None
            if item is not None:
                items.append(item)
                sources.append([line])
                used.add(id(line))
                previous = line
            elif (
                items
                and row
                and not any(t.numeric for t in row)
                and statistics.median(w.confidence for w in line.words) >= 0.5  # not a rule read as letters
                and previous is not None
                and line.top - previous.bottom < 1.2 * line.height
            ):
                items[-1].description += " " + " ".join(t.text for t in row)  # a description wrapped onto a second line
                sources[-1].append(line)
                used.add(id(line))
                previous = line
    return items, used, sources


def _without_index_specks(line: Line, columns: list[Column]) -> Line:
    """The row without the short non-numbers under its № column: a row number OCR read as
    letters ('ак', 'Б'), which would start the description."""
    index = next((c for c in columns if c.kind == "index"), None)
    description = next((c for c in columns if c.kind == "description"), None)
    if index is None or description is None:
        return line
    keep = [
        w
        for w in line.words
        if len(w.text) > 3
        or _NUMBER_WORD.fullmatch(w.text)
        or w.x1 > description.x0
        or _distance(_as_token(w), index) > _distance(_as_token(w), description)
    ]
    return line if len(keep) == len(line.words) or not keep else Line(line.page, keep)


def _as_token(word) -> Token:
    return Token(word.text, word.x0, word.x1, False, word.confidence)


def _rejoined(lines: list[Line]) -> tuple[list[Line], dict[int, set[int]]]:
    """The lines with a row that the layout split in two at one height (side by side, not
    overlapping) joined again: a description and its numbers on one line."""
    out: list[Line] = []
    parts_of: dict[int, set[int]] = {}
    for line in lines:
        last = out[-1] if out else None
        if (
            last is not None
            and min(last.bottom, line.bottom) - max(last.top, line.top) > 0.5 * min(last.height, line.height)
            and (line.x0 > last.x1 or last.x0 > line.x1)
        ):
            joined = Line(line.page, sorted(last.words + line.words, key=lambda w: w.x0))
            parts_of[id(joined)] = parts_of.pop(id(last), {id(last)}) | {id(line)}
            out[-1] = joined
        else:
            out.append(line)
    return out, parts_of


def sum_of(items: list[LineItem]) -> Decimal:
    return sum((Decimal(i.amount) for i in items), Decimal("0"))


def table_bands(page: Page) -> list[Band]:
    """The strip of an OCR'd page its table takes, header included, up to its totals: what
    reading.read OCRs again as one block."""
    slope = skew(page.words)
    lines = lines_of(page)

    def level(line: Line, edge: str) -> float:  # the line's top or bottom with the skew taken out
        ys = [(w.y0 if edge == "top" else w.y1) - slope * (w.x0 + w.x1) / 2 for w in line.words]
        return min(ys) if edge == "top" else max(ys)

    for i, header in enumerate(lines):
        if not header_columns(header):
            continue
        last, end = header, None
        for line in lines[i + 1 :]:
            if _is_totals(line) or (_END.search(line.text) and not AMOUNT.search(line.text)):
                end = line
                break
            if level(line, "top") - level(last, "bottom") > 4 * line.height:
                break
            last = line
        if last is header:
            return []
        bottom = level(last, "bottom") + 0.6 * last.height
        if end is not None:
            bottom = min(bottom, (level(last, "bottom") + level(end, "top")) / 2)
        return [Band(level(header, "top") - 0.6 * header.height, bottom, slope)]
    return []


def table_score(page: Page) -> float:
    """How well a reading of the page's table holds together: its lines whose quantity × unit
    price is their amount and that have a unit, then (half as much) those whose description has
    no word that looks misread."""
    items, _ = read([lines_of(page)])
    return sum(2 * (bool(i.unit) and _holds(i)) + (not _misread(i.description)) for i in items)


def table_doubtful(page: Page) -> bool:
    """Whether some line's description has a word that looks like Bulgarian read in English."""
    items, _ = read([lines_of(page)])
    return any(_misread(i.description) for i in items)


def table_settled(page: Page) -> bool:
    """Whether the page's table reads whole already, so that reading it again cannot do better:
    every line is sound and their sum is printed below the table (the tax base), so no row was lost."""
    lines = lines_of(page)
    items, used = read([lines])
    if not items or not all(_sound(i) for i in items):
        return False
    total = sum_of(items)
    return any(parse_amount(m.group()) == total for line in lines if id(line) not in used for m in AMOUNT.finditer(line.text))


def table_sound_words(page: Page) -> list[Word]:
    """The words of the page's table lines that are sound: reading them again cannot do better."""
    items, _, sources = _read([lines_of(page)])
    return [w for item, lines in zip(items, sources, strict=True) if _sound(item) for line in lines for w in line.words]


def _sound(item: LineItem) -> bool:
    """Quantity × unit price is its amount, it has a unit and no word of it looks misread."""
    return bool(item.unit) and _holds(item) and not _misread(item.description)


# A word with a digit between letters ('Ka6en'), a capital after a small letter ('ApmatypHa'),
# or Latin and Cyrillic letters together: how OCR in English reads a Bulgarian word.
_MISREAD = re.compile(r"[^\W\d_]\d+[^\W\d_]|[a-zа-я][A-ZА-Я]|[A-Za-z][А-Яа-я]|[А-Яа-я][A-Za-z]")


def _misread(text: str) -> bool:
    return bool(_MISREAD.search(text))


def _holds(item: LineItem) -> bool:
    try:
        return (Decimal(item.quantity) * Decimal(item.unit_price)).quantize(CENT, ROUND_HALF_UP) == Decimal(item.amount)
    except ArithmeticError:
        return False


TABLES = Tables(table_bands, table_score, table_doubtful, table_settled, table_sound_words)
