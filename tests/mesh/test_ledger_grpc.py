"""The ledger over native gRPC, as the VAT service and other services use it: the VAT stream of
a month with counterparts joined, and what happens when vies is down."""

import asyncio
import time
import uuid

import grpc
import pytest
from baraba.ledger.v1 import ledger_pb2 as pb
from baraba.ledger.v1 import ledger_pb2_grpc as rpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from tests.support.api import bearer, error_of, login, service_channel
from tests.support.ledger import accounts_by_code, create_company, line


def auth(headers: dict):
    return (("authorization", headers["authorization"]),)


@pytest.fixture(scope="module")
def ledger(mesh):
    """The ledger as the VAT service calls it: StreamVatEntries is internal to the mesh."""
    with service_channel(mesh, "ledger") as channel:
        yield rpc.JournalEntryServiceStub(channel)


def stream_batches(ledger, headers, company_id: str, period: str) -> list[pb.VatLedgerEntryBatch]:
    return list(ledger.StreamVatEntries(pb.StreamVatEntriesRequest(company_id=company_id, period=period), metadata=auth(headers)))


def stream(ledger, headers, company_id: str, period: str) -> list[pb.VatLedgerEntry]:
    return [entry for batch in stream_batches(ledger, headers, company_id, period) for entry in batch.entries]


def stream_by_column(ledger, headers, company_id: str, period: str) -> list[pb.VatLedgerEntry]:
    """The stream as the VAT service reads it (by_column), each batch's columns split back into entries."""
    request = pb.StreamVatEntriesRequest(company_id=company_id, period=period, by_column=True)
    entries = []
    for batch in ledger.StreamVatEntries(request, metadata=auth(headers)):
        assert not batch.entries and batch.columns.count > 0
        names = [f.name for f in pb.VatLedgerEntry.DESCRIPTOR.fields]
        columns = {name: getattr(batch.columns, name).split("\0") for name in names}
        assert {len(values) for values in columns.values()} == {batch.columns.count}
        entries += [pb.VatLedgerEntry(**{name: columns[name][i] for name in names}) for i in range(batch.columns.count)]
    return entries


@pytest.fixture(scope="module")
def books(http, admin):
    """A company with a month of varied entries: what the VAT stream must and must not return."""
    company = create_company(http, admin, name="ДДС Тест ООД", eik="202020202", vat_number="BG202020202")
    cid = company["id"]
    acc = accounts_by_code(http, admin, cid)

    def counterpart(**fields):
        reply = http.post(f"/api/companies/{cid}/counterparts", headers=admin, json={"counterpart": fields})
        assert reply.status_code == 200, reply.text
        return reply.json()

    supplier = counterpart(name="Доставчик ЕООД", eik="131468980", vat_number="BG131468980", city="Пловдив", is_supplier=True)
    customer = counterpart(name="Kunde GmbH", vat_number="DE136695976", city="Berlin", country="DE", is_customer=True)

    def entry(
        name,
        *,
        post=True,
        document_type="01",
        number,
        document_date,
        vat_date="",
        purchase="",
        sales="",
        base="100.00",
        vat="20.00",
        who=None,
        lines,
    ):
        body = {
            "document_type": document_type,
            "document_number": number,
            "document_date": document_date,
            "vat_date": vat_date,
            "description": name,
            "counterpart_id": who["id"] if who else "",
            "purchase_operation": purchase,
            "sales_operation": sales,
            "tax_base": base,
            "vat_amount": vat,
            "vat_rate": "20",
            "lines": lines,
        }
        reply = http.post(f"/api/companies/{cid}/journal-entries", headers=admin, json={"journal_entry": body})
        assert reply.status_code == 200, reply.text
        created = reply.json()
        if post:
            assert http.post(f"/api/companies/{cid}/journal-entries/{created['id']}/post", headers=admin, json={}).status_code == 200
        return created

    purchase_lines = [line(acc["601"], debit="100.00"), line(acc["4531"], debit="20.00"), line(acc["401"], credit="120.00")]
    sale_lines = [line(acc["411"], debit="240.00"), line(acc["703"], credit="200.00"), line(acc["4532"], credit="40.00")]
    credit_note_lines = [line(acc["401"], debit="60.00"), line(acc["601"], credit="50.00"), line(acc["4531"], credit="10.00")]
    made = {
        "purchase": entry(
            "purchase",
            number="P-100",
            document_date="2025-03-10",
            vat_date="2025-03-10",
            purchase="1-10-1",
            who=supplier,
            lines=purchase_lines,
        ),
        "sale": entry(
            "sale",
            number="0000000007",
            document_date="2025-03-05",
            vat_date="2025-03-05",
            sales="2-11",
            base="200.00",
            vat="40.00",
            who=customer,
            lines=sale_lines,
        ),
        "credit_note": entry(
            "credit note",
            document_type="03",
            number="P-101",
            document_date="2025-03-10",
            vat_date="2025-03-12",
            purchase="1-10-1",
            base="-50.00",
            vat="-10.00",
            who=supplier,
            lines=credit_note_lines,
        ),
        "both": entry(
            "both ledgers",
            document_type="09",
            number="PR-1",
            document_date="2025-03-20",
            vat_date="2025-03-20",
            purchase="1-10-1",
            sales="2-11",
            lines=purchase_lines,
        ),
        "no_counterpart": entry(
            "cash sale report",
            document_type="81",
            number="Z-3",
            document_date="2025-03-31",
            vat_date="2025-03-31",
            sales="2-11",
            lines=sale_lines,
        ),
        "draft": entry(
            "draft",
            post=False,
            number="P-102",
            document_date="2025-03-11",
            vat_date="2025-03-11",
            purchase="1-10-1",
            who=supplier,
            lines=purchase_lines,
        ),
        "no_vat": entry(
            "payment",
            document_type="",
            number="",
            document_date="2025-03-15",
            who=supplier,
            lines=[line(acc["401"], debit="120.00"), line(acc["503"], credit="120.00")],
        ),
        "april_vat_date": entry(
            "late", number="P-103", document_date="2025-03-28", vat_date="2025-04-02", purchase="1-10-1", who=supplier, lines=purchase_lines
        ),
    }
    return company, made


