"""Approval: a reviewed invoice booked in the ledger as a draft journal entry, against the
counterpart found by VAT number or ЕИК (created when the ledger has none). The ledger's
request ids derive from the scanned invoice, so approving twice books once."""

from baraba.ledger.v1 import ledger_pb2
from baraba.ledger.v1 import ledger_pb2_grpc as ledger_rpc

from services.kernel.errors import FailedPrecondition, InvalidArgument
from services.scanner import booking
from services.scanner.invoices import Invoices
from services.scanner.peers import ledger
from services.scanner.store import ScannedInvoice


class Approvals:
    def __init__(self, invoices: Invoices):
        self.invoices = invoices

    async def approve(self, company_id: str, invoice_id: str, account_code: str) -> ScannedInvoice:
        row = await self.invoices.get(company_id, invoice_id)
        if row.status == "APPROVED":
            return row  # approving twice books once
        if row.status != "PENDING":
            raise FailedPrecondition(
                f"the scanned invoice is {row.status.lower()}; only a pending one can be approved", reason="WRONG_STATUS"
            )
        values = {name: f["value"] for name, f in row.fields.items()}
        company = await ledger(ledger_rpc.CompanyServiceStub, "GetCompany", ledger_pb2.GetCompanyRequest(company_id=company_id))
        accounts = await _accounts(company, row.direction, account_code)
        entry = booking.entry_for(values, row.direction, accounts)  # checks completeness before anything is created
        counterpart_id = await _counterpart(company_id, str(row.id), values, row.direction)
        created = await ledger(
            ledger_rpc.JournalEntryServiceStub,
            "CreateJournalEntry",
            ledger_pb2.CreateJournalEntryRequest(
                company_id=company_id,
                request_id=booking.request_id(str(row.id), "journal-entry"),
                journal_entry=ledger_pb2.JournalEntryInput(
                    document_type=entry.document_type,
                    document_number=entry.document_number,
                    document_date=entry.document_date,
                    vat_date=entry.vat_date,
                    description=entry.description,
                    counterpart_id=counterpart_id,
                    currency=entry.currency,
                    purchase_operation=entry.purchase_operation,
                    sales_operation=entry.sales_operation,
                    tax_base=str(entry.tax_base),
                    vat_amount=str(entry.vat_amount),
                    vat_rate=str(entry.vat_rate),
                    lines=[
                        ledger_pb2.EntryLineInput(
                            account_id=ln.account_id,
                            debit=str(ln.debit),
                            credit=str(ln.credit),
                            description=ln.description,
                            counterpart_id=counterpart_id,
                        )
                        for ln in entry.lines
                    ],
                ),
            ),
        )

        async def change(r):
            r.status, r.journal_entry_id, r.counterpart_id = "APPROVED", created.id, counterpart_id

        try:
            return await self.invoices.change(company_id, invoice_id, change)
        except FailedPrecondition:
            return await self.invoices.get(company_id, invoice_id)  # approved meanwhile by a parallel call: same entry


async def _accounts(company, direction: str, account_code: str) -> booking.Accounts:
    if direction == "PURCHASE":
        accounts = booking.Accounts(company.suppliers_account_id, company.vat_receivable_account_id, company.expenses_account_id)
    elif direction == "SALE":
        accounts = booking.Accounts(company.customers_account_id, company.vat_payable_account_id, company.revenues_account_id)
    else:
        raise FailedPrecondition("set the direction (purchase or sale) before approving", reason="INCOMPLETE_INVOICE")
    if account_code:
        if account_code[0] != ("6" if direction == "PURCHASE" else "7"):
            raise InvalidArgument.field("account_code", "a purchase books to a 6xx expense account, a sale to a 7xx revenue account")
        found = await ledger(
            ledger_rpc.AccountServiceStub,
            "ListAccounts",
            ledger_pb2.ListAccountsRequest(company_id=company.id, code_prefix=account_code, page_size=50),
        )
        match = next((a for a in found.accounts if a.code == account_code), None)
        if match is None:
            raise InvalidArgument.field("account_code", f"the company has no account {account_code}")
        accounts = booking.Accounts(accounts.counterparty, accounts.vat, match.id)
    if not all((accounts.counterparty, accounts.vat, accounts.expense_or_revenue)):
        raise FailedPrecondition("the company's default accounts are not set in the ledger", reason="NO_DEFAULT_ACCOUNTS")
    return accounts


async def _counterpart(company_id: str, invoice_id: str, values: dict[str, str], direction: str) -> str:
    role = "supplier" if direction == "PURCHASE" else "recipient"
    eik, vat, name = values.get(f"{role}_eik", ""), values.get(f"{role}_vat_number", ""), values.get(f"{role}_name", "")
    for q in (vat, eik):
        if not q:
            continue
        found = await ledger(
            ledger_rpc.CounterpartServiceStub,
            "SearchCounterparts",
            ledger_pb2.SearchCounterpartsRequest(company_id=company_id, q=q, page_size=20),
        )
        for c in found.counterparts:
            if (eik and c.eik == eik) or (vat and c.vat_number == vat):
                return c.id
    if not name:
        raise FailedPrecondition(f"the {role}'s name is missing", reason="INCOMPLETE_INVOICE")
    created = await ledger(
        ledger_rpc.CounterpartServiceStub,
        "CreateCounterpart",
        ledger_pb2.CreateCounterpartRequest(
            company_id=company_id,
            request_id=booking.request_id(invoice_id, "counterpart"),
            counterpart=ledger_pb2.CounterpartInput(
                name=name,
                eik=eik,
                vat_number=vat,
                country=(vat[:2] if vat else "BG"),
                is_supplier=role == "supplier",
                is_customer=role == "recipient",
                is_vat_registered=bool(vat),
                iban=values["iban"] if role == "supplier" and values.get("iban") else None,
            ),
        ),
    )
    return created.id
