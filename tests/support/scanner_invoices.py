"""Bulgarian invoices drawn for the scanner's tests and benchmarks, with their true field
values known. Several layouts and wordings (фактура, кредитно известие, дебитно известие;
parties side by side or stacked; different labels, date, number and currency notations), as
text PDFs and as the same pages rendered to images the way a scanner would deliver them."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

import pypdfium2
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from services.scanner.bgids import eik_check_digit, make_iban

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
CENT = Decimal("0.01")


def truth(invoice) -> dict[str, str]:
    """What the scanner must read of an invoice, as strings: the scoring key every invoice model
    (these and the evaluation corpus) answers with."""
    return {
        "document_type": invoice.doc_type,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "tax_event_date": invoice.tax_event_date.isoformat(),
        "supplier_name": invoice.supplier.name,
        "supplier_eik": invoice.supplier.eik,
        "supplier_vat_number": invoice.supplier.vat,
        "recipient_name": invoice.recipient.name,
        "recipient_eik": invoice.recipient.eik,
        "recipient_vat_number": invoice.recipient.vat,
        "tax_base": str(invoice.tax_base),
        "vat_rate": str(invoice.vat_rate),
        "vat_amount": str(invoice.vat_amount),
        "total": str(invoice.total),
        "currency": invoice.currency,
        "iban": invoice.iban,
    }


@dataclass(frozen=True)
class Party:
    name: str
    eik: str
    address: str
    vat_registered: bool = True

    @property
    def vat(self) -> str:
        return f"BG{self.eik}" if self.vat_registered else ""


@dataclass(frozen=True)
class Invoice:
    layout: str  # classic | stacked | boxed
    doc_type: str  # invoice | credit_note | debit_note
    number: str
    issue_date: date
    tax_event_date: date
    supplier: Party
    recipient: Party
    lines: tuple[tuple[str, Decimal, Decimal], ...]  # description, quantity, unit price
    vat_rate: Decimal
    currency: str  # BGN | EUR
    iban: str = ""
    reference: str = ""  # the invoice a credit or debit note corrects
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def tax_base(self) -> Decimal:
        return sum(((q * p).quantize(CENT) for _, q, p in self.lines), Decimal(0))

    @property
    def vat_amount(self) -> Decimal:
        return (self.tax_base * self.vat_rate / 100).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.tax_base + self.vat_amount

    def truth(self) -> dict[str, str]:
        """The fields the scanner must read, as strings."""
        return truth(self)


def eik(first8: str) -> str:
    return first8 + str(eik_check_digit(first8))


ALFA = Party("Алфа Трейд ЕООД", eik("20345678"), "гр. София, ул. Витоша 15")
BETA = Party("Бета Строй ООД", eik("13120456"), "гр. Пловдив, бул. Марица 122")
GAMA = Party("Гама Консулт АД", eik("83104567"), "гр. Варна, ул. Преслав 8")
DELTA = Party("Делта Софт ЕООД", eik("20567123"), "гр. Русе, ул. Борисова 40")
OMEGA = Party("Омега Логистик ООД", eik("11583920"), "гр. Бургас, ул. Александровска 3")
ZVEZDA = Party("Звезда Инженеринг ЕАД", eik("17509834"), "гр. Стара Загора, ул. Цар Симеон 77")

LINES = {
    "office": (("Канцеларски материали", Decimal("12"), Decimal("8.50")), ("Хартия А4, кашон", Decimal("3"), Decimal("41.20"))),
    "service": (("Счетоводно обслужване за месеца", Decimal("1"), Decimal("650.00")),),
    "build": (("Цимент 25 кг", Decimal("40"), Decimal("11.35")), ("Доставка до обект", Decimal("1"), Decimal("120.00"))),
    "hotel": (("Нощувка, двойна стая", Decimal("4"), Decimal("97.50")), ("Закуска", Decimal("8"), Decimal("12.00"))),
    "software": (("Лиценз за софтуер, годишен", Decimal("2"), Decimal("1249.99")),),
}


def sample_invoices() -> list[Invoice]:
    """The set the tests and the accuracy measurement use: every layout, every document type,
    20 % and 9 % VAT, BGN and EUR, with and without an IBAN."""
    iban1 = make_iban("BG", "BNBG96611020345678")
    iban2 = make_iban("BG", "UNCR70001523456789")
    iban3 = make_iban("BG", "FINV91501017534825")
    return [
        Invoice(
            "classic",
            "invoice",
            "0000001234",
            date(2025, 3, 15),
            date(2025, 3, 15),
            ALFA,
            BETA,
            LINES["office"],
            Decimal("20"),
            "BGN",
            iban1,
        ),
        Invoice(
            "classic",
            "credit_note",
            "0000000045",
            date(2025, 4, 2),
            date(2025, 4, 2),
            GAMA,
            ALFA,
            LINES["service"],
            Decimal("20"),
            "BGN",
            iban3,
            reference="0000000911",
        ),
        Invoice(
            "classic", "invoice", "0000020077", date(2026, 1, 12), date(2026, 1, 10), ZVEZDA, DELTA, LINES["hotel"], Decimal("9"), "EUR", ""
        ),
        Invoice(
            "stacked",
            "invoice",
            "0000000518",
            date(2025, 6, 30),
            date(2025, 6, 28),
            BETA,
            GAMA,
            LINES["build"],
            Decimal("20"),
            "BGN",
            iban2,
        ),
        Invoice(
            "stacked",
            "debit_note",
            "0000000519",
            date(2025, 7, 3),
            date(2025, 7, 3),
            BETA,
            GAMA,
            LINES["service"],
            Decimal("20"),
            "BGN",
            iban2,
            reference="0000000518",
        ),
        Invoice(
            "stacked", "invoice", "0000003301", date(2026, 2, 1), date(2026, 2, 1), OMEGA, ALFA, LINES["hotel"], Decimal("9"), "EUR", iban1
        ),
        Invoice(
            "boxed",
            "invoice",
            "1000000007",
            date(2025, 11, 20),
            date(2025, 11, 20),
            DELTA,
            ZVEZDA,
            LINES["software"],
            Decimal("20"),
            "BGN",
            iban3,
        ),
        Invoice(
            "boxed",
            "credit_note",
            "1000000008",
            date(2025, 12, 1),
            date(2025, 11, 30),
            DELTA,
            ZVEZDA,
            LINES["office"],
            Decimal("20"),
            "BGN",
            iban3,
            reference="1000000007",
        ),
        Invoice(
            "boxed", "invoice", "0000000091", date(2026, 3, 9), date(2026, 3, 9), ALFA, OMEGA, LINES["build"], Decimal("20"), "EUR", iban1
        ),
    ]


# --- drawing -----------------------------------------------------------------------------

TITLES = {"invoice": "ФАКТУРА", "credit_note": "КРЕДИТНО ИЗВЕСТИЕ", "debit_note": "ДЕБИТНО ИЗВЕСТИЕ"}


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", f"{FONT_DIR}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", f"{FONT_DIR}/DejaVuSans-Bold.ttf"))


def money(value: Decimal, style: str) -> str:
    """1234.5 as '1 234,50' (bg) or '1234.50' (plain)."""
    text = f"{value:.2f}"
    if style == "plain":
        return text
    whole, cents = text.split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return " ".join([whole, *groups]) + "," + cents


def day(value: date, style: str) -> str:
    return value.strftime("%d/%m/%Y") if style == "slash" else value.strftime("%d.%m.%Y") + (" г." if style == "g" else "")


def render_pdf(inv: Invoice) -> bytes:
    _fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.setTitle(f"{TITLES[inv.doc_type]} {inv.number}")
    {"classic": _classic, "stacked": _stacked, "boxed": _boxed}[inv.layout](c, inv)
    c.showPage()
    c.save()
    return out.getvalue()


def _text(c, x, y, text, size=10, bold=False, right=False):
    c.setFont("DejaVu-Bold" if bold else "DejaVu", size)
    (c.drawRightString if right else c.drawString)(x, y, text)


def _lines_table(c, inv: Invoice, y: float, style: str, headers=("№", "Описание", "К-во", "Ед. цена", "Стойност")) -> float:
    cols = (50, 80, 330, 410, 540)
    for i, h in enumerate(headers):
        _text(c, cols[i], y, h, 9, bold=True, right=i >= 2)
    c.line(50, y - 4, 545, y - 4)
    y -= 20
    for n, (desc, qty, price) in enumerate(inv.lines, 1):
        _text(c, cols[0], y, str(n), 9)
        _text(c, cols[1], y, desc, 9)
        _text(c, cols[2], y, f"{qty:g}", 9, right=True)
        _text(c, cols[3], y, money(price, style), 9, right=True)
        _text(c, cols[4], y, money((qty * price).quantize(CENT), style), 9, right=True)
        y -= 16
    c.line(50, y + 8, 545, y + 8)
    return y - 16


def _classic(c, inv: Invoice) -> None:
    """Title centred, parties side by side (Доставчик | Получател), totals on the right, BGN as лв."""
    c.setFont("DejaVu-Bold", 20)
    c.drawCentredString(297, 790, TITLES[inv.doc_type])
    _text(c, 230, 766, f"№ {inv.number}", 12, bold=True)
    if inv.reference:
        _text(c, 50, 744, f"към фактура № {inv.reference} от {day(inv.issue_date.replace(day=1), 'dot')}", 9)
    _text(c, 330, 724, f"Дата на издаване: {day(inv.issue_date, 'dot')}", 10)
    _text(c, 330, 708, f"Дата на данъчно събитие: {day(inv.tax_event_date, 'dot')}", 10)
    for x, label, party in ((50, "Доставчик:", inv.supplier), (330, "Получател:", inv.recipient)):
        _text(c, x, 670, label, 10, bold=True)
        _text(c, x, 652, party.name, 11, bold=True)
        _text(c, x, 636, f"ЕИК: {party.eik}", 10)
        _text(c, x, 620, f"ДДС №: {party.vat}", 10)
        _text(c, x, 604, f"Адрес: {party.address}", 9)
    y = _lines_table(c, inv, 560, "bg")
    cur = "лв." if inv.currency == "BGN" else "EUR"
    for label, value in (("Данъчна основа:", inv.tax_base), (f"ДДС {inv.vat_rate}%:", inv.vat_amount), ("Сума за плащане:", inv.total)):
        _text(c, 330, y, label, 10, bold=label.startswith("Сума"))
        _text(c, 540, y, f"{money(value, 'bg')} {cur}", 10, right=True, bold=label.startswith("Сума"))
        y -= 18
    y -= 20
    _text(c, 50, y, "Начин на плащане: " + ("банков превод" if inv.iban else "в брой"), 9)
    if inv.iban:
        _text(c, 50, y - 16, f"IBAN: {inv.iban}", 9)
        _text(c, 50, y - 32, "Банка: Примерна банка АД", 9)
    _text(c, 50, 90, "Съставил: ..........................", 9)
    _text(c, 330, 90, "Получил: ..........................", 9)


def _stacked(c, inv: Invoice) -> None:
    """Title line with number and date, seller above buyer (Продавач / Купувач), ИН по ЗДДС,
    plain decimals and the currency code."""
    _text(c, 50, 800, f"{TITLES[inv.doc_type].capitalize()} № {inv.number}", 16, bold=True)
    if inv.reference:
        _text(c, 50, 782, f"Към фактура № {inv.reference}", 9)
    _text(c, 50, 762, f"Дата: {day(inv.issue_date, 'g')}", 10)
    _text(c, 250, 762, f"Данъчно събитие: {day(inv.tax_event_date, 'g')}", 10)
    y: float = 730
    for label, party in (("Продавач:", inv.supplier), ("Купувач:", inv.recipient)):
        _text(c, 50, y, label, 10, bold=True)
        _text(c, 130, y, party.name, 10, bold=True)
        _text(c, 130, y - 15, f"ЕИК/БУЛСТАТ: {party.eik}", 9)
        _text(c, 130, y - 30, f"ИН по ЗДДС: {party.vat}", 9)
        _text(c, 130, y - 45, party.address, 9)
        y -= 75
    y = _lines_table(c, inv, y - 10, "plain", ("№", "Наименование", "Количество", "Цена", "Сума"))
    for label, value in (
        ("Стойност без ДДС:", f"{inv.tax_base:.2f} {inv.currency}"),
        ("Ставка ДДС:", f"{inv.vat_rate} %"),
        ("Размер на ДДС:", f"{inv.vat_amount:.2f} {inv.currency}"),
        ("Обща стойност:", f"{inv.total:.2f} {inv.currency}"),
    ):
        _text(c, 300, y, label, 10)
        _text(c, 540, y, value, 10, right=True)
        y -= 16
    if inv.iban:
        _text(
            c,
            50,
            y - 20,
            f"Плащане по сметка IBAN {inv.iban[:4]} {inv.iban[4:8]} {inv.iban[8:12]} {inv.iban[12:16]} {inv.iban[16:20]} {inv.iban[20:]}",
            9,
        )


def _boxed(c, inv: Invoice) -> None:
    """Parties in framed boxes (ИЗПЪЛНИТЕЛ | ВЪЗЛОЖИТЕЛ), labels left of values, dates with
    slashes, BGN as the code."""
    c.setFont("DejaVu-Bold", 18)
    c.drawString(50, 800, TITLES[inv.doc_type])
    _text(c, 50, 780, f"Номер: {inv.number}", 11)
    if inv.reference:
        _text(c, 50, 764, f"Основание: фактура {inv.reference}", 9)
    _text(c, 360, 800, "Дата на издаване", 9)
    _text(c, 540, 800, day(inv.issue_date, "slash"), 9, right=True)
    _text(c, 360, 786, "Дата на дан. събитие", 9)
    _text(c, 540, 786, day(inv.tax_event_date, "slash"), 9, right=True)
    for x, label, party in ((50, "ИЗПЪЛНИТЕЛ", inv.supplier), (305, "ВЪЗЛОЖИТЕЛ", inv.recipient)):
        c.rect(x - 6, 640, 246, 118)
        _text(c, x, 742, label, 9, bold=True)
        _text(c, x, 724, party.name, 10, bold=True)
        _text(c, x, 706, f"ЕИК {party.eik}", 9)
        _text(c, x, 690, f"Идент. № по ДДС {party.vat}", 9)
        _text(c, x, 674, party.address, 8)
    y = _lines_table(c, inv, 610, "bg")
    for label, value in (("Основа за ДДС", inv.tax_base), (f"ДДС ({inv.vat_rate}%)", inv.vat_amount), ("Всичко за плащане", inv.total)):
        _text(c, 330, y, label, 10, bold=label.startswith("Всичко"))
        _text(c, 540, y, f"{money(value, 'bg')} {inv.currency}", 10, right=True)
        y -= 18
    if inv.iban:
        _text(c, 50, y - 20, f"Банкова сметка: {inv.iban}", 9)


# --- the same pages as a scanner delivers them ------------------------------------------------


def render_image(pdf: bytes, fmt: str = "PNG", dpi: int = 300) -> bytes:
    """The first page as a grey image (PNG, JPEG or TIFF), as a flatbed scanner at `dpi` makes it."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format=fmt, dpi=(dpi, dpi), **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def scanned_pdf(pdf: bytes, dpi: int = 300) -> bytes:
    """A PDF that holds only an image of the page (no text layer), like a scan to PDF."""
    from PIL import Image

    image = Image.open(io.BytesIO(render_image(pdf, "PNG", dpi)))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def empty_pdf() -> bytes:
    """A valid PDF with one blank page."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.showPage()
    c.save()
    return out.getvalue()