def test_the_vat_stream_returns_a_months_entries_with_counterparts_joined(ledger, admin, books):
    company, made = books
    entries = stream(ledger, admin, company["id"], "202503")
    assert [e.description for e in entries] == ["sale", "purchase", "credit note", "both ledgers", "cash sale report"]
    sale, purchase, credit_note, both, report = entries
    assert (purchase.entry_id, purchase.entry_number) == (made["purchase"]["id"], made["purchase"]["entry_number"])
    assert (purchase.document_type, purchase.document_number, purchase.document_date, purchase.vat_date) == (
        "01",
        "P-100",
        "2025-03-10",
        "2025-03-10",
    )
    assert (purchase.purchase_operation, purchase.sales_operation, purchase.tax_base, purchase.vat_amount, purchase.vat_rate) == (
        "1-10-1",
        "",
        "100.00",
        "20.00",
        "20",
    )
    assert (purchase.counterpart_name, purchase.counterpart_city, purchase.counterpart_country) == ("Доставчик ЕООД", "Пловдив", "BG")
    assert (purchase.counterpart_vat_number, purchase.counterpart_eik, purchase.currency) == ("BG131468980", "131468980", "BGN")
    assert (sale.sales_operation, sale.counterpart_country, sale.counterpart_vat_number, sale.counterpart_eik) == (
        "2-11",
        "DE",
        "DE136695976",
        "",
    )
    assert (credit_note.document_type, credit_note.tax_base, credit_note.vat_amount) == ("03", "-50.00", "-10.00")
    assert (both.purchase_operation, both.sales_operation) == ("1-10-1", "2-11")
    assert (report.counterpart_name, report.counterpart_vat_number) == ("", "")

    april = stream(ledger, admin, company["id"], "202504")
    assert [e.entry_id for e in april] == [made["april_vat_date"]["id"]]
    assert stream(ledger, admin, company["id"], "202502") == []
    assert stream_by_column(ledger, admin, company["id"], "202503") == entries  # empty texts too
    assert stream_by_column(ledger, admin, company["id"], "202502") == []


def test_the_vat_stream_reads_a_large_month_in_batches_without_losing_or_repeating_rows(mesh, http, admin, ledger):
    """More rows than one server batch, many sharing a document date: the keyset must carry
    across batch boundaries exactly."""
    company = create_company(http, admin, name="Голям месец ООД")
    count = 2_345
    asyncio.run(_insert_vat_entries(mesh, company["id"], count, admin_id=login_id(http, admin)))
    batches = stream_batches(ledger, admin, company["id"], "202406")
    assert len(batches) > 1 and all(batch.entries for batch in batches)
    entries = [entry for batch in batches for entry in batch.entries]
    assert len(entries) == count
    assert len({e.entry_id for e in entries}) == count
    keys = [(e.document_date, e.document_type, e.document_number) for e in entries]
    assert keys == sorted(keys)
    assert {(e.tax_base, e.vat_amount, e.vat_rate) for e in entries} == {("100.00", "20.00", "20"), ("100.00", "9.50", "9.5")}
    assert stream_by_column(ledger, admin, company["id"], "202406") == entries


def login_id(http, headers) -> str:
    return http.get("/api/auth/me", headers=headers).json()["id"]


