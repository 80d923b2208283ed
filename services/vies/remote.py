"""The VIES SOAP client: zeep over httpx against the WSDL shipped with this service, with the
endpoint from configuration, retries with backoff inside the caller's time budget, and every
VIES fault mapped to an error a person can act on (never to "invalid": a fault is no verdict).
"""

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from zeep import AsyncClient, Settings
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault
from zeep.proxy import AsyncServiceProxy
from zeep.transports import AsyncTransport

from services.kernel.errors import FailedPrecondition, InvalidArgument, Unavailable
from services.vies.numbers import VatNumber

log = logging.getLogger(__name__)

WSDL = Path(__file__).with_name("checkVatService.wsdl")
BINDING = "{urn:ec.europa.eu:taxud:vies:services:checkVat}checkVatBinding"
PRODUCTION_URL = "https://ec.europa.eu/taxation_customs/vies/services/checkVatService"

MAX_ATTEMPTS = 4
FIRST_BACKOFF = 0.25  # seconds; doubled per attempt, with jitter, capped
MAX_BACKOFF = 2.0
MIN_ATTEMPT = 0.2  # no new attempt with less time than this left

# Faults after which asking again may work: VIES or the member state is down or busy.
_RETRYABLE = {
    "SERVICE_UNAVAILABLE": "VIES is unavailable",
    "SERVER_BUSY": "VIES is busy",
    "GLOBAL_MAX_CONCURRENT_REQ": "VIES is receiving too many requests",
    "GLOBAL_MAX_CONCURRENT_REQ_TIME": "VIES is receiving too many requests",
    "MS_UNAVAILABLE": "the member state's register is not answering VIES",
    "TIMEOUT": "the member state's register did not answer VIES in time",
    "MS_MAX_CONCURRENT_REQ": "the member state's register is receiving too many requests",
    "MS_MAX_CONCURRENT_REQ_TIME": "the member state's register is receiving too many requests",
}


@dataclass(frozen=True)
class Answer:
    """One verdict of VIES, as it gave it (name and address still raw)."""

    country_code: str
    vat_number: str
    valid: bool
    request_date: date
    name: str | None
    address: str | None
    consultation_number: str = ""
    matches: dict[str, str] = field(default_factory=dict)  # "name"/"street"/... -> "1"|"2"|"3"


@dataclass(frozen=True)
class Trader:
    """Details of the trader for checkVatApprox to match; empty ones are not sent."""

    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""


