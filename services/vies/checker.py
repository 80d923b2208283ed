"""How a check is answered: local check, then the cache, then VIES (one request per number
at a time, shared by everyone asking), then the cache again as a stale answer if VIES cannot
be asked now."""

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from services.kernel import metrics
from services.kernel.errors import InvalidArgument, Unavailable
from services.vies import numbers
from services.vies.numbers import VatNumber
from services.vies.remote import Answer, Trader, ViesClient, unavailable
from services.vies.store import CachedCheck, CheckStore

log = logging.getLogger(__name__)

# Member states that disclose nothing send "---" (also for invalid numbers).
_NOT_PROVIDED = {"", "---"}


@dataclass(frozen=True)
class Policy:
    valid_ttl: timedelta = timedelta(hours=24)  # a valid answer is fresh this long
    invalid_ttl: timedelta = timedelta(hours=1)  # an invalid one this long (a new registration shows up soon)
    stale_max_age: timedelta = timedelta(days=30)  # the oldest answer given when VIES is down
    timeout: float = 10.0  # the most one check may take, retries included
    failure_memory: float = 5.0  # a failed check is answered from memory this long (s)


@dataclass(frozen=True)
class Check:
    """The answer to a caller."""

    country_code: str
    vat_number: str
    valid: bool
    name: str
    address: str
    request_date: date
    checked_at: datetime
    cached: bool = False
    stale: bool = False
    stale_reason: str = ""
    consultation_number: str = ""
    matches: dict[str, str] = field(default_factory=dict)


def clean_name(value: str | None) -> str:
    return "" if value is None or value.strip() in _NOT_PROVIDED else re.sub(r"\s+", " ", value).strip()


def clean_address(value: str | None) -> str:
    """One line per line, each trimmed with single spaces; no empty lines, no "---"."""
    if value is None or value.strip() in _NOT_PROVIDED:
        return ""
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def parse(raw: str, field_name: str) -> VatNumber:
    try:
        return numbers.parse(raw)
    except numbers.NotAVatNumber as exc:
        raise InvalidArgument.field(field_name, str(exc)) from None


_ANSWERS = metrics.counter(
    "baraba_vies_answers_total", "VIES checks answered, by where the answer came from", "source", ("remote", "cache", "stale")
)
FROM_REMOTE, FROM_CACHE, STALE = (_ANSWERS.labels(source) for source in ("remote", "cache", "stale"))
_CALLS = metrics.counter(
    "baraba_vies_remote_calls_total", "Requests sent to VIES (one per check, retries included)", "outcome", ("answered", "unavailable")
)
CALL_ANSWERED, CALL_UNAVAILABLE = _CALLS.labels("answered"), _CALLS.labels("unavailable")


