"""Two scanner replicas: a replica starting up resumes only the batches whose process died,
never one the other replica is still reading."""

import time

import httpx
import pytest

from services.mesh.launcher import free_port, scratch_mesh
from services.mesh.postgres import EmbeddedPostgres
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login
from tests.support.scanner_invoices import ALFA, render_image, render_pdf, sample_invoices


@pytest.fixture(scope="module")
def two_scanners(tmp_path_factory):
    # A PostgreSQL of its own: replicas hold more connections than a busy shared server may have left.
    workdir = tmp_path_factory.mktemp("scanner-replicas")
    pg = EmbeddedPostgres(workdir / "pgdata", port=free_port())
    with scratch_mesh(None, workdir, ["identity", "ledger", "scanner"], MESH_ENV, replicas={"scanner": 2}, postgres=pg) as mesh:
        yield mesh


def test_a_replica_starting_up_leaves_the_others_batch_alone(two_scanners):
    mesh = two_scanners
    with httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=60) as http:
        headers = bearer(login(http, ADMIN, ADMIN_PASSWORD)["token"])
        company = http.post(
            "/api/companies", headers=headers, json={"company": {"name": ALFA.name, "eik": ALFA.eik, "vat_number": ALFA.vat}}
        ).json()["id"]
        invoices = sample_invoices()
        files = [("files", (f"{i}.png", render_image(render_pdf(invoices[i % 9])), "image/png")) for i in range(8)]
        reply = http.post("/api/scan/batch", params={"company_id": company}, headers=headers, files=files)
        session = reply.json()
        request_id = reply.headers["x-request-id"]
        running = next(r for r in mesh.replicas_of("scanner") if request_id in mesh.log_path(r).read_text())
        other = next(r for r in mesh.replicas_of("scanner") if r != running)

        status = f"/api/scan/sessions/{session['id']}/status"
        mesh.stop_service(other)  # restarted while the batch is being read elsewhere
        mesh.start_service(other)
        still = http.get(status, params={"company_id": company}, headers=headers).json()
        assert still["status"] == "SESSION_STATUS_PROCESSING", "the batch ended before the other replica was back"
        assert "resuming an interrupted batch" not in mesh.log_path(other).read_text()

        deadline = time.monotonic() + 120
        while (session := http.get(status, params={"company_id": company}, headers=headers).json())[
            "status"
        ] == "SESSION_STATUS_PROCESSING":
            assert time.monotonic() < deadline, session
            time.sleep(0.5)
        assert session["status"] == "SESSION_STATUS_COMPLETED"
        assert [i["status"] for i in session["invoices"]] == ["INVOICE_STATUS_PENDING"] * 8
