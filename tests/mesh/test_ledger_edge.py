"""The ledger through the real Envoy edge, over plain HTTP: the REST contract a browser (or
curl) sees. Companies, the standard chart, counterparts, VAT rates and journal entries."""

import concurrent.futures
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.api import bearer, error_of, field_violations, login
from tests.support.contracts import company_routes, request_for
from tests.support.ledger import accounts_by_code, create_company, create_entry, number_rows_held, purchase_invoice


@pytest.fixture(scope="module")
def company(http, admin) -> dict:
    return create_company(http, admin)


@pytest.fixture(scope="module")
def accounts(http, admin, company) -> dict[str, dict]:
    return accounts_by_code(http, admin, company["id"])


@pytest.fixture(scope="module")
def supplier(http, admin, company) -> dict:
    reply = http.post(
        f"/api/companies/{company['id']}/counterparts",
        headers=admin,
        json={
            "counterpart": {
                "name": "Доставчик ЕООД",
                "eik": "131468980",
                "vat_number": "BG131468980",
                "city": "Пловдив",
                "is_supplier": True,
            }
        },
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


# --- companies and the standard chart ----------------------------------------------------------


def test_a_new_company_has_the_bulgarian_chart_and_its_default_accounts(http, admin, company, accounts):
    by_id = {a["id"]: a for a in accounts.values()}
    defaults = {
        "suppliers_account_id": "401",
        "customers_account_id": "411",
        "vat_receivable_account_id": "4531",
        "vat_payable_account_id": "4532",
        "cash_account_id": "501",
        "bank_account_id": "503",
        "expenses_account_id": "601",
        "revenues_account_id": "703",
    }
    assert {field: by_id[company[field]]["code"] for field in defaults} == defaults
    assert accounts["401"]["name"] == "Доставчици"
    assert accounts["4531"]["name"] == "Начислен ДДС за покупките"
    assert accounts["4538"]["account_type"] == "LIABILITY"
    assert {str(code) for code in range(1, 8)} <= set(accounts)
    assert {"601", "602", "603", "604", "605", "609", "701", "702", "703", "709"} <= set(accounts)
    # The hierarchy: 4531 under 453 under 45 under class 4.
    assert accounts["4531"]["parent_id"] == accounts["453"]["id"]
    assert accounts["453"]["parent_id"] == accounts["45"]["id"]
    assert accounts["45"]["parent_id"] == accounts["4"]["id"]
    assert [accounts[c]["level"] for c in ("4", "45", "453", "4531")] == [1, 2, 3, 4]
    assert accounts["4531"]["vat_applicable"] == "INPUT" and accounts["4532"]["vat_applicable"] == "OUTPUT"


def test_a_new_company_has_the_bulgarian_vat_rates(http, admin, company):
    reply = http.get(f"/api/companies/{company['id']}/vat-rates", headers=admin, params={"active_only": True})
    assert reply.status_code == 200, reply.text
    rates = [(r["name"], r["percentage"], r["vat_code"]) for r in reply.json()["vat_rates"]]
    assert rates == [("20%", "20.00", "S"), ("9%", "9.00", "AA"), ("0%", "0.00", "Z"), ("Освободена", "0.00", "E")]


def test_the_creator_sees_the_new_company_in_their_list_at_once(http, admin, company):
    reply = http.get("/api/companies", headers=admin, params={"page_size": 500})
    assert reply.status_code == 200, reply.text
    assert company["id"] in [c["id"] for c in reply.json()["companies"]]
    mine = http.get("/api/user-companies/my", headers=admin).json()["grants"]
    assert company["id"] in [g["company_id"] for g in mine]


def test_a_company_without_the_standard_chart_starts_empty(http, admin):
    bare = http.post(
        "/api/companies", headers=admin, json={"company": {"name": "Празна ЕООД", "eik": "200000001"}, "with_standard_chart": False}
    )
    assert bare.status_code == 200, bare.text
    assert bare.json()["suppliers_account_id"] == ""
    assert accounts_by_code(http, admin, bare.json()["id"]) == {}


def test_company_fields_are_checked(http, admin):
    reply = http.post(
        "/api/companies", headers=admin, json={"company": {"name": "", "eik": "12", "vat_number": "DE123456789", "vat_period": "yearly"}}
    )
    assert reply.status_code == 400
    assert set(field_violations(reply)) == {"company.name", "company.eik", "company.vat_number", "company.vat_period"}
    missing = http.post("/api/companies", headers=admin, json={"company": {"name": "Без ЕИК"}})
    assert missing.status_code == 400
    assert field_violations(missing) == {"company.eik": "is required"}


def test_updating_a_company_changes_only_the_fields_sent(http, admin):
    company = create_company(http, admin, city="София")
    reply = http.put(
        f"/api/companies/{company['id']}",
        headers=admin,
        json={"company": {"nap_office": "ТД на НАП София", "representative_name": "Иван Иванов"}},
    )
    assert reply.status_code == 200, reply.text
    updated = reply.json()
    assert (updated["nap_office"], updated["representative_name"], updated["city"], updated["name"]) == (
        "ТД на НАП София",
        "Иван Иванов",
        "София",
        company["name"],
    )
    foreign = http.put(f"/api/companies/{company['id']}", headers=admin, json={"company": {"cash_account_id": str(uuid.uuid4())}})
    assert foreign.status_code == 400
    assert "company.cash_account_id" in field_violations(foreign)


def test_only_users_who_may_manage_companies_create_them(http, new_user):
    user, password = new_user("accountants")
    headers = bearer(login(http, user["username"], password)["token"])
    reply = http.post("/api/companies", headers=headers, json={"company": {"name": "Моя ЕООД", "eik": "200000002"}})
    assert reply.status_code == 403
    assert "manage_companies" in error_of(reply)["message"]


def test_a_company_with_journal_entries_cannot_be_deleted_one_without_can(http, admin):
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    assert create_entry(http, admin, company["id"], purchase_invoice(accounts)).status_code == 200
    refused = http.delete(f"/api/companies/{company['id']}", headers=admin)
    assert refused.status_code == 400 and error_of(refused)["code"] == 9  # FAILED_PRECONDITION
    assert "journal entries" in error_of(refused)["message"]

    empty = create_company(http, admin)
    assert http.delete(f"/api/companies/{empty['id']}", headers=admin).status_code == 200
    assert http.get(f"/api/companies/{empty['id']}", headers=admin).status_code in (403, 404)
    # Its grants went with it.
    assert empty["id"] not in [g["company_id"] for g in http.get("/api/user-companies", headers=admin).json()["grants"]]


# --- the "done when" scenario -----------------------------------------------------------------


def test_a_person_records_a_purchase_invoice_end_to_end(http, admin):
    """Create a company with the chart, add a supplier, post a balanced purchase invoice
    (601 and 4531 to 401) and read it back, as curl would."""
    company = create_company(http, admin, name="Сценарий ООД", eik="121212121", vat_number="BG121212121")
    cid = company["id"]
    accounts = accounts_by_code(http, admin, cid)
    supplier = http.post(
        f"/api/companies/{cid}/counterparts",
        headers=admin,
        json={
            "counterpart": {"name": "Материали АД", "eik": "175074752", "vat_number": "BG175074752", "city": "София", "is_supplier": True}
        },
    ).json()
    created = create_entry(http, admin, cid, purchase_invoice(accounts, supplier["id"], base="1000.00", vat="200.00"))
    assert created.status_code == 200, created.text
    entry = created.json()
    assert (entry["entry_number"], entry["is_posted"], entry["total_debit"], entry["total_credit"]) == ("1", False, "1200.00", "1200.00")
    posted = http.post(f"/api/companies/{cid}/journal-entries/{entry['id']}/post", headers=admin, json={})
    assert posted.status_code == 200, posted.text
    assert posted.json()["is_posted"] is True and posted.json()["posted_at"]

    read = http.get(f"/api/companies/{cid}/journal-entries/{entry['id']}", headers=admin).json()
    assert read["is_posted"] is True
    assert read["counterpart_id"] == supplier["id"]
    assert (read["document_type"], read["document_number"], read["purchase_operation"], read["currency"]) == (
        "01",
        "0000000001",
        "1-10-1",
        "BGN",
    )
    assert [(x["account_code"], x["debit"], x["credit"]) for x in read["lines"]] == [
        ("601", "1000.00", "0.00"),
        ("4531", "200.00", "0.00"),
        ("401", "0.00", "1200.00"),
    ]


# --- journal entries --------------------------------------------------------------------------


def test_a_balanced_entry_is_created_with_the_next_number(http, admin, company, accounts):
    first = create_entry(http, admin, company["id"], purchase_invoice(accounts, number="A-1"))
    second = create_entry(http, admin, company["id"], purchase_invoice(accounts, number="A-2"))
    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    assert int(second.json()["entry_number"]) == int(first.json()["entry_number"]) + 1


def test_an_unbalanced_entry_is_refused_naming_the_difference(http, admin, company, accounts):
    entry = purchase_invoice(accounts)
    entry["lines"][2]["credit"] = "100.00"
    reply = create_entry(http, admin, company["id"], entry)
    assert reply.status_code == 400
    assert field_violations(reply) == {
        "journal_entry.lines": "the entry does not balance: debits 120.00 ≠ credits 100.00, difference 20.00"
    }


@pytest.mark.parametrize(
    ("debit", "credit", "field", "message"),
    [
        ("10.005", "", "journal_entry.lines[1].debit", "must have at most 2 decimals"),
        ("12,50", "", "journal_entry.lines[1].debit", "must be a decimal number"),
        ("1e3", "", "journal_entry.lines[1].debit", "must be a decimal number"),
        ("-20.00", "", "journal_entry.lines[1].debit", "must not be negative"),
        ("99999999999999", "", "journal_entry.lines[1].debit", "must be less than"),
        ("20.00", "20.00", "journal_entry.lines[1]", "either a debit or a credit"),
        ("", "", "journal_entry.lines[1]", "needs a debit or a credit"),
    ],
)
def test_bad_amounts_are_refused_naming_the_line(http, admin, company, accounts, debit, credit, field, message):
    entry = purchase_invoice(accounts)
    entry["lines"][1].update(debit=debit, credit=credit)
    reply = create_entry(http, admin, company["id"], entry)
    assert reply.status_code == 400, reply.text
    assert message in field_violations(reply)[field]


def test_entry_rules_across_fields(http, admin, company, accounts):
    entry = purchase_invoice(accounts)
    entry.update(document_number="", vat_date="", accounting_date="2025-03-01")
    entry["lines"][0]["account_id"] = accounts["60"]["id"]  # a group, not a postable account
    entry["lines"][1]["account_id"] = str(uuid.uuid4())
    reply = create_entry(http, admin, company["id"], entry)
    assert reply.status_code == 400
    assert set(field_violations(reply)) == {
        "journal_entry.document_number",
        "journal_entry.vat_date",
        "journal_entry.accounting_date",
    }
    entry = purchase_invoice(accounts)
    entry["lines"][0]["account_id"] = accounts["60"]["id"]
    entry["lines"][1]["account_id"] = str(uuid.uuid4())
    reply = create_entry(http, admin, company["id"], entry)
    assert field_violations(reply) == {
        "journal_entry.lines[0].account_id": "account 60 has sub-accounts: post to one of them",
        "journal_entry.lines[1].account_id": "is not an account of this company",
    }


def test_a_posted_entry_is_immutable_until_unposted(http, admin, company, accounts):
    entry = create_entry(http, admin, company["id"], purchase_invoice(accounts)).json()
    url = f"/api/companies/{company['id']}/journal-entries/{entry['id']}"
    assert http.post(f"{url}/post", headers=admin, json={}).status_code == 200
    changed = purchase_invoice(accounts, base="50.00", vat="10.00")
    refused = http.put(url, headers=admin, json={"journal_entry": changed})
    assert refused.status_code == 400 and error_of(refused)["code"] == 9
    assert "is posted" in error_of(refused)["message"]
    assert http.delete(url, headers=admin).status_code == 400
    assert http.post(f"{url}/post", headers=admin, json={}).status_code == 400  # already posted
    assert http.get(url, headers=admin).json()["total_debit"] == "120.00"

    assert http.post(f"{url}/unpost", headers=admin, json={}).status_code == 200
    updated = http.put(url, headers=admin, json={"journal_entry": changed})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["entry_number"], updated.json()["total_debit"]) == (entry["entry_number"], "60.00")
    assert http.delete(url, headers=admin).status_code == 200
    assert http.get(url, headers=admin).status_code == 404


