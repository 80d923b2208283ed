"""The invoices of the evaluation corpus: random but reproducible from (family, seed), with the
values the recogniser must find. The families (one module each) only decide how an invoice
looks; what it says comes from here."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.scanner.bgids import eik_check_digit, make_iban
from tests.support.scanner_invoices import truth

CENT = Decimal("0.01")

_FIRST = ("Алфа", "Бета", "Вега", "Орион", "Родина", "Стрела", "Дунав", "Пирин", "Рила", "Тракия", "Мизия", "Сириус",
          "Европа", "Капитал", "Сердика", "Одесос", "Марица", "Янтра", "Балкан", "Хемус", "Искър", "Струма", "Витоша")  # fmt: skip
_SECOND = ("Трейд", "Строй", "Консулт", "Софт", "Логистик", "Инженеринг", "Агро", "Медия", "Технолоджис", "Комерс",
           "Груп", "Транс", "Енерджи", "Дизайн", "Фуудс", "Принт", "Сервиз", "Текстил")  # fmt: skip
_FORMS = ("ЕООД", "ООД", "АД", "ЕАД", "ЕТ", "СД")
_TOWNS = ("София", "Пловдив", "Варна", "Бургас", "Русе", "Стара Загора", "Плевен", "Велико Търново", "Шумен", "Благоевград")
_STREETS = ("ул. Витоша", "бул. България", "ул. Шипка", "бул. Цар Освободител", "ул. Раковски", "ул. Оборище", "бул. Мария Луиза")
_PEOPLE = ("Иван Петров", "Мария Георгиева", "Георги Димитров", "Елена Иванова", "Петър Стоянов", "Николай Колев", "Десислава Тодорова")
_GOODS = (
    ("Канцеларски материали", "бр."), ("Хартия А4, 80 г/м2", "пакет"), ("Цимент 25 кг", "торба"), ("Арматурна стомана Ф12", "кг"),
    ("Счетоводно обслужване", "месец"), ("Консултантски услуги", "ч."), ("Транспортни услуги", "км"), ("Нощувка, двойна стая", "нощ"),
    ("Лиценз за софтуер", "бр."), ("Тонер касета", "бр."), ("Боя латекс бяла", "л"), ("Дървен материал, иглолистен", "м3"),
    ("Ремонт на климатик", "услуга"), ("Кабел СВТ 3х2,5", "м"), ("Пелети дървесни", "т"), ("Почистване на офис", "кв.м"),
    ("Уеб хостинг, годишен план", "бр."), ("Маркетингова кампания", "услуга"), ("Кафе на зърна 1 кг", "бр."),
    ("Монтаж на оборудване", "ч."),
)  # fmt: skip


@dataclass(frozen=True)
class Party:
    name: str
    eik: str
    town: str
    street: str
    person: str
    vat_registered: bool = True

    @property
    def vat(self) -> str:
        return f"BG{self.eik}" if self.vat_registered else ""

    @property
    def address(self) -> str:
        return f"гр. {self.town}, {self.street}"


@dataclass(frozen=True)
class Item:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Invoice:
    family: str
    seed: int
    doc_type: str  # invoice | credit_note | debit_note
    number: str
    issue_date: date
    tax_event_date: date
    supplier: Party
    recipient: Party
    company: Party  # the company whose books the invoice goes to: one of the two
    items: tuple[Item, ...]
    vat_rate: Decimal
    currency: str
    iban: str
    reference: str = ""

    @property
    def tax_base(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0"))

    @property
    def vat_amount(self) -> Decimal:
        return (self.tax_base * self.vat_rate / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.tax_base + self.vat_amount

    @property
    def name(self) -> str:
        return f"{self.family}-{self.seed}"

    def truth(self) -> dict[str, str]:
        return truth(self)


def _party(rng: random.Random, vat_registered: bool = True) -> Party:
    name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_FORMS)}"
    first8 = str(rng.randrange(10_000_000, 99_999_999))
    eik = first8 + str(eik_check_digit(first8))
    street = f"{rng.choice(_STREETS)} {rng.randrange(1, 180)}"
    return Party(name, eik, rng.choice(_TOWNS), street, rng.choice(_PEOPLE), vat_registered)


def make(family: str, seed: int, *, max_items: int = 6, min_items: int = 1) -> Invoice:
    """The invoice `seed` of `family`: the same on every machine and run."""
    rng = random.Random(f"{family}:{seed}")
    company, other = _party(rng), _party(rng, vat_registered=rng.random() > 0.15)
    while other.eik == company.eik or other.name == company.name:
        other = _party(rng)
    supplier, recipient = (company, other) if rng.random() < 0.4 else (other, company)
    doc_type = rng.choices(("invoice", "credit_note", "debit_note"), (0.84, 0.1, 0.06))[0]
    rate = rng.choices((Decimal("20"), Decimal("9")), (0.85, 0.15))[0]
    issue = date(2025, 1, 2) + timedelta(days=rng.randrange(0, 540))
    tax_event = issue - timedelta(days=rng.choice((0, 0, 0, 1, 3, 5)))
    currency = "EUR" if issue >= date(2026, 1, 1) or rng.random() < 0.1 else "BGN"
    items = []
    for _ in range(rng.randint(min_items, max_items)):
        description, unit = rng.choice(_GOODS)
        quantity = (
            Decimal(rng.choice((1, 1, 2, 3, 5, 10, 12, 24, 40, 100)))
            if unit in ("бр.", "месец", "услуга", "пакет", "торба", "нощ")
            else Decimal(rng.randrange(5, 600)) / rng.choice((1, 10, 100))
        )
        price = Decimal(rng.randrange(50, 250_000)) / 100
        items.append(Item(description, quantity.normalize() if quantity == quantity.to_integral() else quantity, unit, price, rate))
    bank = rng.choice(("UNCR7000", "BNBG9661", "FINV9150", "STSA9300", "RZBB9155"))
    iban = make_iban("BG", bank + "1" + "".join(str(rng.randrange(10)) for _ in range(9))) if rng.random() < 0.8 else ""
    number = str(rng.randrange(1, 99_999)).zfill(10) if rng.random() < 0.7 else str(rng.randrange(100, 999_999))
    reference = str(rng.randrange(1, 99_999)).zfill(10) if doc_type != "invoice" else ""
    return Invoice(
        family, seed, doc_type, number, issue, tax_event, supplier, recipient, company, tuple(items), rate, currency, iban, reference
    )


# --- how numbers and dates are written ---------------------------------------------------------


def money(value: Decimal, style: str) -> str:
    """'bg' 1 234,56 | 'plain' 1234.56 | 'dots' 1.234,56 | 'en' 1,234.56 | 'plaincomma' 1234,56"""
    text = f"{value:.2f}"
    if style == "plain":
        return text
    whole, cents = text.split(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sep, dec = {"bg": (" ", ","), "dots": (".", ","), "en": (",", "."), "plaincomma": ("", ",")}[style]
    return sign + sep.join(groups) + dec + cents


def quantity(value: Decimal, style: str) -> str:
    text = f"{value:f}"
    return text.replace(".", ",") if style in ("bg", "dots", "plaincomma") else text


MONTHS = ("януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември")


def day(value: date, style: str) -> str:
    return {
        "dot": value.strftime("%d.%m.%Y"),
        "dotg": value.strftime("%d.%m.%Y") + " г.",
        "slash": value.strftime("%d/%m/%Y"),
        "dash": value.strftime("%d-%m-%Y"),
        "iso": value.isoformat(),
        "words": f"{value.day} {MONTHS[value.month - 1]} {value.year} г.",
    }[style]


TITLES = {"invoice": "ФАКТУРА", "credit_note": "КРЕДИТНО ИЗВЕСТИЕ", "debit_note": "ДЕБИТНО ИЗВЕСТИЕ"}
TITLES_EN = {"invoice": "INVOICE", "credit_note": "CREDIT NOTE", "debit_note": "DEBIT NOTE"}


def cur(invoice: Invoice, style: str = "code") -> str:
    if style == "code":
        return invoice.currency
    return {"BGN": "лв.", "EUR": "€" if style == "symbol" else "евро"}[invoice.currency]
