"""The words Bulgarian (and bilingual) invoices label their fields with, and the shapes of the
values: several labels per field, since every issuer words them its own way."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# --- labels -------------------------------------------------------------------------------------

DOC_TYPES = (
    ("credit_note", re.compile(r"КРЕДИТНО\s+ИЗВЕСТИЕ|CREDIT\s+NOTE", re.I)),
    ("debit_note", re.compile(r"ДЕБИТНО\s+ИЗВЕСТИЕ|DEBIT\s+NOTE", re.I)),
    ("invoice", re.compile(r"ФАКТУРА|INVOICE", re.I)),
)
# Lines about another document (the invoice a note corrects): never this one's number or date.
REFERENCE = re.compile(r"към\s+(?:фактура|документ)|основание|по\s+фактура|ref\.?\s*invoice|reference|to\s+invoice", re.I)
# "№" as OCR reads it, too: "Ne", "Ме", "Мо", "N2".
NUMBER_SIGN = r"(?:№|N[°ºoо2е]\.?|Ne|М[ое]|No\.?|Номер|Number)"
# The number's digits, which OCR may split with a space ("0 000002516").
_DIGITS = r"(\d(?:\d| (?=\d)){0,11})"
NUMBER = re.compile(rf"{NUMBER_SIGN}(?:\s*/\s*{NUMBER_SIGN})?\s*[:\-]?\s*{_DIGITS}(?![\d.,/])", re.I)
TITLE_NUMBER = re.compile(rf"(?:ФАКТУРА|ИЗВЕСТИЕ|INVOICE)\s+{_DIGITS}(?![\d.,/])", re.I)

ISSUE_DATE = re.compile(
    r"Дата\s+на\s+(?:издаване|документа|фактурата|изд\.)|Date\s+of\s+issue|(?:^|\s)Date\b|Дата(?!\s+на\s+(?:дан|плащ|пад|дост))|(?:^|\s)от\s*$",
    re.I,
)
TAX_EVENT_DATE = re.compile(r"дан(?:ъчно(?:то)?|\.)\s*събитие|Tax\s+(?:point|date)|Дата\s+на\s+доставка", re.I)
OTHER_DATE = re.compile(r"падеж|срок|плащане\s+до|due", re.I)

SUPPLIER = re.compile(r"^\W*(?:Доставчик(?:а)?|Продавач|Изпълнител|Издател|Supplier|Seller|Vendor)\b\s*:?", re.I)
RECIPIENT = re.compile(r"^\W*(?:Получател|Купувач|Възложител|Клиент|Buyer|Customer|Client)\b\s*:?", re.I)
# What may follow a party label on its line before the name: the label's other language.
LABEL_TAIL = re.compile(
    r"[\s/|:\-]*(?:Доставчик|Продавач|Изпълнител|Издател|Получател|Купувач|Възложител|Клиент|Supplier|Seller|Vendor|Buyer|Customer|Client)?\s*:?\s*",
    re.I,
)
NAME_KEY = re.compile(r"^\s*(?:Име(?:\s+на\s+(?:фирма(?:та)?|дружеството))?|Фирма|Наименование|Name|Company(?:\s+name)?)\s*:?\s*", re.I)
EIK_LABEL = re.compile(r"Е[ИЙ]К(?:\s*/\s*БУЛСТАТ)?(?:\s+по\s+БУЛСТАТ)?|БУЛСТАТ|UIC|Reg\.?\s*No|ЕГН", re.I)
NOT_A_NAME = re.compile(
    r"Е[ИЙ]К|БУЛСТАТ|ДДС|ЗДДС|VAT|UIC|Reg\.|Адрес|Address|^\s*гр\.|\bул\.|\bбул\.|IBAN|МОЛ|тел\.|e-mail|Идент|Град|Отговорно|Нерегистриран",
    re.I,
)

BASE = re.compile(r"Данъчна\s+основа|без\s+ДДС|Основа\s+за|Subtotal|Tax\s+base|Нето|Net\s+amount", re.I)
TOTAL = re.compile(r"за\s+плащане|Обща\s+(?:стойност|сума)|Крайна\s+сума|Всичко|Общо|Total|Amount\s+due", re.I)
VAT = re.compile(r"ДДС|VAT", re.I)
BASE_WEAK = re.compile(r"Стойност|Сума|Amount", re.I)
NOT_AN_AMOUNT_LABEL = re.compile(r"ДДС\s*№|по\s+З?ДДС|VAT\s+No|Ставка|IBAN|сметка", re.I)

CURRENCIES = (("EUR", re.compile(r"\bEUR\b|€|евро", re.I)), ("BGN", re.compile(r"\bBGN\b|лв\.?|лева", re.I)))

# --- values ------------------------------------------------------------------------------------

MONTHS = ("януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[./\-]\s?(\d{1,2})\s?[./\-]\s?(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORD_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({'|'.join(MONTHS)})\s+(\d{{4}})", re.I)

AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:[ \u00a0.,]\d{3})+[.,]\d{2}(?![\d%])|(?<![\d,.])-?\d+[.,]\d{2}(?![\d%])")
RATE = re.compile(r"(?<![\d,.])(\d{1,2})(?:[.,]0+)?\s?%")
VAT_NUMBER = re.compile(r"\b(B\s?[GC6]\s?\d[\d ]{7,12}\d)")
EIK_DIGITS = re.compile(r"(?<![\dA-Z])(\d{9}|\d{13})(?!\d)")
IBAN = re.compile(r"\b([A-Z]{2}\s?[\dOIl]{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?)\b")
# Cyrillic letters that look like Latin ones, as OCR of "BG..." in Bulgarian mode reads them.
TO_LATIN = str.maketrans("АВСЕНКМОРТХаесорх", "ABCEHKMOPTXaecopx")
# And the other way: Latin letters OCR puts into Bulgarian words ("Kr" for "кг", "CBT" for "СВТ").
TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopxyrmnku", "АВСЕНКМОРТХасеорхугмпки")
_CYRILLIC = re.compile(r"[А-Яа-я]")
_LATIN = re.compile(r"[A-Za-z]")
_LOOK_ALIKES_ONLY = re.compile(r"[ABCEHKMOPTXaceopxyrmnku\W\d]+")


def cyrillic_where_due(text: str) -> str:
    """`text` with Latin look-alike letters made Cyrillic, word by word, when the text is mostly
    Cyrillic: OCR of Bulgarian with English enabled mixes the two in one word."""
    if len(_CYRILLIC.findall(text)) <= len(_LATIN.findall(text)):
        return text
    return " ".join(w.translate(TO_CYRILLIC) if _LOOK_ALIKES_ONLY.fullmatch(w) or _CYRILLIC.search(w) else w for w in text.split(" "))


def dates_in(text: str) -> list[tuple[int, int, date]]:
    """Every date written in `text` (31.12.2025, 31/12/2025, 31-12-2025, 2025-12-31,
    31 декември 2025), with where it stands."""
    found: list[tuple[int, int, date]] = []
    for pattern, order in ((_ISO_DATE, (2, 1, 0)), (_NUMERIC_DATE, (0, 1, 2)), (_WORD_DATE, (0, 1, 2))):
        for m in pattern.finditer(text):
            parts = m.groups()
            try:
                d, mo, y = (parts[i] for i in order)
                month = MONTHS.index(mo.lower()) + 1 if not mo.isdigit() else int(mo)
                value = date(int(y), month, int(d))
            except ValueError:
                continue
            if not any(a <= m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), value))
    return sorted(found, key=lambda f: f[0])


def parse_amount(text: str) -> Decimal | None:
    """'1 234,56', '1.234,56', '1,234.56', '1234.56': the last separator is the decimal one."""
    text = text.replace("\u00a0", " ").strip()
    negative = text.startswith("-")
    digits = text.lstrip("-")
    whole = re.sub(r"[ .,]", "", digits[:-3])
    try:
        value = Decimal(f"{whole or '0'}.{digits[-2:]}")
    except InvalidOperation:
        return None
    return -value if negative else value


def quantity_readings(text: str) -> list[Decimal]:
    """What a quantity may mean: '1,5' is 1.5; '1.250' may be 1.25 or 1250 (the row's
    arithmetic decides); '12' is 12."""
    text = text.replace("\u00a0", " ").strip()
    if not re.fullmatch(r"-?\d{1,3}(?:[ .,]\d{3})*(?:[.,]\d+)?|-?\d+(?:[.,]\d+)?", text):
        return []
    readings = []
    if re.search(r"[.,]", text):
        last = max(text.rfind("."), text.rfind(","))
        whole = re.sub(r"[ .,]", "", text[:last])
        readings.append(Decimal(f"{whole or '0'}.{text[last + 1 :]}"))
        if len(text) - last - 1 == 3:
            readings.append(Decimal(re.sub(r"[ .,]", "", text)))
    else:
        readings.append(Decimal(text.replace(" ", "")))
    return readings