def test_posting_needs_the_post_entries_permission(http, admin, company, accounts, new_user):
    entry = create_entry(http, admin, company["id"], purchase_invoice(accounts)).json()
    viewer, password = new_user("viewers")
    http.post("/api/user-companies", headers=admin, json={"user_id": viewer["id"], "company_id": company["id"]})
    headers = bearer(login(http, viewer["username"], password)["token"])
    url = f"/api/companies/{company['id']}/journal-entries/{entry['id']}"
    assert http.get(url, headers=headers).status_code == 200  # a grant is enough to read
    for action in ("post", "unpost"):
        reply = http.post(f"{url}/{action}", headers=headers, json={})
        assert reply.status_code == 403 and "post_entries" in error_of(reply)["message"]


def test_a_create_repeated_with_the_same_request_id_returns_the_first_entry(http, admin, company, accounts):
    request_id = str(uuid.uuid4())
    before = http.get(f"/api/companies/{company['id']}/journal-entries", headers=admin).json()["total_size"]
    replies = [create_entry(http, admin, company["id"], purchase_invoice(accounts), request_id=request_id) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert len({(r.json()["id"], r.json()["entry_number"]) for r in replies}) == 1
    assert http.get(f"/api/companies/{company['id']}/journal-entries", headers=admin).json()["total_size"] == before + 1


def test_concurrent_duplicates_of_one_request_id_create_one_entry(http, admin, company, accounts):
    request_id = str(uuid.uuid4())
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(lambda _: create_entry(http, admin, company["id"], purchase_invoice(accounts), request_id=request_id), range(8))
        )
    assert {r.status_code for r in replies} == {200}
    assert len({r.json()["id"] for r in replies}) == 1


