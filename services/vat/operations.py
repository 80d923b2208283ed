"""Operation codes (the journal entry's VAT purchase / sales operation) and the ledger columns
they fill. The codes are those of the system this service replaces: the number after
"1-"/"2-" is the printed ledger column of the base. We add 2-13 (intra-community acquisition),
2-14 (received supplies under art. 82(2)-(5), reverse charge) and 2-16 (private use), which
upstream could not express. Unlike upstream, an unknown code is an error, never column 10/11.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    code: str
    base: str | None  # column of the tax base (None: the base is not written)
    vat: str | None  # column of the VAT (None: the VAT must be zero)
    base_plus_vat: bool = False  # 03-30 holds base and VAT as one figure
    vat_only: bool = False  # the VAT goes into `vat`, the base is not written
    eu_customer: bool = False  # the customer's EU VAT number is required (VIES.TXT)


def _ops(codes: str, **kw) -> dict[str, Operation]:
    return {code: Operation(code, **kw) for code in codes.split()}


SALES = {
    **_ops("2-11 2-11-1 2-11-2", base="02-11", vat="02-21"),  # 20 %
    **_ops("2-13", base="02-12", vat="02-22"),  # intra-community acquisition (ВОП)
    **_ops("2-14", base="02-26", vat="02-22"),  # received supplies, art. 82(2)-(5)
    **_ops("2-16", base=None, vat="02-23", vat_only=True),  # private use
    **_ops("2-17 2-17-old", base="02-13", vat="02-24"),  # 9 %
    **_ops("2-19-1 2-19-2", base="02-14", vat=None),  # 0 %, chapter 3 (export)
    **_ops("2-20", base="02-15", vat=None, eu_customer=True),  # intra-community supply (ВОД)
    **_ops("2-21-1 2-21-2", base="02-16", vat=None),  # 0 %, art. 140, 146, 173
    **_ops("2-22", base="02-17", vat=None, eu_customer=True),  # services, art. 21(2)
    **_ops("2-23", base="02-18", vat=None),  # art. 69(2), distance sales abroad
    **_ops("2-24-1 2-24-2 2-24-3", base="02-19", vat=None),  # exempt
    **_ops("2-25", base="02-25", vat=None, eu_customer=True),  # triangular, intermediary
}

PURCHASES = {
    **_ops("1-09-1 1-09-2", base="03-30", vat=None, base_plus_vat=True),  # no credit right
    **_ops("1-10-1 1-10-2 1-10-3 1-10-4 1-10-5 1-10-6", base="03-31", vat="03-41"),  # full credit
    **_ops("1-12-1 1-12-2 1-12-3 1-12-4", base="03-32", vat="03-42"),  # partial credit
    **_ops("1-14", base=None, vat="03-43", vat_only=True),  # annual adjustment, art. 73(8)
    **_ops("1-15", base="03-44", vat=None),  # goods from a triangular intermediary
}

SALES_AMOUNTS = (
    "02-11",
    "02-21",
    "02-12",
    "02-26",
    "02-22",
    "02-23",
    "02-13",
    "02-24",
    "02-14",
    "02-15",
    "02-16",
    "02-17",
    "02-18",
    "02-19",
    "02-25",
)
PURCHASE_AMOUNTS = ("03-30", "03-31", "03-41", "03-32", "03-42", "03-43", "03-44")
# Per record (docs/nap-format.md, "The ledgers").
SALES_BASE_TOTAL = ("02-11", "02-12", "02-26", "02-13", "02-14", "02-15", "02-16")  # -> 02-10
SALES_VAT_TOTAL = ("02-21", "02-22", "02-23", "02-24")  # -> 02-20
VIES_COLUMNS = ("02-15", "02-25", "02-17")  # goods, triangular, services -> VIR-04, -05, -06
