"""A stand-in for the European Commission's VIES checkVat SOAP service, for tests and for
trying Baraba without internet. It speaks the contract of checkVatService.wsdl (SOAP 1.1,
document/literal, the answers shaped as VIES sends them today) and answers from a script:

    python -m services.vies.standin --port 8089 [--script answers.json]
    BARABA_VIES_URL=http://127.0.0.1:8089/taxation_customs/vies/services/checkVatService

A script maps a full number ("BG175074752") to one step, or to a list of steps taken one per
request (the last one repeats). A step is an answer, a fault, or a broken transport:

    {"valid": true, "name": "EXAMPLE OOD", "address": "ul. Primerna 1\\n1000 Sofia"}
    {"valid": false}
    {"fault": "MS_UNAVAILABLE"}                  any VIES fault string
    {"status": 503, "body": "<html>..</html>"}   an HTTP error page instead of SOAP
    {"drop": true}                               the connection is closed without an answer
    + "delay": 2.5                               seconds to wait before any of the above
    + "consultation_number": "WAPI..."           checkVatApprox only (else one is made up)

A number without a script is valid (DE and ES ones without name and address, as those states
answer). Like VIES, malformed input gets INVALID_INPUT. Control, over HTTP:

    POST /standin/script     {"BG175074752": [{"fault": "TIMEOUT"}, {"valid": true}]}
    POST /standin/reset      back to the built-in script, empty request log
    GET  /standin/requests   every request received: [{"operation", "number", "requester"}]
    GET  <endpoint>?wsdl     the WSDL, with soap:address pointing here
"""

import argparse
import json
import re
import secrets
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from services.vies.numbers import MEMBER_STATES

ENDPOINT = "/taxation_customs/vies/services/checkVatService"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TYPES = "urn:ec.europa.eu:taxud:vies:services:checkVat:types"
WSDL = Path(__file__).with_name("checkVatService.wsdl")
BRUSSELS = ZoneInfo("Europe/Brussels")

BUILT_IN = {
    "BG175074752": [{"valid": True, "name": "EXAMPLE OOD", "address": "\nul. Primerna  1  \n\n1000 Sofia\n"}],
}
_VIES_NUMBER = re.compile(r"^[0-9A-Za-z+*.]{2,12}$")
_APPROX_FIELDS = ["traderName", "traderCompanyType", "traderStreet", "traderPostcode", "traderCity"]


