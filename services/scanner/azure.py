"""Azure Document Intelligence, prebuilt invoice model, for companies that configure it.

The documented REST protocol: POST {endpoint}/documentintelligence/documentModels/
prebuilt-invoice:analyze?api-version=… with the file as the body answers 202 with an
Operation-Location; GET that until its status is "succeeded" (or "failed"), waiting as long
as Retry-After says. The key travels in the Ocp-Apim-Subscription-Key header and is never
logged or put in an error message."""

import asyncio
import json
import logging
import urllib.error
import urllib.request
from decimal import Decimal

from services.kernel.errors import Unavailable
from services.scanner import endpoints, extraction
from services.scanner.extraction import Extraction, Found

log = logging.getLogger(__name__)

API_VERSION = "2024-11-30"
POLL_LIMIT_SECONDS = 120.0
CALL_TIMEOUT = 30.0


async def recognise(endpoint: str, key: str, data: bytes, content_type: str) -> Extraction:
    url = f"{endpoint.rstrip('/')}/documentintelligence/documentModels/prebuilt-invoice:analyze?api-version={API_VERSION}"
    headers = {"Ocp-Apim-Subscription-Key": key, "Content-Type": content_type or "application/octet-stream"}
    status, reply_headers, _ = await _http("POST", url, headers, data)
    if status != 202 or "operation-location" not in reply_headers:
        raise Unavailable(f"Azure Document Intelligence refused the document (HTTP {status})", reason="AZURE_FAILED")
    operation = reply_headers["operation-location"]
    waited = 0.0
    while waited < POLL_LIMIT_SECONDS:
        status, reply_headers, body = await _http("GET", operation, {"Ocp-Apim-Subscription-Key": key})
        if status != 200:
            raise Unavailable(f"Azure Document Intelligence did not answer (HTTP {status})", reason="AZURE_FAILED")
        result = json.loads(body, parse_float=Decimal)
        if result.get("status") == "succeeded":
            return to_extraction(result.get("analyzeResult") or {})
        if result.get("status") == "failed":
            raise Unavailable("Azure Document Intelligence could not analyse the document", reason="AZURE_FAILED")
        delay = min(float(reply_headers.get("retry-after", "1") or 1), 5.0)
        await asyncio.sleep(delay)
        waited += delay
    raise Unavailable("Azure Document Intelligence took too long", reason="AZURE_TIMEOUT")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as it is (and so refused): following it could lead anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


async def _http(method: str, url: str, headers: dict, data: bytes | None = None) -> tuple[int, dict, bytes]:
    try:
        await endpoints.check(url)  # the company's endpoint, and the operation URL Azure hands back
    except endpoints.UnsafeEndpoint as exc:
        raise Unavailable(f"Azure Document Intelligence endpoint refused: {exc}", reason="AZURE_ENDPOINT_REFUSED") from None

    def call():
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with _opener.open(request, timeout=CALL_TIMEOUT) as reply:
                return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise Unavailable(f"Azure Document Intelligence is unreachable ({type(exc).__name__})", reason="AZURE_UNREACHABLE") from None

    return await asyncio.to_thread(call)


def to_extraction(result: dict) -> Extraction:
    out = Extraction(source="azure", pages=len(result.get("pages", [])))
    documents = result.get("documents") or []
    if not documents:
        out.empty_reason = "Azure Document Intelligence found no invoice in the file"
        out.review_reasons.append(out.empty_reason)
        return out
    fields = documents[0].get("fields", {})
    pages = {p.get("pageNumber"): p for p in result.get("pages", [])}

    def put(name: str, azure_field: dict | None, value) -> None:
        if azure_field is None or value in (None, ""):
            return
        region = (azure_field.get("boundingRegions") or [{}])[0]
        page = pages.get(region.get("pageNumber"), {})
        polygon = region.get("polygon") or []
        box = (0.0, 0.0, 0.0, 0.0)
        if polygon and page.get("width") and page.get("height"):
            xs, ys = polygon[0::2], polygon[1::2]
            w, h = Decimal(str(page["width"])), Decimal(str(page["height"]))
            x0, y0, x1, y1 = (round(float(Decimal(str(v)) / d), 4) for v, d in ((min(xs), w), (min(ys), h), (max(xs), w), (max(ys), h)))
            box = (x0, y0, x1, y1)
        confidence = float(azure_field.get("confidence", 0))
        out.fields[name] = Found(
            str(value), round(confidence, 3), "azure", region.get("pageNumber", 0), box, azure_field.get("content", "")
        )

    def text(name: str) -> str:
        f = fields.get(name) or {}
        return f.get("valueString") or f.get("content") or ""

    def money(name: str):
        f = fields.get(name) or {}
        cur = f.get("valueCurrency") or {}
        return Decimal(str(cur["amount"])).quantize(Decimal("0.01")) if "amount" in cur else None

    for ours, theirs in (("supplier_name", "VendorName"), ("recipient_name", "CustomerName"), ("number", "InvoiceId")):
        put(ours, fields.get(theirs), text(theirs))
    for role, theirs in (("supplier", "VendorTaxId"), ("recipient", "CustomerTaxId")):
        tax_id = text(theirs).replace(" ", "").upper()
        if tax_id[:2].isalpha():
            put(f"{role}_vat_number", fields.get(theirs), tax_id)
            if tax_id.startswith("BG"):
                put(f"{role}_eik", fields.get(theirs), tax_id[2:])
        else:
            put(f"{role}_eik", fields.get(theirs), tax_id)
    put("issue_date", fields.get("InvoiceDate"), (fields.get("InvoiceDate") or {}).get("valueDate"))
    for ours, theirs in (("tax_base", "SubTotal"), ("vat_amount", "TotalTax"), ("total", "InvoiceTotal")):
        put(ours, fields.get(theirs), money(theirs))
    code = ((fields.get("InvoiceTotal") or {}).get("valueCurrency") or {}).get("currencyCode")
    if code in ("BGN", "EUR"):
        put("currency", fields.get("InvoiceTotal"), code)
    for item in (fields.get("PaymentDetails") or {}).get("valueArray", []):
        iban = (item.get("valueObject") or {}).get("IBAN") or {}
        if iban.get("valueString"):
            put("iban", iban, iban["valueString"].replace(" ", ""))
            break
    content = result.get("content", "")
    for kind, pattern in extraction.DOC_TYPES:
        if pattern.search(content):
            out.fields["document_type"] = Found(kind, 0.9, "azure")
            break
    if "tax_event_date" not in out.fields and "issue_date" in out.fields:
        out.fields["tax_event_date"] = Found(out.fields["issue_date"].value, 0.5, "derived")
    extraction._check_amounts(out.fields)
    extraction._review(out)
    return out