async def _insert_vat_entries(mesh, company_id: str, count: int, admin_id: str) -> None:
    """Writes posted VAT entries straight into the ledger's database (quicker than the API
    for thousands); 7 document dates, so most rows tie on the date."""
    conn = await mesh.database("ledger")
    try:
        await conn.execute(
            """
            INSERT INTO journal_entries (id, company_id, number, document_type, document_number, document_date,
                accounting_date, vat_date, description, currency, purchase_operation, sales_operation, tax_base,
                vat_amount, vat_rate, total_debit, total_credit, is_posted, posted_at, posted_by, created_by)
            SELECT gen_random_uuid(), $1, n, CASE WHEN n % 5 = 0 THEN '03' ELSE '01' END, lpad((n % 400)::text, 10, '0'),
                DATE '2024-06-01' + (n % 7), DATE '2024-06-01' + (n % 7), DATE '2024-06-01' + (n % 7), 'bulk', 'BGN',
                '1-10-1', '', 100, CASE WHEN n % 2 = 0 THEN 20 ELSE 9.5 END, CASE WHEN n % 2 = 0 THEN 20 ELSE 9.5 END,
                120, 120, true, now(), $2, $2
            FROM generate_series(1, $3) AS n
            """,
            uuid.UUID(company_id),
            uuid.UUID(admin_id),
            count,
        )
        await conn.execute("UPDATE entry_counters SET last_number = $2 WHERE company_id = $1", uuid.UUID(company_id), count)
    finally:
        await conn.close()


def test_the_vat_stream_needs_the_vat_returns_permission_and_a_grant(ledger, http, admin, books, new_user):
    company, _ = books
    viewer, password = new_user("viewers")
    http.post("/api/user-companies", headers=admin, json={"user_id": viewer["id"], "company_id": company["id"]})
    viewer_headers = bearer(login(http, viewer["username"], password)["token"])
    with pytest.raises(grpc.RpcError) as denied:
        stream(ledger, viewer_headers, company["id"], "202503")
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED and "vat_returns" in (denied.value.details() or "")

    accountant, password = new_user("accountants")  # may file VAT returns, but has no grant
    with pytest.raises(grpc.RpcError) as no_grant:
        stream(ledger, bearer(login(http, accountant["username"], password)["token"]), company["id"], "202503")
    assert no_grant.value.code() == grpc.StatusCode.PERMISSION_DENIED

    with pytest.raises(grpc.RpcError) as bad:
        stream(ledger, admin, company["id"], "202513")
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "period" in (bad.value.details() or "")


def test_a_list_view_the_contract_does_not_define_is_refused_naming_the_field(ledger, admin, books):
    """gRPC clients can send any number for an enum; only the defined views are answered."""
    with pytest.raises(grpc.RpcError) as bad:
        ledger.ListJournalEntries(pb.ListJournalEntriesRequest(company_id=books[0]["id"], view=7), metadata=auth(admin))  # type: ignore[arg-type]
    status = rpc_status.from_call(bad.value)
    assert status is not None and status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    violations = error_details_pb2.BadRequest()
    next(d for d in status.details if d.Is(error_details_pb2.BadRequest.DESCRIPTOR)).Unpack(violations)
    assert [v.field for v in violations.field_violations] == ["view"]
    basic = ledger.ListJournalEntries(
        pb.ListJournalEntriesRequest(company_id=books[0]["id"], view=pb.JOURNAL_ENTRY_VIEW_BASIC), metadata=auth(admin)
    )
    assert basic.journal_entries and not any(entry.lines for entry in basic.journal_entries)


def test_validate_vat_while_vies_is_down_is_a_clear_503_and_changes_nothing(mesh, http, admin, books):
    company, _ = books
    cid = company["id"]
    found = http.get(f"/api/companies/{cid}/counterparts/search", headers=admin, params={"q": "BG131468980"}).json()["counterparts"][0]
    mesh.stop_service("vies")
    try:
        reply = http.post(f"/api/companies/{cid}/counterparts/validate-vat", headers=admin, json={"vat_number": "BG131468980"})
        assert reply.status_code == 503
        message = error_of(reply)["message"]
        assert "vies service is unavailable" in message and "nothing was changed" in message
    finally:
        mesh.start_service("vies")
    after = http.get(f"/api/companies/{cid}/counterparts/{found['id']}", headers=admin).json()
    assert after == found

    # Back up: the ledger's channel reconnects on its own (give it its reconnect backoff).
    deadline = time.monotonic() + 20
    while (
        checked := http.post(f"/api/companies/{cid}/counterparts/validate-vat", headers=admin, json={"vat_number": "BG131468980"})
    ).status_code == 503:
        assert time.monotonic() < deadline, checked.text
        time.sleep(0.5)
    assert checked.status_code == 200, checked.text
    assert checked.json()["counterpart"]["vies_status"] == "valid"