def test_a_refused_create_leaves_its_request_id_free_and_numbers_gapless(http, admin, company, accounts):
    """A create refused for bad input claims nothing: the corrected retry with the same
    request_id creates the entry, with the next number."""
    request_id = str(uuid.uuid4())
    last = http.get(f"/api/companies/{company['id']}/journal-entries", headers=admin, params={"page_size": 1}).json()
    bad = purchase_invoice(accounts)
    bad["lines"][0]["account_id"] = str(uuid.uuid4())
    refused = create_entry(http, admin, company["id"], bad, request_id=request_id)
    assert refused.status_code == 400 and "journal_entry.lines[0].account_id" in field_violations(refused)
    created = create_entry(http, admin, company["id"], purchase_invoice(accounts), request_id=request_id)
    assert created.status_code == 200, created.text
    assert int(created.json()["entry_number"]) == int(last["journal_entries"][0]["entry_number"]) + 1
    again = create_entry(http, admin, company["id"], purchase_invoice(accounts, number="0000000099"), request_id=request_id)
    assert again.json()["id"] == created.json()["id"]  # the same request_id answers with the first entry


def test_other_creates_repeated_with_one_request_id_make_one_resource(http, admin, company):
    url = f"/api/companies/{company['id']}"
    creates: list[tuple[str, dict]] = [
        ("/accounts", {"account": {"code": "6099", "name": "Разходи", "account_type": "EXPENSE"}}),
        ("/counterparts", {"counterpart": {"name": "Клиент на повторение", "is_customer": True}}),
        ("/vat-rates", {"vat_rate": {"name": "Ставка на повторение", "percentage": "7"}}),
    ]
    for path, body in creates:
        request_id = str(uuid.uuid4())
        replies = [http.post(url + path, headers=admin, json={**body, "request_id": request_id}) for _ in range(2)]
        assert [r.status_code for r in replies] == [200, 200], replies[1].text
        assert replies[0].json()["id"] == replies[1].json()["id"], path
    request_id = str(uuid.uuid4())
    body = {"company": {"name": "Повторена ЕООД", "eik": "175074752", "vat_number": "BG175074752", "is_vat_registered": True}}
    body["request_id"] = request_id
    companies = [http.post("/api/companies", headers=admin, json=body) for _ in range(2)]
    assert companies[0].status_code == 200 and companies[0].json()["id"] == companies[1].json()["id"]


