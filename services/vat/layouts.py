"""The НАП record layouts as data: every field of every record, in file order, with its code,
width and kind. The writers format and the parser reads by these tables only, so a width is
stated once. Sources and the disputed points: docs/nap-format.md.

Kinds:
  text     left-aligned, space-padded, cut to width
  int      right-aligned, space-padded, no leading zeros
  amount   right-aligned, space-padded, point and exactly two decimals, leading "-" when negative
  coef     the pro-rata coefficient 01-33: "0.75" (two decimals, 4 characters)
  period   "YYYYMM"
  vperiod  "MM/YYYY" (VIES.TXT); in VIR-07 also all spaces
  date     "dd/mm/yyyy"
  doctype  two-digit НАП document type code
  code     a two-character code or two spaces (02-27 / 03-45)
  const    a literal record code (VHR, VDR, ...), the field's `const`
  capacity VIES filer capacity: "A" (authorised person) or "R" (representative)
  postcode four digits, right-aligned, or blank
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    code: str
    width: int
    kind: str
    const: str = ""


@dataclass(frozen=True)
class Layout:
    name: str
    fields: tuple[Field, ...]

    @property
    def width(self) -> int:
        return sum(f.width for f in self.fields)

    def field(self, code: str) -> Field:
        return next(f for f in self.fields if f.code == code)

    def slices(self) -> list[tuple[Field, int, int]]:
        """(field, start, end) with 0-based, end-exclusive offsets."""
        out, start = [], 0
        for f in self.fields:
            out.append((f, start, start + f.width))
            start += f.width
        return out


def _amounts(*codes: str, width: int = 15) -> tuple[Field, ...]:
    return tuple(Field(code, width, "amount") for code in codes)


# docs/nap-format.md, "DEKLAR.TXT": one record, 36 fields, 590 characters.
DEKLAR = Layout(
    "DEKLAR",
    (
        Field("00-01", 15, "text"),
        Field("00-02", 50, "text"),
        Field("00-03", 6, "period"),
        Field("00-04", 50, "text"),
        Field("00-05", 15, "int"),
        Field("00-06", 15, "int"),
        *_amounts("01-01", "01-20", "01-11", "01-21", "01-12", "01-22", "01-23", "01-13", "01-24"),
        *_amounts("01-14", "01-15", "01-16", "01-17", "01-18", "01-19"),
        *_amounts("01-30", "01-31", "01-41", "01-32", "01-42", "01-43"),
        Field("01-33", 4, "coef"),
        *_amounts("01-40", "01-50", "01-60", "01-70", "01-71", "01-80", "01-81", "01-82"),
    ),
)

# docs/nap-format.md, "The ledgers": one record per document, 18 fields, 274 characters. 03-02 comes first.
POKUPKI = Layout(
    "POKUPKI",
    (
        Field("03-02", 15, "text"),
        Field("03-01", 6, "period"),
        Field("03-03", 4, "int"),
        Field("03-04", 15, "int"),
        Field("03-05", 2, "doctype"),
        Field("03-06", 20, "text"),
        Field("03-07", 10, "date"),
        Field("03-08", 15, "text"),
        Field("03-09", 50, "text"),
        Field("03-10", 30, "text"),
        *_amounts("03-30", "03-31", "03-41", "03-32", "03-42", "03-43", "03-44"),
        Field("03-45", 2, "code"),
    ),
)

# docs/nap-format.md, "The ledgers": one record per document, 28 fields, 424 characters.
PRODAGBI = Layout(
    "PRODAGBI",
    (
        Field("02-00", 15, "text"),
        Field("02-01", 6, "period"),
        Field("02-02", 4, "int"),
        Field("02-03", 15, "int"),
        Field("02-04", 2, "doctype"),
        Field("02-05", 20, "text"),
        Field("02-06", 10, "date"),
        Field("02-07", 15, "text"),
        Field("02-08", 50, "text"),
        Field("02-09", 30, "text"),
        *_amounts("02-10", "02-20", "02-11", "02-21", "02-12", "02-26", "02-22", "02-23", "02-13"),
        *_amounts("02-24", "02-14", "02-15", "02-16", "02-17", "02-18", "02-19", "02-25"),
        Field("02-27", 2, "code"),
    ),
)

# docs/nap-format.md, "VIES.TXT": one layout per record type.
VHR = Layout("VHR", (Field("VHR-01", 3, "const", "VHR"), Field("VHR-02", 7, "vperiod"), Field("VHR-03", 5, "int")))
VDR = Layout(
    "VDR",
    (
        Field("VDR-01", 3, "const", "VDR"),
        Field("VDR-02", 15, "text"),
        Field("VDR-03", 150, "text"),
        Field("VDR-04", 50, "text"),
        Field("VDR-05", 4, "postcode"),
        Field("VDR-06", 150, "text"),
        Field("VDR-07", 1, "capacity"),
    ),
)
VTR = Layout(
    "VTR",
    (Field("VTR-01", 3, "const", "VTR"), Field("VTR-02", 15, "text"), Field("VTR-03", 150, "text"), Field("VTR-04", 200, "text")),
)
TTR = Layout("TTR", (Field("TTR-01", 3, "const", "TTR"), *_amounts("TTR-02", "TTR-03", width=12)))
VIR = Layout(
    "VIR",
    (
        Field("VIR-01", 3, "const", "VIR"),
        Field("VIR-02", 5, "int"),
        Field("VIR-03", 15, "text"),
        *_amounts("VIR-04", "VIR-05", "VIR-06", width=12),
        Field("VIR-07", 7, "vperiod"),
    ),
)
CHR = Layout("CHR", (Field("CHR-01", 3, "const", "CHR"), Field("CHR-02", 5, "int")))
VIES_RECORDS = {layout.name: layout for layout in (VHR, VDR, VTR, TTR, VIR, CHR)}

# Document types (НАП nomenclature) each ledger accepts (docs/nap-format.md, "The ledgers").
# 05 and 92 only in purchases; 04, 29, 50, 81-85, 95 only in sales.
SALES_DOCUMENT_TYPES = frozenset(
    ["01", "02", "03", "04", "07", "09", "11", "12", "13", "23", "29", "50", "81", "82", "83", "84", "85", "91", "93", "94", "95"]
)
PURCHASE_DOCUMENT_TYPES = frozenset(["01", "02", "03", "05", "07", "09", "11", "12", "13", "23", "91", "92", "93", "94"])
# Invoices and debit/credit notes carry 10-digit numbers (art. 114 ЗДДС, art. 78 ППЗДДС).
NUMBERED_DOCUMENT_TYPES = frozenset(["01", "02", "03", "11", "12", "13", "23"])
CREDIT_NOTE_TYPES = frozenset(["03", "13", "23"])
INVOICE_TYPES = frozenset(["01", "02", "11", "12"])  # never negative
# Listed in the ledgers but left out of the return's sums (docs/nap-format.md, "Documents left
# out of the sums"): cash-accounting invoices and notes (11, 12, 13) are declared through their
# protocols at payment; call-off-stock registers (04, 05) carry no tax. In the purchase ledger
# also 94, the protocol a recipient in the cash-accounting regime receives: its credit is taken
# at payment through the type-92 protocol, so summing both would count it twice. Decided with
# Dynamics NAV's Bulgarian writer ("VAT Ledgers Management", NAVBG 11), which leaves out
# 11, 12, 13 and 94 of the purchases, as does CyberERP (docs/nap-format.md lists both).
SALES_NOT_IN_RETURN = frozenset(["04", "05", "11", "12", "13"])
PURCHASES_NOT_IN_RETURN = SALES_NOT_IN_RETURN | {"94"}
# Retail sales reports name no single customer.
SALES_REPORT_TYPES = frozenset(["81", "82"])
# Member-state prefixes of EU VAT numbers (VIES spelling: EL = Greece, XI = Northern Ireland).
EU_PREFIXES = frozenset([
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
])  # fmt: skip
