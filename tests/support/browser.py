"""The browser for the end-to-end tests: Debian's Chromium driven by Playwright (which is told
to use it and never downloads a browser of its own), against the app the edge serves.

Each test's final screen is saved as a PNG under .baraba/test-output/screenshots/ (or
$BARABA_TEST_OUTPUT/screenshots/)."""

import base64
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.api import ADMIN, ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BARABA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BARABA_TEST_OUTPUT", ROOT / ".baraba" / "test-output")) / "screenshots"


# Per module, not per session: while sync Playwright runs, its event loop belongs to this
# thread and other tests' asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed at {CHROMIUM} for the browser tests: run `make test` (it installs it) or `sh frontend/setup-browser.sh`"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, edge_url, request) -> Iterator[Page]:
    context = browser.new_context(base_url=edge_url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', request.node.name)}.png", full_page=True)
    context.close()
    assert not errors, f"the page threw: {errors}"


def sign_in(page: Page, username: str = ADMIN, password: str = ADMIN_PASSWORD, path: str = "/") -> None:
    page.goto(path)
    page.get_by_label("Потребителско име").fill(username)
    page.get_by_label("Парола").fill(password)
    page.get_by_role("button", name="Вход").click()
    page.get_by_role("button", name="Изход").wait_for()


def stored_session(page: Page) -> dict:
    return json.loads(page.evaluate("localStorage.getItem('baraba.session')") or "null")


def expire_stored_token(page: Page) -> str:
    """Rewrites the stored access token's expiry into the past (its signature no longer
    matches, as for any token the edge refuses); returns the tampered token."""
    session = stored_session(page)
    header, payload, signature = session["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = claims["iat"] - 60
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    session["token"] = f"{header}.{forged}.{signature}"
    page.evaluate("s => localStorage.setItem('baraba.session', s)", json.dumps(session))
    return session["token"]


def create_company(http, headers, name: str = "Пример ООД", **fields) -> dict:
    body = {
        "company": {"name": name, "eik": "175074752", "vat_number": "BG175074752", "is_vat_registered": True, **fields},
        "request_id": str(uuid.uuid4()),
    }
    reply = http.post("/api/companies", headers=headers, json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def choose_company(page: Page, company: dict) -> None:
    page.get_by_label("Текуща фирма").select_option(company["id"])