def test_fifty_concurrent_creates_get_fifty_consecutive_numbers(http, admin):
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        replies = list(pool.map(lambda i: create_entry(http, admin, company["id"], purchase_invoice(accounts, number=f"C-{i}")), range(50)))
    assert [r.status_code for r in replies] == [200] * 50, [r.text for r in replies if r.status_code != 200]
    numbers = sorted(int(r.json()["entry_number"]) for r in replies)
    assert numbers == list(range(1, 51))


def concurrently(calls: list, held_back: tuple | None = None) -> list:
    """The answers of `calls`, made at once; with `held_back` (mesh, company ids) they arrive
    while the ledger's statements for those companies wait, so they go to PostgreSQL together."""
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        if held_back is None:
            return list(pool.map(lambda call: call(), calls))
        with number_rows_held(*held_back):
            answers = [pool.submit(call) for call in calls]
            time.sleep(1.5)  # every request reaches the ledger, whose statements are waiting
        return [answer.result() for answer in answers]


def test_creates_that_arrive_together_are_stored_together_and_answered_each_as_alone(mesh, http, admin):
    """Creates that arrive while the ledger's statements of creates run go to PostgreSQL in one
    statement (entries of one statement share their creation time). Each is answered with its
    own entry, shown exactly as a read shows it; among them a bad create is refused alone,
    naming its field, and a repeated request_id gets the first entry; numbers stay consecutive."""
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    url = f"/api/companies/{company['id']}/journal-entries"
    request_ids = [str(uuid.uuid4()) for _ in range(40)]

    def good(i: int):
        return create_entry(http, admin, company["id"], purchase_invoice(accounts, number=f"G-{i}"), request_id=request_ids[i])

    first = concurrently([lambda i=i: good(i) for i in range(30)], held_back=(mesh, [company["id"]]))
    assert [r.status_code for r in first] == [200] * 30, [r.text for r in first if r.status_code != 200]
    assert sorted(int(r.json()["entry_number"]) for r in first) == list(range(1, 31))
    assert [r.json()["document_number"] for r in first] == [f"G-{i}" for i in range(30)]  # each its own entry
    times = [r.json()["created_at"] for r in first]
    assert len(set(times)) < len(times), "no two creates went to the database together"
    for reply in first:
        assert http.get(f"{url}/{reply.json()['id']}", headers=admin).json() == reply.json()

    unknown_account = purchase_invoice(accounts, number="BAD")
    unknown_account["lines"][1]["account_id"] = str(uuid.uuid4())

    def bad(_: int):
        return create_entry(http, admin, company["id"], unknown_account, request_id=str(uuid.uuid4()))

    # ten new, the first five again (their request_ids), five refused
    jobs = [(good, i) for i in range(30, 40)] + [(good, i) for i in range(5)] + [(bad, i) for i in range(5)]
    second = concurrently([lambda job=job: job[0](job[1]) for job in jobs], held_back=(mesh, [company["id"]]))
    new, repeats, refused = second[:10], second[10:15], second[15:]
    assert [r.status_code for r in new + repeats] == [200] * 15, [r.text for r in new + repeats if r.status_code != 200]
    assert [r.json() for r in repeats] == [r.json() for r in first[:5]]
    assert sorted(int(r.json()["entry_number"]) for r in new) == list(range(31, 41))
    for reply in refused:
        assert reply.status_code == 400 and "journal_entry.lines[1].account_id" in field_violations(reply)
    assert http.get(url, headers=admin, params={"page_size": 1}).json()["total_size"] == 40


