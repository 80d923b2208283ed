"""Two scanner replicas: a replica starting up resumes only the batches whose process died,
never one the other replica is still reading; a cancel sent to the replica that is not reading
a batch stops the one that is."""

import io
import time
from pathlib import Path

import httpx
import pytest
from baraba.scanner.v1 import scanner_pb2 as pb
from baraba.scanner.v1 import scanner_pb2_grpc as rpc
from PIL import Image

from services.mesh.launcher import free_port, scratch_mesh
from services.mesh.postgres import EmbeddedPostgres
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login, service_channel
from tests.support.scanner_invoices import ALFA, render_image, render_pdf, sample_invoices


@pytest.fixture(scope="module")
def two_scanners(tmp_path_factory):
    # A PostgreSQL of its own: replicas hold more connections than a busy shared server may have left.
    workdir = tmp_path_factory.mktemp("scanner-replicas")
    pg = EmbeddedPostgres(workdir / "pgdata", port=free_port())
    with scratch_mesh(None, workdir, ["identity", "ledger", "scanner"], MESH_ENV, replicas={"scanner": 2}, postgres=pg) as mesh:
        yield mesh


@pytest.fixture(scope="module")
def http(two_scanners):
    with httpx.Client(base_url=f"http://127.0.0.1:{two_scanners.ports['edge']}", timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def admin(http):
    return bearer(login(http, ADMIN, ADMIN_PASSWORD)["token"])


@pytest.fixture(scope="module")
def company(http, admin):
    reply = http.post("/api/companies", headers=admin, json={"company": {"name": ALFA.name, "eik": ALFA.eik, "vat_number": ALFA.vat}})
    return reply.json()["id"]


def reading_replica(mesh, reply: httpx.Response) -> tuple[str, str]:
    """The replica that took the batch's start (and so reads it), and the other one."""
    request_id = reply.headers["x-request-id"]
    running = next(r for r in mesh.replicas_of("scanner") if request_id in mesh.log_path(r).read_text())
    return running, next(r for r in mesh.replicas_of("scanner") if r != running)


def test_a_replica_starting_up_leaves_the_others_batch_alone(two_scanners, http, admin, company):
    mesh, headers = two_scanners, admin
    invoices = sample_invoices()
    files = [("files", (f"{i}.png", render_image(render_pdf(invoices[i % 9])), "image/png")) for i in range(8)]
    reply = http.post("/api/scan/batch", params={"company_id": company}, headers=headers, files=files)
    session = reply.json()
    _, other = reading_replica(mesh, reply)

    status = f"/api/scan/sessions/{session['id']}/status"
    mesh.stop_service(other)  # restarted while the batch is being read elsewhere
    mesh.start_service(other)
    still = http.get(status, params={"company_id": company}, headers=headers).json()
    assert still["status"] == "SESSION_STATUS_PROCESSING", "the batch ended before the other replica was back"
    assert "resuming an interrupted batch" not in mesh.log_path(other).read_text()

    deadline = time.monotonic() + 120
    while (session := http.get(status, params={"company_id": company}, headers=headers).json())["status"] == "SESSION_STATUS_PROCESSING":
        assert time.monotonic() < deadline, session
        time.sleep(0.5)
    assert session["status"] == "SESSION_STATUS_COMPLETED"
    assert [i["status"] for i in session["invoices"]] == ["INVOICE_STATUS_PENDING"] * 8


def tesseracts_of(pid: int) -> list[int]:
    """The Tesseract processes the process `pid` started (directly or further down)."""
    parents, names = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        child = int(stat.parent.name)
        names[child] = text[text.index("(") + 1 : text.rindex(")")]
        parents[child] = int(text[text.rindex(")") + 2 :].split()[1])

    def below(child: int) -> bool:
        while child > 1:
            child = parents.get(child, 0)
            if child == pid:
                return True
        return False

    return [child for child, name in names.items() if name == "tesseract" and below(child)]


def scanned_pages(count: int) -> bytes:
    """One TIFF of `count` scanned invoice pages: its reading runs Tesseract for a while."""
    invoices = sample_invoices()
    pages = [Image.open(io.BytesIO(render_image(render_pdf(invoices[i % 9])))) for i in range(count)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300), compression="tiff_deflate")
    return out.getvalue()


def test_a_cancel_sent_to_the_other_replica_stops_the_reading_one_at_once(two_scanners, http, admin, company):
    mesh = two_scanners
    files = [("files", (f"{i}.tiff", scanned_pages(4), "image/tiff")) for i in range(3)]
    reply = http.post("/api/scan/batch", params={"company_id": company}, headers=admin, files=files)
    assert reply.status_code == 200, reply.text
    session_id = reply.json()["id"]
    running, other = reading_replica(mesh, reply)
    reader = mesh.processes[running].pid

    deadline = time.monotonic() + 60
    while not tesseracts_of(reader):  # the reader is in the middle of its first file
        assert time.monotonic() < deadline, "the reading replica never ran Tesseract"
        time.sleep(0.1)

    with service_channel(mesh, other) as channel:
        cancelled = rpc.ScanServiceStub(channel).CancelScanSession(
            pb.CancelScanSessionRequest(company_id=company, id=session_id), metadata=(("authorization", admin["authorization"]),)
        )
    assert cancelled.status == pb.SESSION_STATUS_CANCELLED
    assert pb.INVOICE_STATUS_PROCESSING not in [i.status for i in cancelled.invoices]

    # No Tesseract of the reader's left within a couple of seconds, and none started afterwards.
    cancelled_at = last_seen = time.monotonic()
    while time.monotonic() < cancelled_at + 4:
        if tesseracts_of(reader):
            last_seen = time.monotonic()
        time.sleep(0.1)
    assert last_seen - cancelled_at < 2, f"the reading replica ran Tesseract {last_seen - cancelled_at:.1f} s after the cancel"

    status = f"/api/scan/sessions/{session_id}/status"
    before = http.get(status, params={"company_id": company}, headers=admin).json()
    assert before["status"] == "SESSION_STATUS_CANCELLED"
    time.sleep(2)  # the batch's progress stays where the cancel left it
    after = http.get(status, params={"company_id": company}, headers=admin).json()
    assert [i["status"] for i in after["invoices"]] == [i["status"] for i in before["invoices"]]
    assert after["done_files"] == before["done_files"] == 3
    assert "the batch was cancelled: its reading stops" in mesh.log_path(running).read_text()
