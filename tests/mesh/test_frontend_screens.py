"""The browser app's screens end to end in Chromium: users and groups, companies and
counterparts with VIES, the VAT return with its files, and scanned invoices approved into the
ledger."""

import io
import re
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import SCREENSHOTS, choose_company, create_company, sign_in
from tests.support.scanner_invoices import ALFA, render_pdf, sample_invoices


def money(value: Decimal) -> str:
    """The Bulgarian way the screens show an amount: "1 234,50"."""
    whole, fraction = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + "," + fraction


def ok(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()


# ---- screen 2: users and groups ----


def test_users_and_groups_are_managed_in_the_browser(page, http, admin):
    company = create_company(http, admin, name="Достъп ООД")
    sign_in(page)
    page.get_by_role("link", name="Групи").click()
    new_group = page.get_by_role("form", name="Нова група")
    group_name = f"g{uuid.uuid4().hex[:6]}"
    new_group.get_by_label("Име на групата").fill(group_name)
    new_group.get_by_label("Осчетоводяване").check()
    new_group.get_by_label("Сканиране на фактури").check()
    new_group.get_by_role("button", name="Създай").click()
    expect(page.get_by_role("form", name=group_name)).to_be_visible()
    [group] = [g for g in ok(http.get("/api/user-groups", headers=admin))["user_groups"] if g["name"] == group_name]
    assert group["permissions"]["post_entries"] and group["permissions"]["scanning"] and not group["permissions"]["manage_users"]

    page.get_by_role("link", name="Потребители").click()
    page.get_by_role("button", name="Нов потребител").click()
    username = f"u{uuid.uuid4().hex[:8]}"
    page.get_by_label("Потребителско име").fill(username)
    page.get_by_label("Имейл").fill(f"{username}@firma.bg")
    page.get_by_label("Парола").fill("first-password-1")
    page.get_by_label("Име", exact=True).fill("Иван")
    page.get_by_label("Група").select_option(label=group_name)
    page.get_by_role("button", name="Създай").click()
    expect(page.get_by_role("heading", name=username)).to_be_visible()

    page.get_by_label("Дай достъп до фирма").select_option(label="Достъп ООД")
    page.get_by_role("button", name="Дай достъп").click()
    expect(page.get_by_role("button", name="Отнеми достъпа до Достъп ООД")).to_be_visible()

    page.get_by_label("Фамилия").fill("Иванов")
    page.get_by_role("button", name="Запази").click()
    expect(page.get_by_role("row", name=re.compile(username))).to_contain_text("Иван Иванов")

    page.get_by_label("Нова парола", exact=True).fill("second-password-2")
    page.get_by_role("button", name="Нова парола за потребителя").click()
    expect(page.get_by_role("status")).to_have_text("Паролата е сменена.")

    users = ok(http.get("/api/users", headers=admin))["users"]
    [user] = [u for u in users if u["username"] == username]
    assert user["group_id"] == group["id"] and user["last_name"] == "Иванов"
    grants = ok(http.get("/api/user-companies", headers=admin, params={"user_id": user["id"]}))["grants"]
    assert [g["company_id"] for g in grants] == [company["id"]]
    assert http.post("/api/auth/login", json={"username": username, "password": "second-password-2"}).status_code == 200

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Изтрий").click()
    expect(page.get_by_role("row", name=re.compile(username))).to_have_count(0)


# ---- screen 3: companies, the switcher, counterparts with VIES, the chart ----


def test_companies_switcher_counterparts_vies_and_chart(page, http, admin, vies_standin):
    sign_in(page)
    page.get_by_role("link", name="Фирми").click()
    page.get_by_role("link", name="Нова фирма").click()
    page.get_by_label("Наименование").fill("Екран ЕООД")
    page.get_by_label("ЕИК").fill("131468980")
    page.get_by_label("ДДС номер").fill("BG131468980")
    page.get_by_label("Качество").select_option("AUTHORIZED_PERSON")
    page.get_by_label("Име на представляващия").fill("Мария Петрова")
    page.get_by_label("ЕГН на представляващия").fill("8001011234")
    page.get_by_role("button", name="Създай").click()
    expect(page.get_by_role("heading", name="Екран ЕООД")).to_be_visible()
    # The new company is the one worked on, and stays so after a reload (its grant is the default).
    expect(page.get_by_label("Текуща фирма")).to_have_value(re.compile(".+"))
    company_id = page.get_by_label("Текуща фирма").input_value()
    company = ok(http.get(f"/api/companies/{company_id}", headers=admin))
    assert company["name"] == "Екран ЕООД" and company["representative_type"] == "AUTHORIZED_PERSON"
    assert company["representative_name"] == "Мария Петрова"
    page.reload()
    expect(page.get_by_label("Текуща фирма")).to_have_value(company_id)

    page.get_by_role("link", name="Контрагенти").click()
    page.get_by_label("Наименование", exact=True).fill("Доставчик ЕООД")
    page.get_by_label("ДДС номер", exact=True).fill("BG204000003")
    page.get_by_role("button", name="Създай").click()
    vies_standin.script({"BG204000003": {"valid": True, "name": "DOSTAVCHIK EOOD", "address": "ul. Vitosha 1\n1000 Sofia"}})
    page.get_by_label("Търсене по име, ЕИК или ДДС номер").fill("Доставчик")
    page.get_by_role("button", name="Провери Доставчик ЕООД във VIES").click()
    answer = page.get_by_role("status").filter(has_text="Валиден")
    expect(answer).to_contain_text("DOSTAVCHIK EOOD")
    expect(answer).to_contain_text("ul. Vitosha 1")
    page.get_by_role("button", name="Провери Доставчик ЕООД във VIES").click()
    expect(page.get_by_role("status").filter(has_text="Валиден")).to_contain_text("от кеша")

    page.get_by_role("link", name="Сметкоплан").click()
    expected = ok(http.get(f"/api/companies/{company_id}/accounts", headers=admin, params={"page_size": 500}))["total_size"]
    assert expected > 50  # more than one default page
    expect(page.get_by_text(f"{expected} сметки")).to_be_visible()
    expect(page.get_by_role("treeitem")).to_have_count(expected)
    # 601 is inside 60, inside class 6.
    expect(
        page.get_by_role("treeitem", name=re.compile("^6 Сметки за разходи")).get_by_role("treeitem", name=re.compile("^601 "))
    ).to_be_visible()


def test_an_unavailable_service_is_named_and_what_was_typed_stays(page, http, admin, vies_standin):
    company = create_company(http, admin, name="Прекъсване ООД")
    counterpart = {"counterpart": {"name": "Недостъпен ЕООД", "vat_number": "BG204000028", "is_supplier": True}}
    ok(http.post(f"/api/companies/{company['id']}/counterparts", headers=admin, json=counterpart))
    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="Контрагенти").click()
    page.get_by_label("Търсене по име, ЕИК или ДДС номер").fill("Недостъпен")
    page.get_by_label("Наименование", exact=True).fill("Наполовина въведен")
    vies_standin.stop()  # VIES is down; the number was never checked, so nothing is cached
    try:
        page.get_by_role("button", name="Провери Недостъпен ЕООД във VIES").click()
        expect(page.get_by_role("alert")).to_contain_text("Услугата „VIES“ временно не отговаря", timeout=30_000)
    finally:
        vies_standin.start()
    expect(page.get_by_label("Търсене по име, ЕИК или ДДС номер")).to_have_value("Недостъпен")
    expect(page.get_by_label("Наименование", exact=True)).to_have_value("Наполовина въведен")


