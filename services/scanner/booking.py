"""How an approved invoice is booked: a balanced draft journal entry with its VAT fields.

purchase:  Dr expense (60x)  base  /  Dr VAT on purchases (4531)  VAT  /  Cr supplier (401)  total
sale:      Dr customer (411) total  /  Cr revenue (70x)  base  /  Cr VAT on sales (4532)  VAT
A credit note is booked the other way round and its VAT figures are negative."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from services.kernel.errors import FailedPrecondition

NAP_DOCUMENT_TYPES = {"invoice": "01", "debit_note": "02", "credit_note": "03"}
SALES_OPERATIONS = {Decimal("20"): "2-11", Decimal("9"): "2-17"}
PURCHASE_FULL_CREDIT = "1-10-1"
# Derives the ledger's request ids from the scanned invoice, so approving twice books once.
NAMESPACE = uuid.UUID("5c1e2f0a-2b7d-4c57-9d0e-7a4b0c6a5e31")


@dataclass(frozen=True)
class Accounts:
    counterparty: str  # 401 or 411
    vat: str  # 4531 or 4532
    expense_or_revenue: str  # 60x or 70x


@dataclass(frozen=True)
class EntryLine:
    account_id: str
    debit: Decimal
    credit: Decimal
    description: str


@dataclass(frozen=True)
class Entry:
    document_type: str
    document_number: str
    document_date: str
    vat_date: str
    description: str
    currency: str
    purchase_operation: str
    sales_operation: str
    tax_base: Decimal
    vat_amount: Decimal
    vat_rate: Decimal
    lines: list[EntryLine]


def request_id(scanned_invoice_id: str, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{scanned_invoice_id}:{what}"))


def entry_for(fields: dict[str, str], direction: str, accounts: Accounts) -> Entry:
    missing = [n for n in ("document_type", "number", "issue_date", "tax_base", "vat_amount", "total") if not fields.get(n)]
    if direction not in ("PURCHASE", "SALE"):
        missing.append("direction")
    if missing:
        raise FailedPrecondition(f"cannot book before these are filled in: {', '.join(missing)}", reason="INCOMPLETE_INVOICE")
    base, vat, total = (Decimal(fields[n]).copy_abs() for n in ("tax_base", "vat_amount", "total"))
    if base + vat != total:
        raise FailedPrecondition(
            f"tax base {base} + VAT {vat} is not the total {total}: correct the amounts first", reason="AMOUNTS_DO_NOT_ADD_UP"
        )
    if total == 0:
        raise FailedPrecondition("the total is 0: nothing to book", reason="AMOUNTS_DO_NOT_ADD_UP")
    rate = Decimal(fields.get("vat_rate") or "0")
    party = fields.get("supplier_name" if direction == "PURCHASE" else "recipient_name", "")
    what = {"invoice": "Фактура", "debit_note": "Дебитно известие", "credit_note": "Кредитно известие"}[fields["document_type"]]
    description = f"{what} № {fields['number']} от {party}" if direction == "PURCHASE" else f"{what} № {fields['number']} на {party}"
    if direction == "PURCHASE":
        # (account, amount on the debit side when positive)
        sides = [(accounts.expense_or_revenue, base), (accounts.vat, vat), (accounts.counterparty, -total)]
    else:
        sides = [(accounts.counterparty, total), (accounts.expense_or_revenue, -base), (accounts.vat, -vat)]
    credit_note = fields["document_type"] == "credit_note"
    lines = []
    for account, amount in sides:
        if credit_note:
            amount = -amount
        if amount:
            lines.append(EntryLine(account, max(amount, Decimal(0)), max(-amount, Decimal(0)), description))
    sign = -1 if credit_note else 1
    return Entry(
        document_type=NAP_DOCUMENT_TYPES[fields["document_type"]],
        document_number=fields["number"],
        document_date=fields["issue_date"],
        vat_date=fields.get("tax_event_date") or fields["issue_date"],
        description=description,
        currency=fields.get("currency", ""),
        purchase_operation=PURCHASE_FULL_CREDIT if direction == "PURCHASE" and vat else "",
        sales_operation=SALES_OPERATIONS.get(rate, "") if direction == "SALE" else "",
        tax_base=sign * base,
        vat_amount=sign * vat,
        vat_rate=rate,
        lines=lines,
    )
