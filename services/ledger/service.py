"""The ledger's servicers: proto <-> domain, nothing else."""

from collections.abc import Mapping

from baraba.ledger.v1 import ledger_pb2 as pb
from baraba.ledger.v1 import ledger_pb2_grpc as rpc
from google.protobuf import empty_pb2
from google.protobuf.message import Message

from services.kernel.fields import timestamp, timestamp_from_micros
from services.ledger.accounts import Accounts
from services.ledger.companies import Companies
from services.ledger.counterparts import Counterparts
from services.ledger.entries import ENTRY_FIELDS, ENTRY_TIMES, LINE_FIELDS, Entry, JournalEntries
from services.ledger.values import iso, money
from services.ledger.vat_rates import VatRates
from services.ledger.vat_stream import VatStream


def _id(value) -> str:
    return str(value) if value is not None else ""


def _present(message: Message) -> dict:
    """The fields of an *Input message the client sent (they are all `optional`)."""
    return {f.name: getattr(message, f.name) for f in message.DESCRIPTOR.fields if message.HasField(f.name)}


def _copy(row: Mapping, message_type, *, ids: tuple[str, ...] = (), times: tuple[str, ...] = ("created_at", "updated_at"), **extra):
    """A message from a row: plain fields by name, ids as strings, timestamps converted."""
    skip = set(ids) | set(times) | set(extra)
    values = {f.name: row[f.name] for f in message_type.DESCRIPTOR.fields if f.name in row and f.name not in skip}
    values.update({name: _id(row[name]) for name in ids})
    values.update({name: timestamp(row[name]) for name in times})
    return message_type(**values, **extra)


# --- companies ---------------------------------------------------------------------------

COMPANY_IDS = (
    "id",
    "cash_account_id",
    "bank_account_id",
    "customers_account_id",
    "suppliers_account_id",
    "vat_payable_account_id",
    "vat_receivable_account_id",
    "expenses_account_id",
    "revenues_account_id",
)


def company_message(row) -> pb.Company:
    return _copy(row._mapping, pb.Company, ids=COMPANY_IDS)


class CompanyServicer(rpc.CompanyServiceServicer):
    def __init__(self, companies: Companies):
        self.companies = companies

    async def ListCompanies(self, request, context):
        rows, next_token, total = await self.companies.list(request.page_size, request.page_token)
        return pb.ListCompaniesResponse(companies=[company_message(r) for r in rows], next_page_token=next_token, total_size=total)

    async def GetCompany(self, request, context):
        return company_message(await self.companies.get(request.company_id))

    async def CreateCompany(self, request, context):
        with_chart = request.with_standard_chart if request.HasField("with_standard_chart") else True
        return company_message(await self.companies.create(_present(request.company), with_chart, request.request_id))

    async def UpdateCompany(self, request, context):
        return company_message(await self.companies.update(request.company_id, _present(request.company)))

    async def DeleteCompany(self, request, context):
        await self.companies.delete(request.company_id)
        return empty_pb2.Empty()


# --- accounts ----------------------------------------------------------------------------


def account_message(row) -> pb.Account:
    return _copy(row._mapping, pb.Account, ids=("id", "company_id", "parent_id"))


class AccountServicer(rpc.AccountServiceServicer):
    def __init__(self, accounts: Accounts):
        self.accounts = accounts

    async def ListAccounts(self, request, context):
        rows, next_token, total = await self.accounts.list(
            request.company_id, request.page_size, request.page_token, request.code_prefix, request.include_inactive
        )
        return pb.ListAccountsResponse(accounts=[account_message(r) for r in rows], next_page_token=next_token, total_size=total)

    async def GetAccount(self, request, context):
        return account_message(await self.accounts.get(request.company_id, request.id))

    async def CreateAccount(self, request, context):
        return account_message(await self.accounts.create(request.company_id, _present(request.account), request.request_id))

    async def UpdateAccount(self, request, context):
        return account_message(await self.accounts.update(request.company_id, request.id, _present(request.account)))

    async def DeleteAccount(self, request, context):
        await self.accounts.delete(request.company_id, request.id)
        return empty_pb2.Empty()


# --- counterparts ------------------------------------------------------------------------


def counterpart_message(row) -> pb.Counterpart:
    return _copy(row._mapping, pb.Counterpart, ids=("id", "company_id"), times=("created_at", "updated_at", "vat_validated_at"))


class CounterpartServicer(rpc.CounterpartServiceServicer):
    def __init__(self, counterparts: Counterparts):
        self.counterparts = counterparts

    async def ListCounterparts(self, request, context):
        rows, next_token, total = await self.counterparts.list(
            request.company_id,
            request.page_size,
            request.page_token,
            request.customers_only,
            request.suppliers_only,
            request.vat_registered_only,
        )
        return pb.ListCounterpartsResponse(
            counterparts=[counterpart_message(r) for r in rows], next_page_token=next_token, total_size=total
        )

    async def SearchCounterparts(self, request, context):
        rows = await self.counterparts.search(request.company_id, request.q, request.page_size)
        return pb.SearchCounterpartsResponse(counterparts=[counterpart_message(r) for r in rows])

    async def GetCounterpart(self, request, context):
        return counterpart_message(await self.counterparts.get(request.company_id, request.id))

    async def CreateCounterpart(self, request, context):
        return counterpart_message(await self.counterparts.create(request.company_id, _present(request.counterpart), request.request_id))

    async def UpdateCounterpart(self, request, context):
        return counterpart_message(await self.counterparts.update(request.company_id, request.id, _present(request.counterpart)))

    async def DeleteCounterpart(self, request, context):
        await self.counterparts.delete(request.company_id, request.id)
        return empty_pb2.Empty()

    async def ValidateCounterpartVat(self, request, context):
        check, counterpart = await self.counterparts.validate_vat(request.company_id, request.vat_number)
        return pb.ValidateCounterpartVatResponse(
            exists=counterpart is not None,
            counterpart_id=_id(counterpart.id) if counterpart is not None else "",
            valid=check.valid,
            name=check.name,
            address=check.address,
            country_code=check.country_code,
            checked_at=timestamp(check.checked_at),
            counterpart=counterpart_message(counterpart) if counterpart is not None else None,
        )


