"""The browser app, end to end: a real Chromium drives the app the edge serves, over the real
mesh, as a person would (labels, buttons, the keyboard)."""

import os
import re
import subprocess

import pytest
from playwright.sync_api import expect

from services.mesh import frontend
from tests.support.api import ADMIN_PASSWORD, bearer
from tests.support.browser import choose_company, create_company, expire_stored_token, sign_in, stored_session


@pytest.fixture(scope="module")
def company(http, admin) -> dict:
    return create_company(http, admin, name="Браузър ООД")


def accounts_by_code(http, headers, company_id: str) -> dict[str, dict]:
    reply = http.get(f"/api/companies/{company_id}/accounts", headers=headers, params={"page_size": 500})
    return {a["code"]: a for a in reply.json()["accounts"]}


def entries_of(http, headers, company_id: str, **params) -> list[dict]:
    reply = http.get(f"/api/companies/{company_id}/journal-entries", headers=headers, params={"page_size": 500, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()["journal_entries"]


# ---- the app's own unit tests (amounts and dates: frontend/src/format.test.ts) ----


def test_amount_and_date_parsing_and_formatting_units():
    frontend.build()  # installs the packages vitest comes with, when missing
    env = {**os.environ, "PATH": f"{frontend.node_bin_dir()}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["npx", "vitest", "run"], cwd=frontend.APP, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "format.test.ts" in done.stdout


# ---- the app is served by the edge ----


def test_the_edge_serves_the_app_beside_the_api(http):
    index = http.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert index.headers["cache-control"] == "no-cache"
    found = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
    assert found, index.text
    script = found.group(1)
    asset = http.get(script, headers={"accept-encoding": "gzip"})
    assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript")
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-encoding"] == "gzip"
    # A client-side route is the app; the API and unknown API paths stay JSON.
    deep = http.get("/journal/some-entry")
    assert deep.status_code == 200 and deep.text == index.text
    assert http.get("/api/users").json()["code"] == 16
    assert http.get("/api/no-such-thing").headers["content-type"].startswith("application/json")


# ---- screen 1: login, logout, profile, password ----


def test_wrong_password_shows_an_error(page):
    page.goto("/")
    page.get_by_label("Потребителско име").fill("admin")
    page.get_by_label("Парола").fill("not-the-password")
    page.get_by_role("button", name="Вход").click()
    expect(page.get_by_role("alert")).to_contain_text("Грешно потребителско име или парола")
    assert stored_session(page) is None


def test_sign_in_profile_password_and_sign_out(page, new_user):
    user, password = new_user("accountants")
    sign_in(page, user["username"], password)
    expect(page).to_have_url(re.compile(r"/journal$"))
    page.get_by_role("link", name=user["username"]).click()
    page.get_by_label("Име", exact=True).fill("Мария")
    page.get_by_label("Фамилия").fill("Петрова")
    page.get_by_role("button", name="Запази").click()
    expect(page.get_by_role("status")).to_have_text("Запазено.")

    page.get_by_label("Сегашна парола").fill(password)
    page.get_by_label("Нова парола").fill("a-new-password-42")
    page.get_by_role("button", name="Смяна на парола").click()
    expect(page.get_by_role("status")).to_have_text("Паролата е сменена.")

    page.get_by_role("button", name="Изход").click()
    expect(page.get_by_role("button", name="Вход")).to_be_visible()
    sign_in(page, user["username"], "a-new-password-42")
    expect(page.get_by_role("link", name="Дневник")).to_be_visible()


def test_language_switch_is_remembered(page):
    sign_in(page)
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("link", name="Journal")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Превключи на български").click()
    expect(page.get_by_role("button", name="Изход")).to_be_visible()


def test_a_user_without_manage_users_sees_no_user_management_and_the_api_refuses(page, new_user):
    user, password = new_user("accountants")
    sign_in(page, user["username"], password)
    nav = page.get_by_role("navigation", name="Основно меню")
    expect(nav.get_by_role("link", name="Дневник")).to_be_visible()
    expect(nav.get_by_role("link", name="Потребители")).to_have_count(0)
    expect(nav.get_by_role("link", name="Групи")).to_have_count(0)
    page.goto("/users")
    expect(page).not_to_have_url(re.compile(r"/users$"))
    # The same person asking the API directly is refused.
    reply = page.request.get("/api/users", headers=bearer(stored_session(page)["token"]))
    assert reply.status == 403, reply.text()


def test_an_expired_access_token_is_refreshed_without_the_person_noticing(page, company):
    sign_in(page)
    choose_company(page, company)
    before = stored_session(page)
    forged = expire_stored_token(page)
    page.get_by_role("link", name="Сметкоплан").click()
    expect(page.get_by_role("heading", name="Сметкоплан")).to_be_visible()
    expect(page.get_by_text("601 Разходи за материали")).to_be_visible()
    after = stored_session(page)
    assert after["token"] != forged
    assert after["refresh_token"] != before["refresh_token"]  # refreshed: refresh tokens rotate
    expect(page.get_by_role("button", name="Изход")).to_be_visible()


# ---- screen 4: journal entries ----


def fill_entry(page, number: str, lines: list[tuple[str, str, str]]) -> None:
    """Types an entry as an accountant does: from the keyboard, lines added with Alt+L."""
    page.get_by_label("Номер на документа").fill(number)
    page.get_by_label("Дата на документа").fill("10.03.2025")
    page.get_by_label("Описание", exact=True).fill("Материали")
    for i, (account, debit, credit) in enumerate(lines, start=1):
        if i > 2:
            page.keyboard.press("Alt+l")
        page.get_by_label(f"Сметка на ред {i}").fill(account)
        if debit:
            page.get_by_label(f"Дебит на ред {i}").fill(debit)
        if credit:
            page.get_by_label(f"Кредит на ред {i}").fill(credit)


def test_journal_entry_typed_balanced_saved_posted_and_listed(page, http, admin, company):
    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="Нов запис").click()
    fill_entry(page, "0000000101", [("601", "1 000,50", ""), ("4531", "200.10", ""), ("401", "", "1200")])
    expect(page.get_by_test_id("difference")).to_have_text("Разлика 0,60")
    page.get_by_label("Кредит на ред 3").fill("1 200,60")
    expect(page.get_by_test_id("difference")).to_have_text("Равни дебит и кредит")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Запис № \d+"))).to_be_visible()
    page.get_by_role("button", name="Осчетоводи").click()
    expect(page.get_by_role("button", name="Отмени осчетоводяването")).to_be_visible()

    [booked] = [e for e in entries_of(http, admin, company["id"]) if e["document_number"] == "0000000101"]
    assert booked["is_posted"] and booked["total_debit"] == "1200.60"
    assert sorted((line["account_code"], line["debit"], line["credit"]) for line in booked["lines"]) == [
        ("401", "0.00", "1200.60"),
        ("4531", "200.10", "0.00"),
        ("601", "1000.50", "0.00"),
    ]

    page.get_by_role("link", name="Към дневника").click()
    page.get_by_label("Състояние").select_option("true")
    page.get_by_label("От дата").fill("01.03.2025")
    page.get_by_role("button", name="Покажи").click()
    row = page.get_by_role("row", name=re.compile("0000000101"))
    expect(row).to_contain_text("1 200,60")
    expect(row).to_contain_text("10.03.2025")
    expect(row).to_contain_text("Осчетоводен")


def test_a_field_error_from_the_api_appears_beside_its_field(page, company):
    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="Нов запис").click()
    fill_entry(page, "X" * 60, [("601", "10", ""), ("", "", "10")])  # too long a number; a line without account
    page.get_by_role("button", name="Запази").click()
    number_field = page.locator(".field", has=page.get_by_label("Номер на документа"))
    expect(number_field.locator(".field-error")).to_be_visible()
    expect(page.get_by_label("Номер на документа")).to_have_attribute("aria-invalid", "true")
    line_field = page.locator(".field", has=page.get_by_label("Сметка на ред 2"))
    expect(line_field.locator('.field-error[data-field="journal_entry.lines[1].account_id"]')).to_be_visible()
    expect(page).to_have_url(re.compile(r"/journal/new$"))  # nothing was booked, the typing stays


def test_a_double_submitted_or_retried_entry_form_books_one_entry(page, http, admin, company):
    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="Нов запис").click()
    fill_entry(page, "0000000202", [("601", "50", ""), ("401", "", "50")])
    # The first answer is lost on the way back (the entry was booked), then the person clicks
    # again, twice: the same request_id comes back with the same entry.
    lost: list[int] = []

    def lose_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r"/api/companies/[^/]+/journal-entries$"), lose_first_answer)
    save = page.get_by_role("button", name="Запази")
    save.click()
    expect(page.get_by_role("alert")).to_contain_text("не отговаря")
    save.dblclick()
    expect(page.get_by_role("heading", name=re.compile(r"Запис № \d+"))).to_be_visible()
    assert lost == [200]
    assert len([e for e in entries_of(http, admin, company["id"]) if e["document_number"] == "0000000202"]) == 1


def test_a_person_sent_to_the_login_comes_back_where_they_were(page, company):
    page.goto("/accounts")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Потребителско име").fill("admin")
    page.get_by_label("Парола").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Вход").click()
    expect(page).to_have_url(re.compile(r"/accounts$"))
