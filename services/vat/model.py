"""The VAT domain's inputs and outputs as plain data (no gRPC, no database)."""

from dataclasses import dataclass, field
from decimal import Decimal

EURO_RATE = Decimal("1.95583")  # BGN per EUR, fixed
FIRST_EURO_PERIOD = "202601"


@dataclass(frozen=True)
class VatEntry:
    """A posted journal entry as the VAT ledgers need it: mirrors ledger's VatLedgerEntry.
    Amounts are signed decimal strings (a credit note carries negative amounts)."""

    entry_id: str = ""
    entry_number: str = ""
    document_type: str = ""
    document_number: str = ""
    document_date: str = ""  # YYYY-MM-DD
    vat_date: str = ""  # YYYY-MM-DD
    description: str = ""
    purchase_operation: str = ""
    sales_operation: str = ""
    tax_base: str = "0"
    vat_amount: str = "0"
    vat_rate: str = ""
    currency: str = ""
    counterpart_name: str = ""
    counterpart_city: str = ""
    counterpart_country: str = ""
    counterpart_vat_number: str = ""
    counterpart_eik: str = ""

    def label(self) -> str:
        return entry_label(self)


def entry_label(entry) -> str:
    """How a problem names an entry (a VatEntry or ledger's VatLedgerEntry, which has the same
    fields): document type, number and date."""
    return f"document {entry.document_type or '??'} {entry.document_number or '(no number)'} of {entry.document_date or '(no date)'}"


@dataclass(frozen=True)
class Filer:
    """The person who submits the return (the company's representative)."""

    egn: str = ""  # ЕГН / ЛНЧ
    name: str = ""
    city: str = ""
    postcode: str = ""
    address: str = ""
    capacity: str = "R"  # R = legal representative (представляващ), A = authorised person


@dataclass(frozen=True)
class Company:
    vat_number: str  # "BG" + ЕИК
    name: str
    address: str = ""  # correspondence address as written in VIES.TXT (VTR-04)
    filer: Filer = field(default_factory=Filer)


@dataclass(frozen=True)
class Choices:
    """The filer's choices that do not come from the ledgers. None = not given."""

    coefficient: Decimal | None = None  # 01-33
    offset_art92_1: Decimal = Decimal("0.00")  # 01-70
    paid: Decimal = Decimal("0.00")  # 01-71
    refund_art92_1: Decimal = Decimal("0.00")  # 01-80
    refund_art92_3: Decimal = Decimal("0.00")  # 01-81
    refund_art92_4: Decimal = Decimal("0.00")  # 01-82


@dataclass(frozen=True)
class Problem:
    """One reason the return cannot be written: `subject` names the entry for a person (or the
    company / choice), `field` what is wrong, `message` why; `entry_id` is the journal entry's
    id when the problem is an entry's ("" otherwise)."""

    subject: str
    field: str
    message: str
    entry_id: str = ""

    def __str__(self) -> str:
        return f"{self.subject}: {self.field}: {self.message}"


def entry_problem(entry, field: str, message: str) -> Problem:
    """A problem of one entry (a VatEntry or VatLedgerEntry), named for a person and by its id."""
    return Problem(entry_label(entry), field, message, entry_id=entry.entry_id)


class ValidationFailed(Exception):
    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = problems
        self.more = more  # problems found beyond the reported ones
        super().__init__("; ".join(map(str, problems[:5])))


def period_currency(period: str) -> str:
    return "EUR" if period >= FIRST_EURO_PERIOD else "BGN"