class _Transport(httpx.AsyncHTTPTransport):
    """httpx's transport, with a connection that the server resets as it opens (a VIES going
    down) a ConnectError like any other. On uvloop such a transport has no socket left by the
    time httpcore asks for its TLS details, and anyio, looking up the peer's address on that
    None, raises AttributeError: seen about once in 20 connections to a server that resets each
    one, and it was a 500 for the browser. Nothing has been sent then, so it is retried."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except AttributeError as exc:
            raise httpx.ConnectError(f"the connection was closed as it opened ({exc})", request=request) from exc


class ViesClient:
    def __init__(self, url: str = PRODUCTION_URL):
        self.url = url
        # Per-attempt time is enforced with asyncio.timeout (the caller's budget), not here.
        self._http = httpx.AsyncClient(timeout=None, transport=_Transport(limits=httpx.Limits(max_connections=20)))
        self._wsdl_http = httpx.Client()  # unused: the WSDL is a local file
        transport = AsyncTransport(client=self._http, wsdl_client=self._wsdl_http)
        client = AsyncClient(str(WSDL), transport=transport, settings=Settings(strict=True))
        # Not client.create_service(): on AsyncClient it returns a synchronous proxy.
        self._service = AsyncServiceProxy(client, client.wsdl.bindings[BINDING], address=url)

    async def close(self) -> None:
        await self._http.aclose()
        self._wsdl_http.close()

    async def check(self, vat: VatNumber, budget: float) -> Answer:
        reply = await self._call("checkVat", vat, budget, countryCode=vat.country_code, vatNumber=vat.number)
        return Answer(
            country_code=reply.countryCode,
            vat_number=reply.vatNumber,
            valid=bool(reply.valid),
            request_date=reply.requestDate,
            name=reply.name,
            address=reply.address,
        )

    async def check_approx(self, vat: VatNumber, requester: VatNumber, trader: Trader, budget: float) -> Answer:
        optional = {
            "traderName": trader.name,
            "traderStreet": trader.street,
            "traderPostcode": trader.postcode,
            "traderCity": trader.city,
        }
        reply = await self._call(
            "checkVatApprox",
            vat,
            budget,
            countryCode=vat.country_code,
            vatNumber=vat.number,
            requesterCountryCode=requester.country_code,
            requesterVatNumber=requester.number,
            **{k: v for k, v in optional.items() if v},
        )
        matches = {
            "name": reply.traderNameMatch,
            "street": reply.traderStreetMatch,
            "postcode": reply.traderPostcodeMatch,
            "city": reply.traderCityMatch,
        }
        return Answer(
            country_code=reply.countryCode,
            vat_number=reply.vatNumber,
            valid=bool(reply.valid),
            request_date=reply.requestDate,
            name=reply.traderName,
            address=reply.traderAddress,
            consultation_number=reply.requestIdentifier or "",
            matches={k: v for k, v in matches.items() if v},
        )

    async def _call(self, operation: str, vat: VatNumber, budget: float, **params):
        """Calls the operation, retrying what may pass on a second try, until `budget` seconds
        have passed; then UNAVAILABLE naming the member state and the last reason."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise unavailable(vat, "NO_TIME", "there was no time left to ask VIES")
            try:
                async with asyncio.timeout(remaining):
                    return await getattr(self._service, operation)(**params)
            except Fault as fault:
                code, reason = _fault(fault, vat)
            except TimeoutError:
                raise unavailable(vat, "NO_ANSWER", "VIES did not answer in time") from None
            except (httpx.HTTPError, ZeepError) as exc:  # connection refused, reset, bad HTTP or XML
                code, reason = "UNREACHABLE", f"VIES could not be reached ({type(exc).__name__})"
            delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            log.warning("VIES attempt failed", extra={"country_code": vat.country_code, "attempt": attempt, "vies_code": code})
            if attempt >= MAX_ATTEMPTS or loop.time() + delay + MIN_ATTEMPT > deadline:
                raise unavailable(vat, code, reason)
            await asyncio.sleep(delay)


def _fault(fault: Fault, vat: VatNumber) -> tuple[str, str]:
    """(code, reason) of a fault worth retrying; raises at once for the others."""
    code = (fault.message or "").strip().upper()
    if code == "INVALID_INPUT":
        raise InvalidArgument.field("vat_number", "VIES refused the number as malformed (INVALID_INPUT)")
    if code == "INVALID_REQUESTER_INFO":
        raise InvalidArgument.field("requester_vat_number", "VIES did not accept the requester's VAT number (INVALID_REQUESTER_INFO)")
    if code == "VAT_BLOCKED":
        raise FailedPrecondition(
            f"the number is blocked from checks in VIES (VAT_BLOCKED); ask the tax administration of {vat.country}",
            reason="VIES_VAT_BLOCKED",
            metadata={"country_code": vat.country_code, "vies_code": code},
        )
    if code == "IP_BLOCKED":  # asking again makes it worse
        raise unavailable(vat, code, "VIES refuses requests from this server; an administrator must contact the Commission")
    if code in _RETRYABLE:
        return code, _RETRYABLE[code]
    # An HTML error page arrives as "Unknown fault occured"; never pass its text on.
    return "UNKNOWN_FAULT", "VIES answered with an unexpected error"


def unavailable(vat: VatNumber, code: str, reason: str) -> Unavailable:
    """UNAVAILABLE naming the member state and the reason. Not to be retried at once: every
    replica asks the same VIES, and each retry would wait out its whole budget again."""
    return Unavailable(
        f"VIES could not check a VAT number of {vat.country} ({vat.country_code}): {reason} ({code}); try again later",
        reason=f"VIES_{code}",
        metadata={"country_code": vat.country_code, "vies_code": code},
        retryable=False,
    )
