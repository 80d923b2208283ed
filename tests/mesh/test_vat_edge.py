"""The VAT return through the edge: a company and its month booked in ledger over REST, the
return generated, every file downloaded as a real file, and the files read back by the parser."""

import base64
import hashlib
import io
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from services.vat.parser import check_files
from tests.support.api import bearer, login
from tests.support.vat_scenario import ENTRIES, PERIOD
from tests.support.vat_scenario import entry as scenario_entry

GOLDEN = Path(__file__).parents[1] / "data" / "vat" / PERIOD
TEXT_TYPE = "text/plain; charset=windows-1251"


def ok(reply, status: int = 200) -> dict:
    assert reply.status_code == status, reply.text
    return reply.json()


def filer_company(http, headers, name: str, **fields) -> tuple[str, dict[str, str]]:
    """A company with what DEKLAR needs of its filer and the standard chart: (its id, account ids by code)."""
    company = {
        "name": name, "eik": "123456789", "vat_number": "BG123456789", "city": "София", "address": "ул. Примерна 1",
        "representative_type": "MANAGER", "representative_name": "Иван Петров Иванов", "representative_eik": "8001011234",
    }  # fmt: skip
    company_id = ok(http.post("/api/companies", headers=headers, json={"company": company | fields, "with_standard_chart": True}))["id"]
    listed = ok(http.get(f"/api/companies/{company_id}/accounts?page_size=500", headers=headers))["accounts"]
    return company_id, {a["code"]: a["id"] for a in listed}


def book(http, headers, company_id: str, accounts: dict, counterpart_id: str, entry) -> dict:
    """One scenario entry as a posted journal entry with balanced lines."""
    base, vat = Decimal(entry.tax_base), Decimal(entry.vat_amount)
    sign = -1 if base < 0 or vat < 0 else 1
    base, vat, total = abs(base), abs(vat), abs(base) + abs(vat)
    if entry.sales_operation:
        lines = [(accounts["411"], total, 0), (accounts["702"], 0, base)] + ([(accounts["4532"], 0, vat)] if vat else [])
    else:
        lines = [(accounts["304"], base, 0), (accounts["401"], 0, total)] + ([(accounts["4531"], vat, 0)] if vat else [])
    if sign < 0:
        lines = [(a, c, d) for a, d, c in lines]
    entry_body = {
            "document_type": entry.document_type, "document_number": entry.document_number,
            "document_date": entry.document_date, "vat_date": entry.vat_date, "description": entry.description,
            "counterpart_id": counterpart_id, "currency": entry.currency, "purchase_operation": entry.purchase_operation,
            "sales_operation": entry.sales_operation, "tax_base": entry.tax_base, "vat_amount": entry.vat_amount,
            "vat_rate": entry.vat_rate, "lines": [{"account_id": a, "debit": str(d), "credit": str(c)} for a, d, c in lines],
    }  # fmt: skip
    body = {"journal_entry": entry_body}
    created = ok(http.post(f"/api/companies/{company_id}/journal-entries", headers=headers, json=body))
    ok(http.post(f"/api/companies/{company_id}/journal-entries/{created['id']}/post", headers=headers, json={}))
    return created


@pytest.fixture(scope="module")
def company(http, admin) -> str:
    """The scenario's company with its month of November 2025 booked and posted."""
    company_id, accounts = filer_company(
        http, admin, "Примерна фирма ЕООД", is_vat_registered=True, post_code="1000", country="BG", currency="BGN"
    )
    counterparts: dict[tuple, str] = {}
    for entry in ENTRIES:
        key = (entry.counterpart_name, entry.counterpart_vat_number, entry.counterpart_eik)
        if key not in counterparts:
            fields = {
                "name": entry.counterpart_name, "vat_number": entry.counterpart_vat_number, "eik": entry.counterpart_eik,
                "country": entry.counterpart_country,
                "is_customer": bool(entry.sales_operation), "is_supplier": bool(entry.purchase_operation),
            }  # fmt: skip
            body = {"counterpart": {k: v for k, v in fields.items() if v != ""}}
            counterparts[key] = ok(http.post(f"/api/companies/{company_id}/counterparts", headers=admin, json=body))["id"]
        book(http, admin, company_id, accounts, counterparts[key], entry)
    return company_id


def generate(http, headers, company_id: str, **choices) -> dict:
    body = {"period": PERIOD, "choices": {"coefficient": "0.75", "paid": "25.00", **choices}}
    return ok(http.post(f"/api/companies/{company_id}/vat-returns", headers=headers, json=body))


