"""The scanner through the edge, as a browser or curl uses it: upload (raw and multipart),
review, VIES, batches, approval into the ledger, and company isolation."""

import asyncio
import json
import time
import uuid

import pytest

from tests.support.api import bearer, login, service_log
from tests.support.azure_standin import KEY, AzureStandIn, running_azure_standin
from tests.support.scanner_invoices import ALFA, empty_pdf, render_image, render_pdf, sample_invoices

INVOICES = sample_invoices()
SALE = INVOICES[0]  # ALFA is the supplier
PURCHASE = INVOICES[5]  # ALFA is the recipient
CREDIT_NOTE = INVOICES[1]  # ALFA receives a credit note


@pytest.fixture(scope="module")
def company(http, admin) -> str:
    """A company in the ledger whose ЕИК is ALFA's (the admin gets access on create)."""
    reply = http.post(
        "/api/companies",
        headers=admin,
        json={"company": {"name": ALFA.name, "eik": ALFA.eik, "vat_number": ALFA.vat}, "request_id": str(uuid.uuid4())},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["id"]


def upload(http, headers, company_id: str, data: bytes, content_type: str = "application/pdf", name: str = ""):
    params = {"company_id": company_id, **({"file_name": name} if name else {})}
    return http.post("/api/scan", params=params, headers={**headers, "content-type": content_type}, content=data)


def fields(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["fields"]


def scanned(http, headers, company_id, inv=SALE) -> dict:
    reply = upload(http, headers, company_id, render_pdf(inv), name=f"{inv.number}.pdf")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_a_raw_pdf_upload_is_recognised_with_every_field(http, admin, company):
    reply = upload(http, admin, company, render_pdf(SALE), name="f.pdf")
    body = reply.json()
    assert fields(reply) == SALE.truth()
    assert body["status"] == "INVOICE_STATUS_PENDING"
    assert body["source"] == "text_layer"
    assert body["direction"] == "DIRECTION_SALE"  # the company is the supplier
    assert body["requires_review"] is False and body["confidence"] >= 0.99
    total = next(e for e in body["evidence"] if e["field"] == "total")
    assert total["page"] == 1 and "Сума за плащане" in total["text"] and 0 < total["x0"] < total["x1"] <= 1


def test_a_scanned_image_is_read_by_ocr(http, admin, company):
    reply = upload(http, admin, company, render_image(render_pdf(PURCHASE)), "image/png")
    body = reply.json()
    got = fields(reply)
    assert body["source"] == "ocr"
    assert body["direction"] == "DIRECTION_PURCHASE"
    for name in ("number", "issue_date", "supplier_eik", "supplier_vat_number", "tax_base", "vat_amount", "total", "currency"):
        assert got[name] == PURCHASE.truth()[name], name


def test_a_multipart_upload_as_a_browser_sends_it(http, admin, company):
    reply = http.post(
        "/api/scan",
        params={"company_id": company},
        headers=admin,
        files={"file": ("faktura.pdf", render_pdf(SALE), "application/pdf")},
        data={"invoiceType": "sales"},
    )
    assert fields(reply)["total"] == str(SALE.total)
    assert reply.json()["file_name"] == "faktura.pdf"


def test_an_empty_pdf_gives_an_empty_result_with_the_reason(http, admin, company):
    body = upload(http, admin, company, empty_pdf()).json()
    assert body["source"] == "none"
    assert "no text" in body["empty_reason"]
    assert body["requires_review"] is True
    assert body["fields"]["total"] == ""


def test_garbage_bytes_are_400_naming_the_file(http, admin, company):
    reply = upload(http, admin, company, b"\x00\x01garbage" * 100, "application/pdf")
    assert reply.status_code == 400
    assert reply.json()["details"][-1]["field_violations"][0]["field"] == "file"
    broken_pdf = upload(http, admin, company, b"%PDF-1.7\n" + b"\x13" * 500)
    assert broken_pdf.status_code == 400, broken_pdf.text


def test_an_oversize_file_is_refused_with_a_clear_message(http, admin, company):
    over_limit = upload(http, admin, company, b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    assert over_limit.status_code == 400
    assert "at most 20 MB" in over_limit.json()["message"]
    over_edge = upload(http, admin, company, b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024))
    assert over_edge.status_code == 413


def test_found_vat_numbers_are_checked_with_vies(http, admin, company, mesh):
    reply = upload(http, admin, company, render_pdf(PURCHASE))
    checks = {c["party"]: c for c in reply.json()["vat_checks"]}
    assert checks["supplier"]["vat_number"] == PURCHASE.supplier.vat
    assert checks["recipient"]["vat_number"] == PURCHASE.recipient.vat
    assert all(c["status"] in ("VALID", "INVALID", "ERROR") and c["checked_at"] for c in checks.values())
    request_id = reply.headers["x-request-id"]
    vies_rpcs = [json.loads(line) for line in service_log(mesh, "vies").splitlines() if request_id in line]
    assert any(r.get("rpc", "").endswith("ViesService/CheckVatNumber") for r in vies_rpcs)


def test_review_list_get_correct_reject_delete_download(http, admin, company):
    first = scanned(http, admin, company)
    second = scanned(http, admin, company, PURCHASE)
    base = f"/api/companies/{company}/scanned-invoices"

    got = http.get(f"{base}/{first['id']}", headers=admin).json()
    assert got["fields"] == first["fields"]

    page = http.get(base, params={"status": "INVOICE_STATUS_PENDING", "page_size": 1}, headers=admin).json()
    assert len(page["scanned_invoices"]) == 1 and page["next_page_token"]
    assert page["scanned_invoices"][0]["id"] == second["id"]  # newest first
    nxt = http.get(
        base, params={"status": "INVOICE_STATUS_PENDING", "page_size": 1, "page_token": page["next_page_token"]}, headers=admin
    ).json()
    assert nxt["scanned_invoices"][0]["id"] == first["id"]

    corrected = http.put(f"{base}/{first['id']}", headers=admin, json={"fields": {"number": "0000009999", "total": "1.00"}})
    assert corrected.status_code == 200, corrected.text
    evidence = {e["field"]: e for e in corrected.json()["evidence"]}
    assert evidence["number"]["value"] == "0000009999" and evidence["number"]["source"] == "manual"
    assert corrected.json()["fields"]["supplier_name"] == SALE.supplier.name  # untouched
    bad = http.put(f"{base}/{first['id']}", headers=admin, json={"fields": {"total": "12,5"}})
    assert bad.status_code == 400 and "fields.total" in bad.text

    download = http.get(f"{base}/{second['id']}/download-pdf", headers=admin)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.content == render_pdf(PURCHASE)

    rejected = http.post(f"{base}/{first['id']}/reject", headers=admin, json={"reason": "duplicate"})
    assert rejected.json()["status"] == "INVOICE_STATUS_REJECTED"
    assert http.post(f"{base}/{first['id']}/approve", headers=admin, json={}).status_code == 400  # FAILED_PRECONDITION

    assert http.delete(f"{base}/{first['id']}", headers=admin).status_code == 200
    assert http.get(f"{base}/{first['id']}", headers=admin).status_code == 404


def test_next_pending_skips_the_current_one(http, admin, company):
    base = f"/api/companies/{company}/scanned-invoices"
    one = http.get(f"{base}/next-pending", headers=admin).json()
    other = http.get(f"{base}/next-pending", params={"current_id": one["id"]}, headers=admin).json()
    assert one["status"] == other["status"] == "INVOICE_STATUS_PENDING"
    assert other["id"] != one["id"]


def _entry(http, headers, company_id, entry_id) -> dict:
    reply = http.get(f"/api/companies/{company_id}/journal-entries/{entry_id}", headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("inv", "debits", "credits", "doc_type"),
    [
        (PURCHASE, {"601": PURCHASE.tax_base, "4531": PURCHASE.vat_amount}, {"401": PURCHASE.total}, "01"),
        (SALE, {"411": SALE.total}, {"703": SALE.tax_base, "4532": SALE.vat_amount}, "01"),
        (CREDIT_NOTE, {"401": CREDIT_NOTE.total}, {"601": CREDIT_NOTE.tax_base, "4531": CREDIT_NOTE.vat_amount}, "03"),
    ],
    ids=["purchase", "sale", "credit-note"],
)
def test_approve_books_a_balanced_draft_with_vat_fields(http, admin, company, inv, debits, credits, doc_type):
    from decimal import Decimal

    invoice = scanned(http, admin, company, inv)
    reply = http.post(f"/api/companies/{company}/scanned-invoices/{invoice['id']}/approve", headers=admin, json={})
    assert reply.status_code == 200, reply.text
    approved = reply.json()
    assert approved["status"] == "INVOICE_STATUS_APPROVED" and approved["journal_entry_id"] and approved["counterpart_id"]

    entry = _entry(http, admin, company, approved["journal_entry_id"])
    assert entry["is_posted"] is False
    assert Decimal(entry["total_debit"]) == Decimal(entry["total_credit"]) == inv.total
    got_debits = {ln["account_code"]: Decimal(ln["debit"]) for ln in entry["lines"] if Decimal(ln["debit"] or "0")}
    got_credits = {ln["account_code"]: Decimal(ln["credit"]) for ln in entry["lines"] if Decimal(ln["credit"] or "0")}
    assert got_debits == debits and got_credits == credits
    sign = -1 if inv.doc_type == "credit_note" else 1
    assert entry["document_type"] == doc_type and entry["document_number"] == inv.number
    assert Decimal(entry["tax_base"]) == sign * inv.tax_base and Decimal(entry["vat_amount"]) == sign * inv.vat_amount
    assert Decimal(entry["vat_rate"]) == inv.vat_rate
    assert entry["vat_date"] == inv.tax_event_date.isoformat() and entry["counterpart_id"] == approved["counterpart_id"]

    counterpart = http.get(f"/api/companies/{company}/counterparts/{approved['counterpart_id']}", headers=admin).json()
    party = inv.supplier if invoice["direction"] == "DIRECTION_PURCHASE" else inv.recipient
    assert counterpart["eik"] == party.eik and counterpart["vat_number"] == party.vat


def test_approving_twice_books_once_and_counterparts_are_reused(http, admin, company):
    first = scanned(http, admin, company, PURCHASE)
    url = f"/api/companies/{company}/scanned-invoices/{first['id']}/approve"
    once = http.post(url, headers=admin, json={}).json()
    twice = http.post(url, headers=admin, json={}).json()
    assert once["journal_entry_id"] == twice["journal_entry_id"]
    entries = http.get(f"/api/companies/{company}/journal-entries", headers=admin, params={"page_size": 500}).json()["journal_entries"]
    assert sum(e["id"] == once["journal_entry_id"] for e in entries) == 1
    # Another invoice of the same supplier finds the counterpart instead of creating one.
    other = scanned(http, admin, company, PURCHASE)
    again = http.post(f"/api/companies/{company}/scanned-invoices/{other['id']}/approve", headers=admin, json={}).json()
    assert again["counterpart_id"] == once["counterpart_id"]
    assert again["journal_entry_id"] != once["journal_entry_id"]


def test_another_companys_user_is_refused(http, admin, company, new_user, groups):
    mine = scanned(http, admin, company)
    group = next((g for g in ("accountants", "administrators", "admins") if g in groups), None) or next(iter(groups))
    user, password = new_user(group)
    stranger = bearer(login(http, user["username"], password)["token"])
    base = f"/api/companies/{company}/scanned-invoices"
    for reply in (
        http.get(f"{base}/{mine['id']}", headers=stranger),
        http.get(base, headers=stranger),
        http.get(f"{base}/{mine['id']}/download-pdf", headers=stranger),
        http.post(f"{base}/{mine['id']}/approve", headers=stranger, json={}),
        upload(http, stranger, company, render_pdf(SALE)),
    ):
        assert reply.status_code in (403, 404), reply.text
    # Another company's id in the path does not reach this company's invoice either.
    assert http.get(f"/api/companies/{uuid.uuid4()}/scanned-invoices/{mine['id']}", headers=admin).status_code in (403, 404)


def test_a_batch_reports_progress_until_it_ends(http, admin, company):
    files = [("files", (f"{inv.number}.png", render_image(render_pdf(inv)), "image/png")) for inv in INVOICES[:3]]
    files.append(("files", ("junk.pdf", b"not a pdf at all", "application/pdf")))
    started = http.post("/api/scan/batch", params={"company_id": company}, headers=admin, files=files)
    assert started.status_code == 200, started.text
    session = started.json()
    assert session["total_files"] == 4 and session["status"] == "SESSION_STATUS_PROCESSING"
    seen = [session["done_files"]]
    deadline = time.monotonic() + 120
    while session["status"] == "SESSION_STATUS_PROCESSING" and time.monotonic() < deadline:
        time.sleep(0.5)
        session = http.get(f"/api/scan/sessions/{session['id']}/status", params={"company_id": company}, headers=admin).json()
        seen.append(session["done_files"])
    assert session["status"] == "SESSION_STATUS_COMPLETED"
    assert seen == sorted(seen) and seen[-1] == 4 and len(set(seen)) > 1
    assert session["progress_percent"] == 100 and session["failed_files"] == 1
    statuses = [i["status"] for i in session["invoices"]]
    assert statuses == ["INVOICE_STATUS_PENDING"] * 3 + ["INVOICE_STATUS_FAILED"]
    assert [i["fields"]["total"] for i in session["invoices"][:3]] == [str(inv.total) for inv in INVOICES[:3]]


def test_cancelling_a_batch_stops_the_remaining_files(http, admin, company):
    files = [("files", (f"{i}.png", render_image(render_pdf(INVOICES[i % 9])), "image/png")) for i in range(8)]
    session = http.post("/api/scan/batch", params={"company_id": company}, headers=admin, files=files).json()
    cancelled = http.post(f"/api/scan/sessions/{session['id']}/cancel", params={"company_id": company}, headers=admin, json={})
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "SESSION_STATUS_CANCELLED"
    statuses = [i["status"] for i in body["invoices"]]
    assert (
        "INVOICE_STATUS_CANCELLED" in statuses and "INVOICE_STATUS_QUEUED" not in statuses and "INVOICE_STATUS_PROCESSING" not in statuses
    )
    time.sleep(2)  # nothing keeps working on it afterwards
    later = http.get(f"/api/scan/sessions/{session['id']}", params={"company_id": company}, headers=admin).json()
    assert [i["status"] for i in later["invoices"]] == statuses


def test_a_company_that_configures_azure_is_read_by_azure(http, admin, company, mesh):
    with running_azure_standin() as endpoint:
        settings = http.put(
            f"/api/companies/{company}/scanner-settings",
            headers=admin,
            json={"engine": "azure", "azure_endpoint": endpoint, "azure_key": KEY},
        )
        assert settings.status_code == 200, settings.text
        assert KEY not in settings.text  # the key is write-only
        try:
            reply = upload(http, admin, company, render_pdf(SALE), name="f.pdf")
            assert reply.status_code == 200, reply.text
            assert reply.json()["source"] == "azure"
            assert fields(reply)["total"] == "270.72" and fields(reply)["supplier_vat_number"] == "BG203456783"
            assert AzureStandIn.received[-1][1] == "application/pdf"
        finally:
            http.put(f"/api/companies/{company}/scanner-settings", headers=admin, json={"engine": "local"})
    assert upload(http, admin, company, render_pdf(SALE), name="f.pdf").json()["source"] == "text_layer"
    assert KEY not in service_log(mesh, "scanner")


def test_the_azure_key_is_sealed_in_the_database(http, admin, company, mesh):
    http.put(
        f"/api/companies/{company}/scanner-settings",
        headers=admin,
        json={"engine": "local", "azure_endpoint": "https://x.example", "azure_key": KEY},
    )

    async def stored() -> str:
        conn = await mesh.database("scanner")
        try:
            return await conn.fetchval("SELECT azure_key FROM recognition_settings WHERE company_id = $1", uuid.UUID(company))
        finally:
            await conn.close()

    sealed = asyncio.run(stored())
    assert sealed.startswith("sealed:v1:") and KEY not in sealed
    assert http.get(f"/api/companies/{company}/scanner-settings", headers=admin).json()["azure_key_set"] is True


def test_an_invoice_of_an_unseen_layout_is_recognised_with_its_lines_corrected_and_booked(http, admin):
    """A held-out layout ("Издател" heads the supplier, recipient on the left, no grid) read
    through the edge, its lines corrected in review, and approved into the right entry."""
    from decimal import Decimal

    from tests.support.invoice_corpus import corpus, text_pdf

    inv = next(i for i in corpus("held_out", ["letterhead"]) if i.doc_type == "invoice" and i.company == i.recipient and len(i.items) > 1)
    reply = http.post(
        "/api/companies",
        headers=admin,
        json={
            "company": {"name": inv.company.name, "eik": inv.company.eik, "vat_number": inv.company.vat},
            "request_id": str(uuid.uuid4()),
        },
    )
    assert reply.status_code == 200, reply.text
    company = reply.json()["id"]
    body = upload(http, admin, company, text_pdf(inv), name="unseen.pdf").json()
    assert body["fields"] == inv.truth() and body["direction"] == "DIRECTION_PURCHASE" and body["requires_review"] is False
    lines = [
        (i["description"], Decimal(i["quantity"]), i["unit"], Decimal(i["unit_price"]), Decimal(i["amount"])) for i in body["line_items"]
    ]
    assert lines == [(i.description, i.quantity, i.unit, i.unit_price, i.amount) for i in inv.items]

    base = f"/api/companies/{company}/scanned-invoices/{body['id']}"
    first, *rest = body["line_items"]
    keep = [{k: i[k] for k in ("description", "quantity", "unit", "unit_price", "amount", "vat_rate")} for i in rest]
    corrected = http.put(base, headers=admin, json={"line_items": {"items": [{**keep[0], "description": "Поправено описание"}, *keep[1:]]}})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["line_items"][0]["description"] == "Поправено описание"
    assert any("line items add up to" in r for r in corrected.json()["review_reasons"])  # the first line was dropped
    assert http.put(base, headers=admin, json={"line_items": {"items": [{"description": "x", "amount": "1,5"}]}}).status_code == 400
    restored = http.put(base, headers=admin, json={"line_items": {"items": [{k: first[k] for k in keep[0]}, *keep]}}).json()
    assert restored["requires_review"] is False and len(restored["line_items"]) == len(inv.items)
    untouched = http.put(base, headers=admin, json={"fields": {"number": inv.number}}).json()
    assert len(untouched["line_items"]) == len(inv.items)  # no line_items in the request: the lines stay

    approved = http.post(f"{base}/approve", headers=admin, json={})
    assert approved.status_code == 200, approved.text
    entry = _entry(http, admin, company, approved.json()["journal_entry_id"])
    debits = {ln["account_code"]: Decimal(ln["debit"]) for ln in entry["lines"] if Decimal(ln["debit"] or "0")}
    credits = {ln["account_code"]: Decimal(ln["credit"]) for ln in entry["lines"] if Decimal(ln["credit"] or "0")}
    assert debits == {"601": inv.tax_base, "4531": inv.vat_amount} and credits == {"401": inv.total}
    assert entry["document_number"] == inv.number and entry["vat_date"] == inv.tax_event_date.isoformat()
    counterpart = http.get(f"/api/companies/{company}/counterparts/{approved.json()['counterpart_id']}", headers=admin).json()
    assert (counterpart["name"], counterpart["eik"]) == (inv.supplier.name, inv.supplier.eik)