def test_one_request_id_sent_again_while_its_create_waits_makes_one_entry(mesh, http, admin):
    """A double click, or the edge retrying a create whose answer was lost: the same request_id
    arrives again before the first is stored, so both wait for the same statement. That
    statement cannot claim one request_id twice; each create then goes alone, and every copy
    is answered with the one entry."""
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    url = f"/api/companies/{company['id']}/journal-entries"
    twice, others = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(5)]

    def create(request_id: str):
        return create_entry(http, admin, company["id"], purchase_invoice(accounts, number=request_id[:8]), request_id=request_id)

    with concurrent.futures.ThreadPoolExecutor(8) as pool, number_rows_held(mesh, [company["id"]]):
        # One create goes first and waits on the number row, so the rest, the copies among
        # them, wait in the ledger and go in the next statement together.
        ahead = pool.submit(create, others[0])
        time.sleep(0.5)
        rest = [pool.submit(create, rid) for rid in [twice] * 3 + others[1:]]
        time.sleep(1.5)
    replies = [answer.result() for answer in [ahead, *rest]]
    assert [r.status_code for r in replies] == [200] * 8, [r.text for r in replies if r.status_code != 200]
    copies = [r.json() for r in replies[1:4]]
    assert copies[0] == copies[1] == copies[2]
    assert len({r.json()["id"] for r in replies}) == 6
    assert sorted(int(r.json()["entry_number"]) for r in [replies[0], *replies[3:]]) == list(range(1, 7))
    assert http.get(url, headers=admin, params={"page_size": 1}).json()["total_size"] == 6


def test_creates_of_several_companies_stored_together_are_numbered_each_in_its_own_company(mesh, http, admin):
    companies = [create_company(http, admin) for _ in range(3)]
    accounts = [accounts_by_code(http, admin, company["id"]) for company in companies]

    def create(i: int):
        company, chart = companies[i % 3], accounts[i % 3]
        return create_entry(http, admin, company["id"], purchase_invoice(chart, number=f"S-{i}"), request_id=str(uuid.uuid4()))

    replies = concurrently([lambda i=i: create(i) for i in range(36)], held_back=(mesh, [c["id"] for c in companies]))
    assert [r.status_code for r in replies] == [200] * 36, [r.text for r in replies if r.status_code != 200]
    for k, company in enumerate(companies):
        own = [r.json() for r in replies[k::3]]
        assert {entry["company_id"] for entry in own} == {company["id"]}
        assert sorted(int(entry["entry_number"]) for entry in own) == list(range(1, 13))
        ids_of_chart = {account["id"] for account in accounts[k].values()}
        assert all(line["account_id"] in ids_of_chart for entry in own for line in entry["lines"])
        for entry in own:
            assert http.get(f"/api/companies/{company['id']}/journal-entries/{entry['id']}", headers=admin).json() == entry
    companies_by_time: dict[str, set[str]] = {}
    for reply in replies:
        companies_by_time.setdefault(reply.json()["created_at"], set()).add(reply.json()["company_id"])
    assert any(len(found) > 1 for found in companies_by_time.values()), "no creates of two companies went to the database together"


def test_the_journals_total_follows_creates_refusals_and_deletes(http, admin):
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    url = f"/api/companies/{company['id']}/journal-entries"

    def totals() -> tuple[int, int]:
        """The unfiltered total (kept with the numbers) and a count by a filter every entry meets."""
        unfiltered = http.get(url, headers=admin, params={"page_size": 1}).json()["total_size"]
        counted = http.get(url, headers=admin, params={"page_size": 1, "date_from": "2000-01-01"}).json()["total_size"]
        return unfiltered, counted

    assert totals() == (0, 0)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda i: create_entry(http, admin, company["id"], purchase_invoice(accounts, number=f"T-{i}")), range(12)))
    assert {r.status_code for r in created} == {200}
    refused = create_entry(http, admin, company["id"], {**purchase_invoice(accounts), "tax_base": "1.001"})
    assert refused.status_code == 400
    assert totals() == (12, 12)
    assert http.delete(f"{url}/{created[0].json()['id']}", headers=admin).status_code == 200
    posted = created[1].json()["id"]
    assert http.post(f"{url}/{posted}/post", headers=admin, json={}).status_code == 200
    assert http.delete(f"{url}/{posted}", headers=admin).status_code == 400  # a posted entry stays, and so does its count
    assert totals() == (11, 11)


def test_listing_entries_filters_and_pages(http, admin):
    company = create_company(http, admin)
    cid = company["id"]
    accounts = accounts_by_code(http, admin, cid)
    ids = []
    for day in ("2025-01-05", "2025-02-05", "2025-03-05", "2025-04-05", "2025-05-05"):
        entry = purchase_invoice(accounts)
        entry.update(document_date=day, vat_date=day)
        ids.append(create_entry(http, admin, cid, entry).json()["id"])
    http.post(f"/api/companies/{cid}/journal-entries/{ids[1]}/post", headers=admin, json={})
    url = f"/api/companies/{cid}/journal-entries"

    first = http.get(url, headers=admin, params={"page_size": 2}).json()
    assert [e["entry_number"] for e in first["journal_entries"]] == ["5", "4"] and first["total_size"] == 5
    second = http.get(url, headers=admin, params={"page_size": 2, "page_token": first["next_page_token"]}).json()
    assert [e["entry_number"] for e in second["journal_entries"]] == ["3", "2"]
    assert all(len(e["lines"]) == 3 for e in second["journal_entries"])

    ranged = http.get(url, headers=admin, params={"date_from": "2025-02-01", "date_to": "2025-04-30"}).json()
    assert [e["entry_number"] for e in ranged["journal_entries"]] == ["4", "3", "2"]
    posted = http.get(url, headers=admin, params={"posted": True}).json()
    assert [e["id"] for e in posted["journal_entries"]] == [ids[1]]
    drafts = http.get(url, headers=admin, params={"posted": False}).json()
    assert drafts["total_size"] == 4
    assert http.get(url, headers=admin, params={"document_type": "03"}).json()["total_size"] == 0
    bad = http.get(url, headers=admin, params={"page_token": "bm90LWEtdG9rZW4"})
    assert bad.status_code == 400 and "page_token" in field_violations(bad)