# --- VAT rates ---------------------------------------------------------------------------


def vat_rate_message(row) -> pb.VatRate:
    values = row._mapping
    return _copy(
        values,
        pb.VatRate,
        ids=("id", "company_id"),
        percentage=money(values["percentage"]),
        effective_from=iso(values["effective_from"]),
        effective_to=iso(values["effective_to"]),
    )


class VatRateServicer(rpc.VatRateServiceServicer):
    def __init__(self, rates: VatRates):
        self.rates = rates

    async def ListVatRates(self, request, context):
        rows, next_token, total = await self.rates.list(request.company_id, request.active_only, request.page_size, request.page_token)
        return pb.ListVatRatesResponse(vat_rates=[vat_rate_message(r) for r in rows], next_page_token=next_token, total_size=total)

    async def GetVatRate(self, request, context):
        return vat_rate_message(await self.rates.get(request.company_id, request.id))

    async def CreateVatRate(self, request, context):
        return vat_rate_message(await self.rates.create(request.company_id, _present(request.vat_rate), request.request_id))

    async def UpdateVatRate(self, request, context):
        return vat_rate_message(await self.rates.update(request.company_id, request.id, _present(request.vat_rate)))

    async def DeleteVatRate(self, request, context):
        await self.rates.delete(request.company_id, request.id)
        return empty_pb2.Empty()


# --- journal entries ---------------------------------------------------------------------


def entry_input(message: pb.JournalEntryInput) -> dict:
    raw = {name: getattr(message, name) for name in ENTRY_FIELDS}
    raw["lines"] = [{name: getattr(line, name) for name in LINE_FIELDS} for line in message.lines]
    return raw


def entry_fields(entry: Entry) -> dict:
    """A JournalEntry's fields, as its constructor takes them. The entry's fields are the
    message's already (rendered by the ledger's statements), but for its times, which come as
    microseconds. A list's entries go to its constructor as such dicts: built in place, where
    messages would be copied."""
    fields = dict(entry.header, lines=entry.lines)
    for name in ENTRY_TIMES:
        fields[name] = timestamp_from_micros(fields[name])
    return fields


def entry_message(entry: Entry) -> pb.JournalEntry:
    return pb.JournalEntry(**entry_fields(entry))


def vat_ledger_batch(rows, by_column: bool) -> pb.VatLedgerEntryBatch:
    """Rows of the VAT stream: every column is already a field of VatLedgerEntry, as text, in
    the field order (so the rows turned into columns are VatLedgerColumns' fields)."""
    if by_column:
        columns = zip(rows[0].keys(), zip(*rows, strict=True), strict=True)
        return pb.VatLedgerEntryBatch(columns=pb.VatLedgerColumns(count=len(rows), **{name: "\0".join(values) for name, values in columns}))
    return pb.VatLedgerEntryBatch(entries=[pb.VatLedgerEntry(**row) for row in rows])


class JournalEntryServicer(rpc.JournalEntryServiceServicer):
    def __init__(self, entries: JournalEntries, vat_stream: VatStream):
        self.entries = entries
        self.vat_stream = vat_stream

    async def ListJournalEntries(self, request, context):
        filters = {
            "date_from": request.date_from,
            "date_to": request.date_to,
            "posted": request.posted if request.HasField("posted") else None,
            "counterpart_id": request.counterpart_id,
            "document_type": request.document_type,
        }
        with_lines = request.view != pb.JOURNAL_ENTRY_VIEW_BASIC  # unset is FULL, as before views existed
        entries, next_token, total = await self.entries.list(
            request.company_id, request.page_size, request.page_token, filters, with_lines=with_lines
        )
        return pb.ListJournalEntriesResponse(
            journal_entries=[entry_fields(e) for e in entries], next_page_token=next_token, total_size=total
        )

    async def GetJournalEntry(self, request, context):
        return entry_message(await self.entries.get(request.company_id, request.id))

    async def CreateJournalEntry(self, request, context):
        return entry_message(await self.entries.create(request.company_id, entry_input(request.journal_entry), request.request_id))

    async def UpdateJournalEntry(self, request, context):
        return entry_message(await self.entries.update(request.company_id, request.id, entry_input(request.journal_entry)))

    async def DeleteJournalEntry(self, request, context):
        await self.entries.delete(request.company_id, request.id)
        return empty_pb2.Empty()

    async def PostJournalEntry(self, request, context):
        return entry_message(await self.entries.post(request.company_id, request.id))

    async def UnpostJournalEntry(self, request, context):
        return entry_message(await self.entries.unpost(request.company_id, request.id))

    async def StreamVatEntries(self, request, context):
        async for rows in self.vat_stream.batches(request.company_id, request.period):
            yield vat_ledger_batch(rows, request.by_column)
