"""The browser app's speed, in headless Chromium against a real mesh (identity + ledger + the
edge serving the built app):

- the JavaScript the first screen (the login) loads, gzipped as the edge sends it;
- the time from opening the URL to a usable login form (cold: a new browser profile);
- the time from pressing "Вход" to the journal list of a company with 10,000 entries.

    .venv/bin/python -m bench.frontend [--entries 10000] [--runs 5]

Goals: first-screen JavaScript at most 250 KB gzipped; both times under 1 s.
"""

import argparse
import asyncio
import os
import re
import statistics
import time

import httpx
from playwright.sync_api import sync_playwright

from bench.ledger_common import PASSWORD, admin_headers, ledger_mesh, new_company
from services.mesh import frontend

CHROMIUM = os.environ.get("BARABA_CHROMIUM", "/usr/bin/chromium")


async def fill_company(edge: str, entries: int) -> str:
    """A company with `entries` two-line journal entries, created over REST, 16 at a time."""
    async with httpx.AsyncClient(base_url=edge, timeout=60) as http:
        headers = await admin_headers(http)
        company_id, accounts = await new_company(http, headers, "Бенчмарк ООД")
        queue = iter(range(entries))

        async def worker():
            for n in queue:
                amount = f"{100 + n % 900}.{n % 100:02d}"
                body = {
                    "journal_entry": {
                        "document_type": "01",
                        "document_number": f"{n + 1:010d}",
                        "document_date": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
                        "description": f"Доставка {n + 1}",
                        "lines": [{"account_id": accounts["602"], "debit": amount}, {"account_id": accounts["401"], "credit": amount}],
                    }
                }
                reply = await http.post(f"/api/companies/{company_id}/journal-entries", headers=headers, json=body)
                reply.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(16)))
        return company_id


def first_screen_js(page_url: str, browser) -> tuple[int, list[str]]:
    """Bytes of JavaScript on the wire (gzipped by the edge) until the login form is usable."""
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}

    def on_response(response):
        if response.url.endswith((".js", ".mjs")):
            sizes[response.url] = response.request.sizes()["responseBodySize"]  # as sent: gzipped

    page.on("response", on_response)
    page.goto(page_url)
    page.get_by_role("button", name="Вход").wait_for()
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), sorted(re.sub(r".*/", "", u) for u in sizes)


def time_to_login_form(page_url: str, browser) -> float:
    context = browser.new_context()  # a cold cache, as on a first visit
    page = context.new_page()
    start = time.perf_counter()
    page.goto(page_url, wait_until="commit")
    page.get_by_label("Потребителско име").wait_for()
    page.get_by_role("button", name="Вход").wait_for()
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def time_to_journal(page_url: str, browser) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_url)
    page.get_by_label("Потребителско име").fill("admin")
    page.get_by_label("Парола").fill(PASSWORD)
    start = time.perf_counter()
    page.get_by_role("button", name="Вход").click()
    page.get_by_text(re.compile(r"^\d+ записа$")).wait_for()
    page.locator("table.entries tbody tr").nth(49).wait_for()
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    frontend.build()
    with ledger_mesh() as mesh:
        edge = f"http://127.0.0.1:{mesh.ports['edge']}"
        started = time.perf_counter()
        asyncio.run(fill_company(edge, args.entries))
        print(f"company with {args.entries} entries created in {time.perf_counter() - started:.1f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            total, files = first_screen_js(f"{edge}/", browser)
            print(f"first-screen JavaScript: {total / 1024:.1f} KB gzipped on the wire ({', '.join(files)}); goal <= 250 KB")
            login = [time_to_login_form(f"{edge}/", browser) for _ in range(args.runs)]
            print(
                f"URL -> usable login form (cold profile): median {statistics.median(login) * 1000:.0f} ms, "
                f"max {max(login) * 1000:.0f} ms; goal < 1000 ms"
            )
            journal = [time_to_journal(f"{edge}/", browser) for _ in range(args.runs)]
            print(
                f"login -> journal list of {args.entries} entries: median {statistics.median(journal) * 1000:.0f} ms, "
                f"max {max(journal) * 1000:.0f} ms; goal < 1000 ms"
            )
            browser.close()


if __name__ == "__main__":
    main()
