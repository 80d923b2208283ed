"""Hostile files and hosts through the real edge: a PDF bomb is refused within bounded memory
while the scanner keeps serving others, a company's Azure endpoint cannot point inside, and an
upload's file name is never more than a name."""

import concurrent.futures
from pathlib import Path

import pytest

from tests.support.api import error_of, field_violations
from tests.support.azure_standin import KEY
from tests.support.hostile_files import pdf_bomb
from tests.support.ledger import create_company
from tests.support.scanner_invoices import ALFA, render_pdf, sample_invoices

LIMITS = ("BARABA_SCANNER_MAX_INFLATED_MB", "BARABA_SCANNER_READ_MEMORY_MB", "BARABA_SCANNER_READ_SECONDS")


@pytest.fixture(scope="module")
def company(http, admin) -> str:
    return create_company(http, admin, name=ALFA.name, eik=ALFA.eik, vat_number=ALFA.vat)["id"]


def upload(http, headers, company_id: str, data: bytes, name: str = ""):
    params = {"company_id": company_id, **({"file_name": name} if name else {})}
    return http.post("/api/scan", params=params, headers={**headers, "content-type": "application/pdf"}, content=data)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_pdf_bomb_is_refused_naming_the_limit_while_others_are_served(http, admin, company, mesh):
    bomb = pdf_bomb(1 << 30)  # 6.5 MB that inflate to 1 GiB
    invoice = render_pdf(sample_invoices()[0])
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        refused = pool.submit(upload, http, admin, company, bomb)
        served = upload(http, admin, company, invoice)
        refused = refused.result()
    assert served.status_code == 200 and served.json()["source"] == "text_layer", served.text
    assert refused.status_code == 400, refused.text[:500]
    message = error_of(refused)["message"]
    assert message.startswith("file:") and any(limit in message for limit in LIMITS), message
    # The scanner itself never held the inflated stream (it reached 2.2 GB before).
    scanner = mesh.processes["scanner"]
    assert peak_rss_mb(scanner.pid) < 400


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:9/x",
        "https://127.0.0.1/x",
        "https://localhost:8443/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://10.1.2.3/",
        "https://[::ffff:127.0.0.1]/",
        "https://user:pw@example.com/",
        "file:///etc/passwd",
    ],
)
def test_an_azure_endpoint_inside_or_without_https_is_refused(http, admin, company, endpoint):
    path = f"/api/companies/{company}/scanner-settings"
    reply = http.put(path, headers=admin, json={"engine": "azure", "azure_endpoint": endpoint, "azure_key": KEY})
    assert reply.status_code == 400, reply.text
    assert "azure_endpoint" in field_violations(reply), reply.text
    assert http.get(path, headers=admin).json()["engine"] == "local"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("../../../../etc/passwd", "passwd"), ("..\\..\\Windows\\win.ini", "win.ini"), ("фактура\r\n.pdf", "фактура.pdf")],
)
def test_an_upload_file_name_is_kept_for_display_only(http, admin, company, sent, kept):
    raw = upload(http, admin, company, render_pdf(sample_invoices()[0]), name=sent)
    assert raw.status_code == 200, raw.text
    assert raw.json()["file_name"] == kept
    if "\r" in sent:
        return  # a multipart client percent-encodes line breaks itself
    multipart = http.post(
        "/api/scan",
        params={"company_id": company},
        headers=admin,
        files={"file": (sent, render_pdf(sample_invoices()[0]), "application/pdf")},
    )
    assert multipart.status_code == 200, multipart.text
    assert multipart.json()["file_name"] == kept