# ---- screen 5: the VAT return ----


def book(http, headers, company_id: str, number: str, accounts: dict) -> dict:
    body = {
        "journal_entry": {
            "document_type": "01", "document_number": number, "document_date": "2025-11-10", "vat_date": "2025-11-10",
            "description": "Материали", "purchase_operation": "1-10-1", "tax_base": "100.00", "vat_amount": "20.00", "vat_rate": "20",
            "counterpart_id": accounts["counterpart"],
            "lines": [
                {"account_id": accounts["601"], "debit": "100.00"}, {"account_id": accounts["4531"], "debit": "20.00"},
                {"account_id": accounts["401"], "credit": "120.00"},
            ],
        },
        "request_id": str(uuid.uuid4()),
    }  # fmt: skip
    entry = ok(http.post(f"/api/companies/{company_id}/journal-entries", headers=headers, json=body))
    ok(http.post(f"/api/companies/{company_id}/journal-entries/{entry['id']}/post", headers=headers, json={}))
    return entry


def test_vat_return_problems_link_to_the_entry_then_files_download_byte_for_byte(page, http, admin):
    company = create_company(
        http, admin, name="ДДС Екран ООД", eik="123456789", vat_number="BG123456789", city="София", address="ул. Примерна 1",
        representative_type="MANAGER", representative_name="Иван Петров Иванов", representative_eik="8001011234",
    )  # fmt: skip
    cid = company["id"]
    accounts = {
        a["code"]: a["id"] for a in ok(http.get(f"/api/companies/{cid}/accounts", headers=admin, params={"page_size": 500}))["accounts"]
    }
    supplier = {"counterpart": {"name": "Доставчик ЕООД", "vat_number": "BG175074752", "eik": "175074752", "is_supplier": True}}
    accounts["counterpart"] = ok(http.post(f"/api/companies/{cid}/counterparts", headers=admin, json=supplier))["id"]
    book(http, admin, cid, "0000000001", accounts)
    broken = book(http, admin, cid, "0000000002-ABCDEFGHIJKL", accounts)  # longer than the 20 characters POKUPKI.TXT holds

    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="ДДС").click()
    page.get_by_label("Месец").fill("2025-11")
    page.get_by_role("button", name="Състави").click()
    problems = page.get_by_role("table", name="Проблеми")
    # The problem names the document; its link goes straight to the entry, by its id.
    row = problems.get_by_role("row", name=re.compile("0000000002-ABCDEFGHIJKL"))
    expect(row).to_have_count(1)
    link = row.get_by_role("link", name="Отвори записа")
    expect(link).to_have_attribute("href", f"/journal/{broken['id']}")
    link.click()
    expect(page).to_have_url(re.compile(f"/journal/{broken['id']}$"))

    # The accountant corrects the number, then generates again.
    page.get_by_role("button", name="Отмени осчетоводяването").click()
    page.get_by_label("Номер на документа").fill("0000000002")
    page.get_by_role("button", name="Запази").click()
    page.get_by_role("button", name="Осчетоводи").click()
    expect(page.get_by_role("button", name="Отмени осчетоводяването")).to_be_visible()
    page.get_by_role("link", name="ДДС").click()
    page.get_by_label("Месец").fill("2025-11")
    page.get_by_role("button", name="Състави").click()
    cells = page.get_by_role("table", name="Основни клетки")
    expect(cells.get_by_role("row", name=re.compile("01-31"))).to_contain_text("200,00 BGN")
    expect(cells.get_by_role("row", name=re.compile("01-41"))).to_contain_text("40,00 BGN")

    [vat_return] = ok(http.get(f"/api/companies/{cid}/vat-returns", headers=admin))["vat_returns"]
    base = f"/api/companies/{cid}/vat-returns/{vat_return['id']}"
    for name in [f["name"] for f in vat_return["files"]]:
        with page.expect_download() as download:
            page.get_by_role("button", name=re.compile(f"^{re.escape(name)}")).click()
        assert download.value.suggested_filename == name
        got = Path(download.value.path()).read_bytes()
        assert got == http.get(f"{base}/files/{name}", headers=admin).content, name
    with page.expect_download() as download:
        page.get_by_role("button", name="Всички файлове (ZIP)").click()
    got = Path(download.value.path()).read_bytes()
    assert got == http.get(f"{base}/zip", headers=admin).content
    assert "DEKLAR.TXT" in zipfile.ZipFile(io.BytesIO(got)).namelist()

    page.get_by_role("button", name="Състави").click()  # a second version of the month
    expect(page.get_by_role("heading", name=re.compile("версия 2"))).to_be_visible()
    page.get_by_role("button", name="Версия 1").click()
    expect(page.get_by_role("heading", name=re.compile("версия 1"))).to_be_visible()


