"""The month of November 2025 behind the golden files in tests/data/vat/202511 (see the README
there): every kind of document the return distinguishes, as the ledger streams it."""

from decimal import Decimal

from services.vat.model import Choices, Company, Filer, VatEntry

PERIOD = "202511"
COMPANY = Company(
    vat_number="BG123456789",
    name="Примерна фирма ЕООД",
    address="гр. София, ул. Примерна 1",
    filer=Filer(egn="8001011234", name="Иван Петров Иванов", city="София", postcode="1000", address="ул. Примерна 1", capacity="R"),
)
CHOICES = Choices(coefficient=Decimal("0.75"), paid=Decimal("25.00"))
LONG_NAME = "Сдружение на производителите на биологични храни и напитки в България"


def entry(number: str, day: str, kind: str = "01", *, sales: str = "", purchase: str = "", base: str, vat: str = "0.00", **kw) -> VatEntry:
    return VatEntry(
        entry_id=f"e-{number}", entry_number=f"JE-{number}", document_type=kind, document_number=number,
        document_date=f"2025-11-{day}", vat_date=f"2025-11-{day}", sales_operation=sales, purchase_operation=purchase,
        tax_base=base, vat_amount=vat, currency="BGN", **kw,
    )  # fmt: skip


def bg(name: str, vat_number: str) -> dict:
    return {"counterpart_name": name, "counterpart_country": "BG", "counterpart_vat_number": vat_number}


def eu(name: str, country: str, vat_number: str) -> dict:
    return {"counterpart_name": name, "counterpart_country": country, "counterpart_vat_number": vat_number}


# In the ledger's stream order (document date, then type, then number as the ledger compares
# it): on 20/11 the credit note 108 comes before invoice 109 only if the stream sorted by
# number alone, so the writer's own sort by type is exercised.
ENTRIES = [
    entry("101", "03", sales="2-11", base="1000.00", vat="200.00", description="Стоки", **bg("Клиент ООД", "BG111111111")),
    entry(
        "1234",
        "04",
        purchase="1-10-1",
        base="1000.00",
        vat="200.00",
        description="Канцеларски материали",
        **bg("Доставчик ЕООД", "BG175074752"),
    ),
    entry("102", "05", sales="2-17", base="500.00", vat="45.00", vat_rate="9", description="Нощувки", **bg("Турист ЕООД", "BG222222222")),
    entry("4567", "06", purchase="1-12-1", base="600.00", vat="120.00", description="Електроенергия", **bg("Енерго ЕАД", "BG444444444")),
    entry(
        "103", "07", sales="2-19-1", base="3000.00", description="Машини", counterpart_name="Acme Trading Inc.", counterpart_country="US"
    ),
    entry("104", "10", sales="2-20", base="2500.00", description="Стоки", **eu("Müller Maschinenbau GmbH", "DE", "DE123456789")),
    entry(
        "89",
        "11",
        purchase="1-09-1",
        base="100.00",
        vat="20.00",
        description="Представителни разходи",
        **bg("Ресторант Вкусно ООД", "BG555555555"),
    ),
    entry("105", "12", sales="2-20", base="1200.00", description="Стоки", **eu("Alpen Handel GmbH", "AT", "ATU12345678")),
    entry(
        "106", "14", sales="2-22", base="800.00", description="Консултантски услуги", **eu("Société Conseil SARL", "FR", "FR12345678901")
    ),
    entry(
        "107",
        "18",
        sales="2-24-1",
        base="400.00",
        description="Наем на жилище",
        counterpart_name=LONG_NAME,
        counterpart_country="BG",
        counterpart_eik="176543210",
    ),
    entry("108", "20", "03", sales="2-20", base="-200.00", description="Връщане на стоки", **eu("Alpen Handel GmbH", "AT", "ATU12345678")),
    entry("109", "20", sales="2-11", base="250.00", vat="50.00", description="Стоки", **bg("Клиент ООД", "BG111111111")),
    entry(
        "77",
        "20",
        "03",
        purchase="1-10-1",
        base="-100.00",
        vat="-20.00",
        description="Връщане на стоки",
        **bg("Доставчик ЕООД", "BG175074752"),
    ),
]