def test_a_basic_list_has_the_headers_without_lines_and_full_is_the_default(http, admin, company, accounts):
    create_entry(http, admin, company["id"], purchase_invoice(accounts))
    url = f"/api/companies/{company['id']}/journal-entries"
    full = http.get(url, headers=admin, params={"page_size": 3}).json()
    basic = http.get(url, headers=admin, params={"page_size": 3, "view": "JOURNAL_ENTRY_VIEW_BASIC"}).json()
    asked_full = http.get(url, headers=admin, params={"page_size": 3, "view": "JOURNAL_ENTRY_VIEW_FULL"}).json()
    assert full == asked_full and all(entry["lines"] for entry in full["journal_entries"])
    assert basic["total_size"] == full["total_size"] and basic["next_page_token"] == full["next_page_token"]
    assert basic["journal_entries"] == [{**entry, "lines": []} for entry in full["journal_entries"]]
    # A filter that matches nothing still counts: an empty page has its total (0).
    empty = http.get(url, headers=admin, params={"view": "JOURNAL_ENTRY_VIEW_BASIC", "document_type": "99"}).json()
    assert empty["journal_entries"] == [] and empty["total_size"] == 0


def test_every_answer_shows_an_entry_the_same_exact_way(http, admin, company, accounts, supplier):
    """Creates, reads, lists, updates and posts all answer with the entry as PostgreSQL renders
    it: amounts with their scale, a rate without trailing zeros, optional values as "",
    times to the microsecond."""
    entry = purchase_invoice(accounts, counterpart_id=supplier["id"], base="200.00", vat="19.00")
    entry["vat_rate"] = "9.5"
    entry["lines"][0].update(quantity="2.5", currency_code="USD", currency_amount="215.05", exchange_rate="0.93")
    started = datetime.now(UTC)
    created = create_entry(http, admin, company["id"], entry).json()
    url = f"/api/companies/{company['id']}/journal-entries"
    got = http.get(f"{url}/{created['id']}", headers=admin).json()
    listed = http.get(url, headers=admin, params={"page_size": 1}).json()["journal_entries"]
    assert got == created and listed == [created]
    assert (created["tax_base"], created["vat_amount"], created["vat_rate"], created["total_debit"]) == ("200.00", "19.00", "9.5", "219.00")
    assert (created["vat_date"], created["counterpart_id"], created["posted_by"]) == ("2025-03-10", supplier["id"], "")
    assert "posted_at" not in created  # a message field unset, as before posting
    foreign, _vat, payable = created["lines"]
    assert (foreign["line_number"], foreign["account_code"], foreign["debit"], foreign["credit"]) == (1, "601", "200.00", "0.00")
    assert (foreign["quantity"], foreign["currency_code"], foreign["currency_amount"], foreign["exchange_rate"]) == (
        "2.500",
        "USD",
        "215.05",
        "0.930000",
    )
    assert (payable["quantity"], payable["currency_amount"], payable["exchange_rate"], payable["counterpart_id"]) == (
        "",
        "",
        "",
        supplier["id"],
    )
    assert abs(datetime.fromisoformat(created["created_at"]) - started) < timedelta(minutes=1)
    assert created["updated_at"] == created["created_at"]

    entry["vat_rate"] = "20"
    updated = http.put(f"{url}/{created['id']}", headers=admin, json={"journal_entry": entry}).json()
    assert updated == http.get(f"{url}/{created['id']}", headers=admin).json()
    assert updated["vat_rate"] == "20" and datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(created["updated_at"])
    posted = http.post(f"{url}/{created['id']}/post", headers=admin, json={}).json()
    assert posted == http.get(f"{url}/{created['id']}", headers=admin).json()
    assert posted["is_posted"] and posted["posted_by"] == created["created_by"]
    assert datetime.fromisoformat(posted["posted_at"]) >= datetime.fromisoformat(posted["created_at"])


@pytest.mark.parametrize("view", ["7", "JOURNAL_ENTRY_VIEW_HUGE"])
def test_an_unknown_list_view_is_refused_naming_the_field(http, admin, company, view):
    # The edge decodes query parameters: it refuses what is no value of the enum, as any field's.
    bad = http.get(f"/api/companies/{company['id']}/journal-entries", headers=admin, params={"view": view})
    assert bad.status_code == 400 and error_of(bad)["message"].startswith("view: invalid value")


# --- accounts, counterparts, VAT rates ---------------------------------------------------------


