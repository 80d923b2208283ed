"""A batch survives a restart of the scanner: nothing stays queued forever. Runs its own small
mesh, so it can stop the scanner in the middle of a batch."""

import time

import httpx
import pytest

from services.mesh.launcher import scratch_mesh
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login, service_log
from tests.support.scanner_invoices import ALFA, render_image, render_pdf, sample_invoices


@pytest.fixture(scope="module")
def scanner_mesh(database_server, tmp_path_factory):
    with scratch_mesh(database_server, tmp_path_factory.mktemp("scanner-mesh"), ["identity", "ledger", "scanner"], MESH_ENV) as mesh:
        yield mesh


def test_a_batch_cut_short_by_a_restart_is_finished_after_it(scanner_mesh):
    with httpx.Client(base_url=f"http://127.0.0.1:{scanner_mesh.ports['edge']}", timeout=60) as http:
        headers = bearer(login(http, ADMIN, ADMIN_PASSWORD)["token"])
        company = http.post(
            "/api/companies", headers=headers, json={"company": {"name": ALFA.name, "eik": ALFA.eik, "vat_number": ALFA.vat}}
        ).json()["id"]
        invoices = sample_invoices()
        files = [("files", (f"{i}.png", render_image(render_pdf(invoices[i % 9])), "image/png")) for i in range(6)]
        session = http.post("/api/scan/batch", params={"company_id": company}, headers=headers, files=files).json()
        status = f"/api/scan/sessions/{session['id']}/status"

        assert scanner_mesh.stop_service("scanner") == 0  # in the middle of the batch (OCR takes seconds a file)
        scanner_mesh.start_service("scanner")
        resumed = [line for line in service_log(scanner_mesh, "scanner").splitlines() if "resuming an interrupted batch" in line]
        assert any(session["id"] in line for line in resumed)

        deadline = time.monotonic() + 120
        while (session := http.get(status, params={"company_id": company}, headers=headers).json())[
            "status"
        ] == "SESSION_STATUS_PROCESSING":
            assert time.monotonic() < deadline, session
            time.sleep(0.5)
        assert session["status"] == "SESSION_STATUS_COMPLETED"
        assert [i["status"] for i in session["invoices"]] == ["INVOICE_STATUS_PENDING"] * 6
        assert [i["fields"]["total"] for i in session["invoices"]] == [str(invoices[i % 9].total) for i in range(6)]