class Checker:
    def __init__(self, client: ViesClient, store: CheckStore, policy: Policy):
        self.client = client
        self.store = store
        self.policy = policy
        self._flights: dict[VatNumber, asyncio.Task] = {}
        self._failures: dict[VatNumber, tuple[float, Unavailable]] = {}

    async def check(self, raw: str, time_remaining: float | None) -> Check:
        vat = parse(raw, "vat_number")
        cached = await self.store.get(vat.country_code, vat.number)
        if cached is not None and self._is_fresh(cached):
            FROM_CACHE.inc()
            return _from_cache(cached)
        try:
            check = await self._shared_check(vat, self._budget(time_remaining))
        except Unavailable as exc:
            if cached is None or _now() - cached.checked_at > self.policy.stale_max_age:
                raise
            log.warning(
                "VIES unavailable, answering from the cache", extra={"country_code": vat.country_code, "checked_at": cached.checked_at}
            )
            STALE.inc()
            return _from_cache(cached, stale_reason=exc.message)
        FROM_REMOTE.inc()
        return check

    async def check_approx(self, raw: str, raw_requester: str, trader: Trader, time_remaining: float | None) -> Check:
        """Always asks VIES: the consultation number must prove a check made now."""
        vat = parse(raw, "vat_number")
        requester = parse(raw_requester, "requester_vat_number")
        try:
            answer = await self.client.check_approx(vat, requester, trader, self._budget(time_remaining))
        except Unavailable:
            CALL_UNAVAILABLE.inc()
            raise
        CALL_ANSWERED.inc()
        FROM_REMOTE.inc()
        return await self._remember(vat, answer)

    def _is_fresh(self, row: CachedCheck) -> bool:
        ttl = self.policy.valid_ttl if row.valid else self.policy.invalid_ttl
        return _now() - row.checked_at < ttl

    def _budget(self, time_remaining: float | None) -> float:
        """The caller's remaining time, less a margin to send the answer, capped by policy."""
        if time_remaining is None:
            return self.policy.timeout
        return min(self.policy.timeout, time_remaining - min(0.5, max(0.1, time_remaining * 0.1)))

    async def _shared_check(self, vat: VatNumber, budget: float) -> Check:
        """Joins the request for `vat` already in flight, or starts it. The request runs as its
        own task, so a caller that goes away does not cancel it for the others."""
        flight = self._flights.get(vat)
        if flight is None:
            if (failure := self._failures.get(vat)) and failure[0] > time.monotonic():
                # Whoever asks again within moments of a failure (a person, a client that
                # retries despite being told not to) gets the same answer: VIES is not asked again.
                raise Unavailable(failure[1].message, reason=failure[1].reason, metadata=failure[1].metadata, retryable=False)
            flight = asyncio.create_task(self._ask(vat, budget))
            self._flights[vat] = flight
            flight.add_done_callback(lambda done: self._landed(vat, done))
        try:
            return await asyncio.wait_for(asyncio.shield(flight), budget + 0.05)
        except TimeoutError:  # joined a request that will outlast this caller's deadline
            raise unavailable(vat, "NO_ANSWER", "VIES did not answer in time") from None

    async def _ask(self, vat: VatNumber, budget: float) -> Check:
        try:
            answer = await self.client.check(vat, budget)
        except Unavailable as exc:
            CALL_UNAVAILABLE.inc()
            self._failures[vat] = (time.monotonic() + self.policy.failure_memory, exc)
            raise
        CALL_ANSWERED.inc()
        self._failures.pop(vat, None)
        return await self._remember(vat, answer)

    def _landed(self, vat: VatNumber, flight: asyncio.Task) -> None:
        if self._flights.get(vat) is flight:
            del self._flights[vat]
        if not flight.cancelled():
            flight.exception()  # retrieved here too, in case every caller has gone
        now = time.monotonic()
        for key in [k for k, (until, _) in self._failures.items() if until <= now]:
            del self._failures[key]

    async def _remember(self, vat: VatNumber, answer: Answer) -> Check:
        row = CachedCheck(
            country_code=vat.country_code,
            vat_number=vat.number,
            valid=answer.valid,
            name=clean_name(answer.name),
            address=clean_address(answer.address),
            raw_name=answer.name,
            raw_address=answer.address,
            request_date=answer.request_date,
            checked_at=_now(),
        )
        await self.store.save(row)
        return Check(
            country_code=row.country_code,
            vat_number=row.vat_number,
            valid=row.valid,
            name=row.name,
            address=row.address,
            request_date=row.request_date,
            checked_at=row.checked_at,
            consultation_number=answer.consultation_number,
            matches=answer.matches,
        )


def _from_cache(row: CachedCheck, stale_reason: str = "") -> Check:
    return Check(
        country_code=row.country_code,
        vat_number=row.vat_number,
        valid=row.valid,
        name=row.name,
        address=row.address,
        request_date=row.request_date,
        checked_at=row.checked_at,
        cached=True,
        stale=bool(stale_reason),
        stale_reason=stale_reason,
    )


def _now() -> datetime:
    return datetime.now(UTC)
