"""The counterparty of a ledger record: its id as the ledgers write it (02-07 / 03-08) and its
name, read from an entry's counterpart fields (docs/nap-format.md, "The ledgers")."""

import re
from dataclasses import dataclass

from services.vat import fixed, layouts
from services.vat.fixed import Unwritable

BG_VAT = re.compile(r"^BG[0-9]{9,10}$")
NATIONAL_ID = re.compile(r"^([0-9]{9}|[0-9]{10}|[0-9]{13})$")  # ЕИК 9/13, ЕГН/ЛНЧ 10
SEPARATORS = re.compile(r"[\s.\-/]")  # written inside VAT numbers: "BG 175 074 752", "DE-123.456.789"
NO_ID = "999999999999999"  # a foreign person with no Bulgarian or EU number
SALES_REPORT_NAME = "Физически лица"


@dataclass(frozen=True)
class Counterparty:
    id: str  # as written; "" for a sales report
    name: str


@dataclass(frozen=True)
class Unusable:
    """Why an entry's counterparty cannot be written: the entry's field and the reason."""

    field: str
    message: str


def key(entry, needs_eu: bool) -> tuple:
    """What decides the answer of read(): equal keys, equal answers."""
    return (entry.counterpart_vat_number, entry.counterpart_eik, entry.counterpart_country, entry.counterpart_name,
            entry.document_type in layouts.SALES_REPORT_TYPES, needs_eu)  # fmt: skip


def read(entry, needs_eu: bool) -> Counterparty | Unusable:
    """The counterparty of a VatEntry (or ledger's VatLedgerEntry). needs_eu: the supply is
    declared in VIES.TXT, so the customer's VAT number of another member state is required."""
    try:
        name = fixed.clean_text(entry.counterpart_name)
    except Unwritable as exc:
        return Unusable("counterpart_name", str(exc))
    if entry.document_type in layouts.SALES_REPORT_TYPES:
        return Counterparty("", name or SALES_REPORT_NAME)
    vat = entry.counterpart_vat_number
    vat = (vat if vat.isalnum() else SEPARATORS.sub("", vat)).upper()
    eik = entry.counterpart_eik.strip()
    country = entry.counterpart_country.strip().upper()
    if vat.startswith("GR"):
        vat = "EL" + vat[2:]  # Greece's VAT prefix
    if vat:
        prefix = vat[:2]
        if prefix == "BG" and not BG_VAT.match(vat):
            return Unusable("counterpart_vat_number", f"{vat!r} is not a Bulgarian VAT number (BG + 9 or 10 digits)")
        if prefix in layouts.EU_PREFIXES:
            if len(vat) <= 2 or len(vat) > 15 or not vat.isalnum():
                return Unusable("counterpart_vat_number", f"{vat!r} is not a VAT number of an EU member state")
            counterparty = vat
        else:
            counterparty = NO_ID  # a VAT number of a non-EU country
    elif eik:
        if not NATIONAL_ID.match(eik):
            return Unusable("counterpart_eik", f"{eik!r} is not an ЕИК (9 or 13 digits) or ЕГН/ЛНЧ (10 digits)")
        counterparty = eik
    elif country and country != "BG":
        counterparty = NO_ID
    else:
        return Unusable("counterparty id", "is missing: a VAT number, ЕИК/ЕГН, or a foreign counterparty's country")
    if needs_eu and (counterparty[:2] not in layouts.EU_PREFIXES or counterparty.startswith("BG")):
        return Unusable("counterpart_vat_number", "this supply needs the customer's VAT number in another EU member state")
    if not name:
        return Unusable("counterpart_name", "is missing")
    return Counterparty(counterparty, name)
