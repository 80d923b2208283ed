"""A stand-in for Azure Document Intelligence's prebuilt-invoice model, speaking its
documented submit-then-poll REST protocol, for the scanner's tests."""

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from services.mesh.launcher import free_port

KEY = "secret-key-123"
# One port for the whole run, so the test mesh can be told to allow it
# (BARABA_SCANNER_AZURE_ALLOWED_HOSTS: plain http on 127.0.0.1 is refused otherwise).
PORT = free_port()
ALLOWED_HOSTS = f"127.0.0.1:{PORT}"


class AzureStandIn(BaseHTTPRequestHandler):
    """Azure's prebuilt-invoice protocol: POST …:analyze → 202 + Operation-Location, then GET
    → running, then succeeded with the analyzeResult."""

    polls: ClassVar[dict[str, int]] = {}
    received: ClassVar[list[tuple[str, str, int]]] = []

    def log_message(self, *args):
        pass

    def _refuse_without_key(self) -> bool:
        if self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            self.send_response(401)
            self.end_headers()
            return True
        return False

    def do_POST(self):
        if self._refuse_without_key():
            return
        length = int(self.headers["Content-Length"])
        self.rfile.read(length)
        assert "/documentintelligence/documentModels/prebuilt-invoice:analyze?api-version=" in self.path
        AzureStandIn.received.append((self.path, self.headers["Content-Type"], length))
        self.send_response(202)
        self.send_header(
            "Operation-Location",
            f"http://{self.headers['Host']}/documentintelligence/documentModels/prebuilt-invoice/analyzeResults/op1?api-version=x",
        )
        self.end_headers()

    def do_GET(self):
        if self._refuse_without_key():
            return
        n = AzureStandIn.polls[self.path] = AzureStandIn.polls.get(self.path, 0) + 1
        body = {"status": "running"} if n < 2 else {"status": "succeeded", "analyzeResult": ANALYZE_RESULT}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ANALYZE_RESULT = {
    "content": "ФАКТУРА № 0000001234 ...",
    "pages": [{"pageNumber": 1, "width": 8.2639, "height": 11.6944, "unit": "inch"}],
    "documents": [{
        "docType": "invoice",
        "confidence": 0.95,
        "fields": {
            "VendorName": {"type": "string", "valueString": "Алфа Трейд ЕООД", "content": "Алфа Трейд ЕООД", "confidence": 0.93,
                           "boundingRegions": [{"pageNumber": 1, "polygon": [0.7, 1.9, 2.2, 1.9, 2.2, 2.1, 0.7, 2.1]}]},
            "VendorTaxId": {"type": "string", "valueString": "BG203456783", "confidence": 0.9},
            "CustomerName": {"type": "string", "valueString": "Бета Строй ООД", "confidence": 0.92},
            "CustomerTaxId": {"type": "string", "valueString": "BG131204564", "confidence": 0.9},
            "InvoiceId": {"type": "string", "valueString": "0000001234", "confidence": 0.97},
            "InvoiceDate": {"type": "date", "valueDate": "2025-03-15", "content": "15.03.2025", "confidence": 0.96},
            "SubTotal": {"type": "currency", "valueCurrency": {"amount": 225.6, "currencyCode": "BGN"}, "confidence": 0.94},
            "TotalTax": {"type": "currency", "valueCurrency": {"amount": 45.12, "currencyCode": "BGN"}, "confidence": 0.94},
            "InvoiceTotal": {"type": "currency", "valueCurrency": {"amount": 270.72, "currencyCode": "BGN"}, "confidence": 0.95},
        },
    }],
}  # fmt: skip


@contextlib.contextmanager
def running_azure_standin() -> Iterator[str]:
    """The stand-in on PORT (the test mesh lets the scanner reach it); yields its endpoint URL."""
    server = ThreadingHTTPServer(("127.0.0.1", PORT), AzureStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