def download(http, headers, company_id: str, return_id: str, name: str) -> bytes:
    reply = http.get(f"/api/companies/{company_id}/vat-returns/{return_id}/files/{name}", headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == TEXT_TYPE
    assert reply.headers["content-disposition"] == f'attachment; filename="{name}"'
    return reply.content


def test_the_month_is_generated_and_downloads_as_the_golden_files(http, admin, company):
    vat_return = generate(http, admin, company)
    assert vat_return["period"] == PERIOD and vat_return["currency"] == "BGN"
    assert vat_return["cells"]["01-01"] == "8250.00" and vat_return["vat_payable"] == "25.00"
    assert sorted(f["name"] for f in vat_return["files"]) == ["DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT"]
    files = {
        name: download(http, admin, company, vat_return["id"], name) for name in ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")
    }
    for name in ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT"):
        assert files[name] == (GOLDEN / name).read_bytes(), name
    # VIES.TXT: ledger keeps one city, so the company's address reads "София, ул. Примерна 1".
    golden_vies = (GOLDEN / "VIES.TXT").read_bytes().split(b"\r\n")
    vies = files["VIES.TXT"].split(b"\r\n")
    assert vies[:2] == golden_vies[:2] and vies[3:] == golden_vies[3:]
    assert vies[2].decode("cp1251")[168:].rstrip() == "София, ул. Примерна 1"
    assert check_files(files).problems == []

    archive = http.get(f"/api/companies/{company}/vat-returns/{vat_return['id']}/zip", headers=admin)
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert {n: z.read(n) for n in z.namelist()} == files
    again = http.get(f"/api/companies/{company}/vat-returns/{vat_return['id']}/zip", headers=admin)
    assert again.content == archive.content  # a filed return downloads as the same bytes


def test_generating_again_makes_a_new_version_and_keeps_the_old_one(http, admin, company):
    first = generate(http, admin, company)
    second = generate(http, admin, company, paid="0.00", offset_art92_1="25.00")
    assert second["version"] == first["version"] + 1
    old = download(http, admin, company, first["id"], "DEKLAR.TXT")
    new = download(http, admin, company, second["id"], "DEKLAR.TXT")
    assert old == (GOLDEN / "DEKLAR.TXT").read_bytes() and new != old
    listed = ok(http.get(f"/api/companies/{company}/vat-returns?period={PERIOD}", headers=admin))["vat_returns"]
    assert [r["version"] for r in listed][:2] == [second["version"], first["version"]]
    got = ok(http.get(f"/api/companies/{company}/vat-returns/{first['id']}", headers=admin))
    assert got["cells"]["01-71"] == "25.00" and got["choices"] == {"coefficient": "0.75", "paid": "25.00"}


def test_a_create_repeated_with_the_same_request_id_returns_the_first_version(http, admin, company):
    body = {"period": PERIOD, "choices": {"coefficient": "0.75", "paid": "25.00"}, "request_id": str(uuid.uuid4())}
    replies = [ok(http.post(f"/api/companies/{company}/vat-returns", headers=admin, json=body)) for _ in range(3)]
    assert replies[1] == replies[0] and replies[2] == replies[0]
    fresh = ok(http.post(f"/api/companies/{company}/vat-returns", headers=admin, json={**body, "request_id": str(uuid.uuid4())}))
    assert fresh["version"] == replies[0]["version"] + 1


def test_the_old_route_answers_with_the_files_in_base64(http, admin, company):
    reply = ok(
        http.post(
            f"/api/vat/generate/{PERIOD}", headers=admin, json={"companyId": company, "choices": {"coefficient": "0.75", "paid": "25.00"}}
        )
    )
    assert sorted(reply) == ["DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT"]
    assert base64.b64decode(reply["PRODAGBI.TXT"]) == (GOLDEN / "PRODAGBI.TXT").read_bytes()


def test_a_month_that_cannot_be_written_is_refused_with_every_problem(http, admin, company):
    reply = http.post(f"/api/companies/{company}/vat-returns", headers=admin, json={"period": PERIOD, "choices": {"paid": "25.00"}})
    assert reply.status_code == 400, reply.text
    assert "choices.coefficient" in reply.text  # partial credit needs the coefficient
    bad = http.post(f"/api/companies/{company}/vat-returns", headers=admin, json={"period": "202513"})
    assert bad.status_code == 400 and "period" in bad.text


def test_an_entry_that_breaks_the_files_is_named_by_its_id(http, admin):
    company_id, accounts = filer_company(http, admin, "Грешен запис ООД")
    supplier = {"counterpart": {"name": "Доставчик ЕООД", "vat_number": "BG175074752", "country": "BG", "is_supplier": True}}
    counterpart = ok(http.post(f"/api/companies/{company_id}/counterparts", headers=admin, json=supplier))["id"]
    good = scenario_entry("0000000001", "10", purchase="1-10-1", base="100.00", vat="20.00")
    # A document number over the 20 characters POKUPKI.TXT holds.
    broken = scenario_entry("0000000002-ABCDEFGHIJKL", "10", purchase="1-10-1", base="100.00", vat="20.00")
    book(http, admin, company_id, accounts, counterpart, good)
    broken_id = book(http, admin, company_id, accounts, counterpart, broken)["id"]

    reply = http.post(f"/api/companies/{company_id}/vat-returns", headers=admin, json={"period": PERIOD})
    assert reply.status_code == 400, reply.text
    [failure] = [d for d in reply.json()["details"] if d["@type"].endswith("google.rpc.PreconditionFailure")]
    [violation] = failure["violations"]
    assert violation["type"] == "VAT_ENTRY"
    assert violation["subject"] == f"journal-entries/{broken_id}"  # the entry by its id, for a client to link to
    named = "document 01 0000000002-ABCDEFGHIJKL of 2025-11-10"  # and for a person, with what is wrong
    assert violation["description"] == f"{named}: document_number: is missing or longer than 20 characters"


def test_an_empty_month_gives_a_return_of_zeros(http, admin, company):
    vat_return = ok(http.post(f"/api/companies/{company}/vat-returns", headers=admin, json={"period": "202510"}))
    assert {f["name"]: f["size"] for f in vat_return["files"]} == {"DEKLAR.TXT": 592, "POKUPKI.TXT": 0, "PRODAGBI.TXT": 0}
    assert download(http, admin, company, vat_return["id"], "POKUPKI.TXT") == b""


def test_the_check_route_reads_files_back_and_names_broken_fields(http, admin):
    files = {name: (GOLDEN / name).read_bytes() for name in ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")}
    good = ok(http.post("/api/vat/check", headers=admin, json={"files": {n: base64.b64encode(d).decode() for n, d in files.items()}}))
    assert good["ok"] is True and good["records"]["PRODAGBI.TXT"] == 9 and good["cells"]["01-40"] == "270.00"
    files["PRODAGBI.TXT"] = files["PRODAGBI.TXT"].replace(b"        1000.00", b"        1000,00", 1)
    bad = ok(http.post("/api/vat/check", headers=admin, json={"files": {n: base64.b64encode(d).decode() for n, d in files.items()}}))
    assert bad["ok"] is False
    assert {"file": "PRODAGBI.TXT", "record": 1, "field": "02-10", "severity": "SEVERITY_ERROR"} in [
        {k: p[k] for k in ("file", "record", "field", "severity")} for p in bad["problems"]
    ]
    files["PRODAGBI.TXT"] = (GOLDEN / "PRODAGBI.TXT").read_bytes()
    files["VIES.TXT"] = files["VIES.TXT"][: -len(b"\r\nCHR    0")]  # as NAV and Odoo write it
    warned = ok(http.post("/api/vat/check", headers=admin, json={"files": {n: base64.b64encode(d).decode() for n, d in files.items()}}))
    assert warned["ok"] is True
    assert [(p["file"], p["severity"]) for p in warned["problems"]] == [("VIES.TXT", "SEVERITY_WARNING")]


def test_a_caller_without_access_to_the_company_gets_403(http, admin, company, new_user, groups):
    group = next(name for name in groups if name != "viewers" and name != "administrators") if len(groups) > 2 else "administrators"
    user, password = new_user(group)
    headers = bearer(login(http, user["username"], password)["token"])
    for reply in (
        http.post(f"/api/companies/{company}/vat-returns", headers=headers, json={"period": PERIOD}),
        http.get(f"/api/companies/{company}/vat-returns", headers=headers),
        http.post(f"/api/vat/generate/{PERIOD}", headers=headers, json={"company_id": company}),
        http.post(f"/api/companies/{uuid.uuid4()}/vat-returns", headers=headers, json={"period": PERIOD}),
    ):
        assert reply.status_code == 403, reply.text


def test_a_big_month_streams_in_chunks_and_its_zip_holds_the_same_bytes(http, admin, mesh):
    """6,000 entries: PRODAGBI.TXT is over 1 MiB, so it is stored, downloaded and zipped in
    several chunks; every byte comes back as generated."""
    import asyncio

    from bench.vat_return import book, new_company

    company_id, counterparts = new_company(http, admin, "Голям месец ООД")

    async def month():
        conn = await mesh.database("ledger")
        try:
            await book(conn, company_id, counterparts, 6000)
        finally:
            await conn.close()

    asyncio.run(month())
    made = ok(http.post(f"/api/companies/{company_id}/vat-returns", headers=admin, json={"period": "202603"}))
    facts = {f["name"]: f for f in made["files"]}
    assert facts["PRODAGBI.TXT"]["size"] > 1024 * 1024 and facts["PRODAGBI.TXT"]["records"] == 4200
    files = {}
    for name, f in facts.items():
        files[name] = download(http, admin, company_id, made["id"], name)
        assert len(files[name]) == f["size"] and hashlib.sha256(files[name]).hexdigest() == f["sha256"], name
    assert check_files(files).ok
    archive = http.get(f"/api/companies/{company_id}/vat-returns/{made['id']}/zip", headers=admin)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert z.testzip() is None and {n: z.read(n) for n in z.namelist()} == files