class StandIn:
    """The script, the request log and the HTTP server; start() serves in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, script: dict | None = None):
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._scripts: dict[str, list[dict]] = {}
        self._served: dict[str, int] = {}
        self._log: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self.script(BUILT_IN | (script or {}))

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{ENDPOINT}"

    def start(self) -> "StandIn":
        self._server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]  # stays the same across stop()/start()
        threading.Thread(target=self._server.serve_forever, name="vies-standin", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stops answering: connections are refused from now on, as when VIES is down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def script(self, steps: dict) -> None:
        with self._lock:
            for number, plan in steps.items():
                self._scripts[number.upper()] = list(plan) if isinstance(plan, list) else [plan]
                self._served.pop(number.upper(), None)

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._served.clear()
            self._log.clear()
        self.script(BUILT_IN)

    def requests(self, number: str | None = None) -> list[dict]:
        with self._lock:
            return [r for r in self._log if number is None or r["number"] == number.upper()]

    def _next_step(self, operation: str, number: str, requester: str) -> dict:
        with self._lock:
            self._log.append({"operation": operation, "number": number, "requester": requester, "at": time.time()})
            plan = self._scripts.get(number)
            if plan is None:
                return _default_step(number)
            served = self._served.get(number, 0)
            self._served[number] = served + 1
            return plan[min(served, len(plan) - 1)]


def _default_step(number: str) -> dict:
    if number[:2] in ("DE", "ES"):
        return {"valid": True, "name": "---", "address": "---"}
    return {"valid": True, "name": f"TRADER {number}", "address": f"1 Example Street\n1000 {MEMBER_STATES[number[:2]][0]}"}


def _handler(standin: StandIn):
    class Handler(BaseHTTPRequestHandler):
        server_version = "vies-standin"

        def log_message(self, format, *args):  # quiet: the request log is the record
            pass

        def do_GET(self):
            if self.path == "/standin/requests":
                return self._send(200, "application/json", json.dumps(standin.requests()))
            if self.path.split("?")[0] == ENDPOINT and self.path.lower().endswith("?wsdl"):
                here = f"http://{self.headers.get('host', f'{standin.host}:{standin.port}')}{ENDPOINT}"
                wsdl = re.sub(r'location="[^"]*"', f'location="{here}"', WSDL.read_text())
                return self._send(200, "text/xml; charset=utf-8", wsdl)
            return self._send(404, "text/plain", "not found")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path == "/standin/script":
                standin.script(json.loads(body or b"{}"))
                return self._send(200, "application/json", '{"ok": true}')
            if self.path == "/standin/reset":
                standin.reset()
                return self._send(200, "application/json", '{"ok": true}')
            if self.path != ENDPOINT:
                return self._send(404, "text/plain", "not found")
            if not self.headers.get("content-type", "").startswith("text/xml"):
                return self._send(415, "text/plain", "SOAP 1.1 needs Content-Type: text/xml")
            if self.headers.get("soapaction", '""').strip('"') != "":
                return self._fault("The given SOAPAction does not match an operation.", code="env:Client")
            try:
                operation, fields = _parse(body)
            except (ElementTree.ParseError, ValueError):
                return self._fault("Unmarshalling Error", code="env:Client")
            country, number = fields.get("countryCode", ""), fields.get("vatNumber", "")
            requester = fields.get("requesterCountryCode", "") + fields.get("requesterVatNumber", "")
            if country not in MEMBER_STATES or not _VIES_NUMBER.match(number):
                standin._next_step(operation, country + number, requester)
                return self._fault("INVALID_INPUT")
            step = standin._next_step(operation, country + number, requester)
            time.sleep(step.get("delay", 0))
            if step.get("drop"):
                self.close_connection = True
                return None
            if "status" in step:
                return self._send(step["status"], "text/html", step.get("body", ""))
            if "fault" in step:
                return self._fault(step["fault"])
            return self._send(200, "text/xml; charset=utf-8", _answer(operation, country, number, fields, step))

        def _fault(self, faultstring: str, code: str = "env:Server"):
            envelope = (
                f'<env:Envelope xmlns:env="{SOAP_ENV}"><env:Header/><env:Body><env:Fault>'
                f"<faultcode>{code}</faultcode><faultstring>{escape(faultstring)}</faultstring>"
                "</env:Fault></env:Body></env:Envelope>"
            )
            self._send(500, "text/xml; charset=utf-8", envelope)

        def _send(self, status: int, content_type: str, text: str):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse(body: bytes) -> tuple[str, dict[str, str]]:
    """The operation and its fields, matched on namespaces (never on prefixes)."""
    root = ElementTree.fromstring(body)
    payload = root.find(f"{{{SOAP_ENV}}}Body/*")
    if root.tag != f"{{{SOAP_ENV}}}Envelope" or payload is None:
        raise ValueError("not a SOAP 1.1 envelope")
    operation = payload.tag.removeprefix(f"{{{TYPES}}}")
    if operation not in ("checkVat", "checkVatApprox"):
        raise ValueError(f"no such operation: {payload.tag}")
    fields = {}
    for child in payload:
        if not child.tag.startswith(f"{{{TYPES}}}"):  # elementFormDefault="qualified"
            raise ValueError(f"unqualified element {child.tag}")
        fields[child.tag.removeprefix(f"{{{TYPES}}}")] = (child.text or "").strip()
    return operation, fields


def _answer(operation: str, country: str, number: str, fields: dict, step: dict) -> str:
    today = datetime.now(BRUSSELS)
    offset = today.strftime("%z")
    elements = [
        ("countryCode", country),
        ("vatNumber", number),
        ("requestDate", f"{today:%Y-%m-%d}{offset[:3]}:{offset[3:]}"),  # xsd:date with its offset
        ("valid", "true" if step.get("valid") else "false"),
    ]
    name, address = step.get("name", "---"), step.get("address", "---")
    if operation == "checkVat":
        elements += [("name", name), ("address", address)]
    else:
        elements += [("traderName", name), ("traderCompanyType", "---"), ("traderAddress", address)]
        if fields.get("traderName"):
            sent, known = fields["traderName"].upper().split(), name.upper().split()
            elements.append(("traderNameMatch", "1" if sent == known else "2"))
        for part in ("Street", "Postcode", "City"):
            if fields.get(f"trader{part}"):
                elements.append((f"trader{part}Match", "3"))  # the stand-in keeps no addresses
        consultation = ""
        if fields.get("requesterCountryCode") and fields.get("requesterVatNumber"):
            consultation = step.get("consultation_number") or "WAPIAAAA" + secrets.token_urlsafe(6)[:8]
        elements.append(("requestIdentifier", consultation))
    inner = "".join(f"<ns2:{tag}>{escape(value)}</ns2:{tag}>" for tag, value in elements)
    return (
        f'<env:Envelope xmlns:env="{SOAP_ENV}"><env:Header/><env:Body>'
        f'<ns2:{operation}Response xmlns:ns2="{TYPES}">{inner}</ns2:{operation}Response>'
        "</env:Body></env:Envelope>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="A stand-in VIES checkVat SOAP service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--script", type=Path, help="a JSON file of scripted answers (see the module docs)")
    args = parser.parse_args()
    script = json.loads(args.script.read_text()) if args.script else None
    standin = StandIn(args.host, args.port, script).start()
    print(f"VIES stand-in: BARABA_VIES_URL={standin.url}", flush=True)  # noqa: T201 - command-line tool
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