def test_sub_accounts_find_their_parent_and_accounts_in_use_stay(http, admin):
    company = create_company(http, admin)
    cid = company["id"]
    accounts = accounts_by_code(http, admin, cid)
    reply = http.post(
        f"/api/companies/{cid}/accounts",
        headers=admin,
        json={"account": {"code": "411.1", "name": "Клиенти - София", "account_type": "ASSET"}},
    )
    assert reply.status_code == 200, reply.text
    sub = reply.json()
    assert (sub["parent_id"], sub["level"], sub["account_class"]) == (accounts["411"]["id"], 4, "4")
    duplicate = http.post(
        f"/api/companies/{cid}/accounts", headers=admin, json={"account": {"code": "411.1", "name": "Отново", "account_type": "ASSET"}}
    )
    assert duplicate.status_code == 409

    entry = purchase_invoice(accounts)
    entry["lines"][0]["account_id"] = accounts["602"]["id"]
    assert create_entry(http, admin, cid, entry).status_code == 200
    used = http.delete(f"/api/companies/{cid}/accounts/{accounts['602']['id']}", headers=admin)
    assert used.status_code == 400 and "entry lines" in error_of(used)["message"]
    parent = http.delete(f"/api/companies/{cid}/accounts/{accounts['411']['id']}", headers=admin)
    assert parent.status_code == 400 and "sub-accounts" in error_of(parent)["message"]
    assert http.delete(f"/api/companies/{cid}/accounts/{sub['id']}", headers=admin).status_code == 200
    renamed = http.patch(
        f"/api/companies/{cid}/accounts/{accounts['602']['id']}", headers=admin, json={"account": {"name": "Външни услуги"}}
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Външни услуги"


def test_counterparts_are_checked_unique_and_searchable(http, admin, company, supplier):
    cid = company["id"]
    none = http.post(f"/api/companies/{cid}/counterparts", headers=admin, json={"counterpart": {"name": "Никой"}})
    assert none.status_code == 400 and "counterpart.is_customer" in field_violations(none)
    bad = http.post(
        f"/api/companies/{cid}/counterparts", headers=admin, json={"counterpart": {"name": "X", "eik": "12a", "is_customer": True}}
    )
    assert bad.status_code == 400 and "counterpart.eik" in field_violations(bad)
    again = http.post(
        f"/api/companies/{cid}/counterparts",
        headers=admin,
        json={"counterpart": {"name": "Друг", "vat_number": supplier["vat_number"], "is_customer": True}},
    )
    assert again.status_code == 409 and "VAT number" in error_of(again)["message"]

    for q in ("доставчик", "1314", "bg131"):
        found = http.get(f"/api/companies/{cid}/counterparts/search", headers=admin, params={"q": q})
        assert found.status_code == 200, found.text
        assert supplier["id"] in [c["id"] for c in found.json()["counterparts"]], q
    by_path = http.get(f"/api/companies/{cid}/counterparts/search/Доставчик", headers=admin)
    assert supplier["id"] in [c["id"] for c in by_path.json()["counterparts"]]
    suppliers = http.get(f"/api/companies/{cid}/counterparts", headers=admin, params={"suppliers_only": True}).json()
    assert supplier["id"] in [c["id"] for c in suppliers["counterparts"]]
    customers = http.get(f"/api/companies/{cid}/counterparts", headers=admin, params={"customers_only": True}).json()
    assert supplier["id"] not in [c["id"] for c in customers["counterparts"]]


def test_validate_vat_asks_vies_and_stores_the_answer_on_the_counterpart(http, admin, company):
    cid = company["id"]
    counterpart = http.post(
        f"/api/companies/{cid}/counterparts",
        headers=admin,
        json={"counterpart": {"name": "Пример", "vat_number": "BG175074752", "country": "BG", "is_customer": True}},
    ).json()
    reply = http.post(f"/api/companies/{cid}/counterparts/validate-vat", headers=admin, json={"vat_number": "BG175074752"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["exists"], body["counterpart_id"], body["valid"], body["name"]) == (True, counterpart["id"], True, "EXAMPLE OOD")
    stored = http.get(f"/api/companies/{cid}/counterparts/{counterpart['id']}", headers=admin).json()
    assert (stored["vat_validated"], stored["vies_status"], stored["vies_name"]) == (True, "valid", "EXAMPLE OOD")
    assert stored["vat_validated_at"]

    unknown = http.post(f"/api/companies/{cid}/counterparts/validate-vat", headers=admin, json={"vat_number": "DE136695976"})
    assert unknown.status_code == 200
    assert (unknown.json()["exists"], unknown.json()["valid"]) == (False, True)


def test_vat_rates_have_checked_percentages_and_periods(http, admin, company):
    url = f"/api/companies/{company['id']}/vat-rates"
    bad = http.post(
        url,
        headers=admin,
        json={"vat_rate": {"name": "Странна", "percentage": "120", "effective_from": "2025-01-01", "effective_to": "2024-01-01"}},
    )
    assert bad.status_code == 400
    assert set(field_violations(bad)) == {"vat_rate.percentage", "vat_rate.effective_to"}
    created = http.post(
        url,
        headers=admin,
        json={"vat_rate": {"name": "Историческа 7%", "percentage": "7", "effective_from": "2010-01-01", "effective_to": "2010-12-31"}},
    )
    assert created.status_code == 200, created.text
    rate = created.json()
    assert (rate["percentage"], rate["effective_to"]) == ("7.00", "2010-12-31")
    active = http.get(url, headers=admin, params={"active_only": True}).json()["vat_rates"]
    assert rate["id"] not in [r["id"] for r in active]
    every = http.get(url, headers=admin).json()["vat_rates"]
    assert rate["id"] in [r["id"] for r in every]
    opened = http.put(f"{url}/{rate['id']}", headers=admin, json={"vat_rate": {"effective_to": ""}})
    assert opened.status_code == 200 and opened.json()["effective_to"] == ""
    assert http.delete(f"{url}/{rate['id']}", headers=admin).status_code == 200


# --- company isolation --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outsider(http, admin, groups) -> tuple[dict, dict]:
    """An accountant with a grant for a company of their own only: headers and that company."""
    name = f"u{uuid.uuid4().hex[:10]}"
    user = http.post(
        "/api/users",
        headers=admin,
        json={
            "username": name,
            "email": f"{name}@firma.bg",
            "password": "user-password-1",
            "group_id": groups["accountants"],
            "is_active": True,
        },
    ).json()
    own = create_company(http, admin, name="Чужда ЕООД")
    assert http.post("/api/user-companies", headers=admin, json={"user_id": user["id"], "company_id": own["id"]}).status_code == 200
    return bearer(login(http, name, "user-password-1")["token"]), own


@pytest.fixture(scope="module")
def victim(http, admin, company, accounts, supplier) -> dict[str, str]:
    """Ids of things in the admin's company that the outsider must never reach."""
    entry = create_entry(http, admin, company["id"], purchase_invoice(accounts, supplier["id"])).json()
    rate = http.get(f"/api/companies/{company['id']}/vat-rates", headers=admin).json()["vat_rates"][0]
    return {
        "company": company["id"],
        "entry": entry["id"],
        "account": accounts["601"]["id"],
        "counterpart": supplier["id"],
        "rate": rate["id"],
    }


# What a route under a company changes, by collection: a body that passes validation, so the
# answer shows what the ledger does with an id of another company.
_BODIES = {
    "accounts": {"account": {"name": "x"}},
    "counterparts": {"counterpart": {"name": "x"}},
    "vat-rates": {"vat_rate": {"name": "x"}},
}


def test_ids_of_another_company_are_not_found_through_ones_own(http, accounts, outsider, victim):
    """Every ledger route with an id under the company (from the contracts), called by the
    outsider with their own company and the admin company's ids: 404, as for any unknown id."""
    headers, own = outsider
    ids = {"accounts": victim["account"], "counterparts": victim["counterpart"], "vat-rates": victim["rate"]}
    ids["journal-entries"] = victim["entry"]
    bodies = {**_BODIES, "journal-entries": {"journal_entry": purchase_invoice(accounts)}}
    answers = {}
    for route in company_routes():
        collection = route.template.removeprefix("/api/companies/{company_id}/").split("/")[0]
        if route.method.containing_service.full_name.startswith("baraba.ledger.") and "id" in route.path_fields:
            body = bodies[collection] if route.verb in ("PUT", "PATCH") else {}
            reply = http.request(**request_for(route, own["id"], {"id": ids[collection]}, body), headers=headers)
            answers[(route.verb, route.template)] = reply.status_code
    assert len(answers) >= 15
    assert {route: status for route, status in answers.items() if status != 404} == {}
    # An entry of the own company cannot use the other company's accounts or counterparts.
    reply = create_entry(http, headers, own["id"], purchase_invoice(accounts, victim["counterpart"]))
    assert reply.status_code == 400
    assert set(field_violations(reply)) >= {"journal_entry.counterpart_id", "journal_entry.lines[0].account_id"}


def test_concurrent_reads_looked_up_together_answer_each_for_their_own_company(http, admin, company, outsider, victim):
    """Entry reads arriving together share one statement (kernel/db.py Lookup): the outsider's
    requests for the admin company's entry through their own company stay 404 among the
    admin's own reads of it, and every answer is the entry asked for."""
    headers, own = outsider
    mine = f"/api/companies/{company['id']}/journal-entries/{victim['entry']}"
    theirs = f"/api/companies/{own['id']}/journal-entries/{victim['entry']}"
    calls = [(mine, admin), (theirs, headers)] * 20
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda call: http.get(call[0], headers=call[1]), calls))
    assert [reply.status_code for reply in answers] == [200, 404] * 20
    assert {reply.json()["id"] for reply in answers[::2]} == {victim["entry"]}


def test_lists_search_and_page_tokens_never_show_another_companys_data(http, admin, company, outsider, victim):
    headers, own = outsider
    listed = http.get("/api/companies", headers=headers, params={"page_size": 500}).json()["companies"]
    assert [c["id"] for c in listed] == [own["id"]]
    found = http.get(f"/api/companies/{own['id']}/counterparts/search", headers=headers, params={"q": "Доставчик"}).json()
    assert found["counterparts"] == []
    # A page token from the admin company's list, replayed against the own company: it only
    # positions within the own company's rows.
    token = http.get(f"/api/companies/{company['id']}/journal-entries", headers=admin, params={"page_size": 1}).json()["next_page_token"]
    page = http.get(f"/api/companies/{own['id']}/journal-entries", headers=headers, params={"page_token": token}).json()
    assert all(e["company_id"] == own["id"] for e in page["journal_entries"])
    assert page["total_size"] == 0