# ---- screen 6: the invoice scanner ----


def test_scanned_invoices_reviewed_and_approved_become_journal_entries(page, http, admin):
    company = create_company(http, admin, name=ALFA.name, eik=ALFA.eik, vat_number=ALFA.vat)
    invoices = sample_invoices()
    sale, purchase = invoices[0], invoices[5]
    sign_in(page)
    choose_company(page, company)
    page.get_by_role("link", name="Скенер").click()
    page.get_by_label("Изберете файлове").set_input_files(
        [
            {"name": f"{sale.number}.pdf", "mimeType": "application/pdf", "buffer": render_pdf(sale)},
            {"name": f"{purchase.number}.pdf", "mimeType": "application/pdf", "buffer": render_pdf(purchase)},
        ]
    )
    page.get_by_role("button", name="Сканирай (2)").click()
    expect(page.get_by_role("heading", name=re.compile("Партида — завършена"))).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Готови 2 от 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Чакат преглед: 2")).to_be_visible()

    page.get_by_role("link", name=f"{sale.number}.pdf").click()
    expect(page.get_by_label("Номер", exact=True)).to_have_value(sale.number)
    # The document type by its name, not the contract's code.
    expect(page.get_by_label("Вид документ").locator("option:checked")).to_have_text("Фактура")
    # The page is drawn beside the fields, with the region each value came from.
    expect(page.locator("canvas")).to_be_visible()
    page.get_by_label("Сума за плащане").focus()
    expect(page.locator('.box.active[data-field="total"]')).to_have_count(1)
    # The invoice's lines, the Bulgarian way, adding up to the tax base.
    lines = page.get_by_role("table", name="Редове на фактурата")
    expected = [(desc, f"{qty}", money(price), money((qty * price).quantize(Decimal("0.01")))) for desc, qty, price in sale.lines]
    for n, (desc, qty, price, amount) in enumerate(expected, 1):
        expect(lines.get_by_label(f"Описание, ред {n}")).to_have_value(desc)
        expect(lines.get_by_label(f"К-во, ред {n}")).to_have_value(qty)
        expect(lines.get_by_label(f"Ед. цена, ред {n}")).to_have_value(price)
        expect(lines.get_by_label(f"Стойност, ред {n}")).to_have_value(amount)
    expect(page.get_by_test_id("lines-sum")).to_have_text(money(sale.tax_base))
    expect(page.get_by_text(f"Сборът на редовете е равен на данъчната основа {money(sale.tax_base)}")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "review-line-items.png", full_page=True)
    # A line corrected from the keyboard is saved with the other corrections; a sum that no
    # longer matches the tax base is flagged.
    description = lines.get_by_label("Описание, ред 1")
    description.press("Control+End")
    description.press_sequentially(" (кутия)")
    # A long description wraps in a cell wide enough to read it, none of it hidden.
    assert description.bounding_box()["width"] > 250
    description.press_sequentially(", доставка до склада на получателя в Пловдив, с опаковка")
    assert description.evaluate("e => e.scrollHeight <= e.clientHeight + 2 && e.scrollWidth <= e.clientWidth + 2")
    description.fill(f"{sale.lines[0][0]} (кутия)")
    lines.get_by_label("Стойност, ред 1").fill("103,00")
    expect(page.get_by_role("alert")).to_contain_text(f"не е равен на данъчната основа {money(sale.tax_base)}")
    page.get_by_role("button", name="Запази").click()
    expect(page.get_by_role("status")).to_be_visible()
    scanned = ok(http.get(f"/api/companies/{company['id']}/scanned-invoices/{page.url.rsplit('/', 1)[1]}", headers=admin))
    assert scanned["line_items"][0]["description"] == f"{sale.lines[0][0]} (кутия)"
    assert scanned["line_items"][0]["amount"] == "103.00"
    assert [i["amount"] for i in scanned["line_items"][1:]] == [str((q * p).quantize(Decimal("0.01"))) for _, q, p in sale.lines[1:]]
    lines.get_by_label("Стойност, ред 1").fill(money(sale.lines[0][1] * sale.lines[0][2]))
    page.get_by_role("button", name="Одобри").click()
    expect(page.get_by_role("status")).to_contain_text("Одобрена и осчетоводена")
    page.get_by_role("link", name="Отвори записа").click()
    expect(page.get_by_role("heading", name=re.compile(r"Запис № \d+"))).to_be_visible()
    entry_id = page.url.rsplit("/", 1)[1]
    entry = ok(http.get(f"/api/companies/{company['id']}/journal-entries/{entry_id}", headers=admin))
    assert entry["document_number"] == sale.number

    page.go_back()
    page.get_by_role("button", name="Следваща").click()
    expect(page.get_by_label("Номер", exact=True)).to_have_value(purchase.number)
    page.get_by_label("Причина за отхвърляне").fill("дубликат")
    page.get_by_role("button", name="Отхвърли").click()
    expect(page.get_by_role("status")).to_contain_text("Отхвърлена")
    page.get_by_role("button", name="Следваща").click()
    expect(page.get_by_role("status")).to_contain_text("Няма други фактури за преглед")
