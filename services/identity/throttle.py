"""Sign-in throttling that slows guessing down without letting a stranger lock anyone out.

Two counters, both kept whether or not the username exists (so they reveal nothing):
- per username and client address: the first FREE_FAILURES failures cost nothing; after that
  each attempt must wait 1, 2, 4 ... up to MAX_DELAY seconds after the last failure. A success
  resets it; a day without failures forgets it.
- per username, from addresses it has not signed in from (within KNOWN_FOR): at most
  CEILING failures per WINDOW. This bounds guessing from many addresses at once, while the
  real user, signing in from where they did before, is never held by it.

So one address gets FREE_FAILURES + about 3,600 / MAX_DELAY guesses an hour at most, and any
number of addresses together at most CEILING an hour (README: "Signing in").

The client address is the one the edge saw (the last x-forwarded-for entry, which Envoy
appends), else the gRPC peer.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.records import now
from services.identity.store import LoginThrottle
from services.kernel.errors import ResourceExhausted

FREE_FAILURES = 5
MAX_DELAY = timedelta(seconds=60)
FORGET_AFTER = timedelta(days=1)
CEILING = 30
WINDOW = timedelta(hours=1)
KNOWN_FOR = timedelta(days=30)
ANY_ADDRESS = ""  # the per-username row


def delay_after(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_DELAY)


def client_address(metadata: dict, peer: str) -> str:
    forwarded = metadata.get("x-forwarded-for", "")
    address = forwarded.rsplit(",", 1)[-1].strip() if forwarded else peer.rpartition(":")[0]
    return address[:64]


@dataclass
class Attempt:
    """An attempt admitted by `admit`, counted as a failure until `succeeded` says otherwise."""

    key: str
    address: str
    known: bool


async def _locked_row(db: AsyncSession, key: str, address: str) -> LoginThrottle:
    await db.execute(insert(LoginThrottle).values(username_key=key, address=address, failures=0).on_conflict_do_nothing())
    query = select(LoginThrottle).where(LoginThrottle.username_key == key, LoginThrottle.address == address).with_for_update()
    return (await db.scalars(query)).one()


def _refuse(wait: timedelta, why: str) -> ResourceExhausted:
    seconds = max(1, math.ceil(wait.total_seconds()))
    return ResourceExhausted(f"{why}; try again in {seconds} s", reason="LOGIN_THROTTLED", metadata={"retry_after_seconds": str(seconds)})


async def admit(db: AsyncSession, key: str, address: str) -> Attempt:
    """Refuses the attempt (RESOURCE_EXHAUSTED, 429) while the counters say wait; otherwise
    counts it as a failure in advance, so parallel guesses are counted too, and commits."""
    at = now()
    mine = await _locked_row(db, key, address)
    if mine.last_failure_at and at - mine.last_failure_at > FORGET_AFTER:
        mine.failures = 0
    if mine.last_failure_at and (wait := mine.last_failure_at + delay_after(mine.failures) - at) > timedelta(0):
        await db.rollback()
        raise _refuse(wait, "too many failed sign-ins for this username from your address")
    known = mine.last_success_at is not None and at - mine.last_success_at < KNOWN_FOR
    if not known:
        everyone = await _locked_row(db, key, ANY_ADDRESS)
        if everyone.window_started_at is None or at - everyone.window_started_at > WINDOW:
            everyone.window_started_at, everyone.failures = at, 0
        if everyone.failures >= CEILING:
            wait = everyone.window_started_at + WINDOW - at
            await db.rollback()
            raise _refuse(wait, "too many failed sign-ins for this username")
        everyone.failures += 1
    mine.failures += 1
    mine.last_failure_at = at
    await db.commit()
    return Attempt(key, address, known)


async def succeeded(db: AsyncSession, attempt: Attempt) -> None:
    """The attempt was right: its address is now known and its failures are forgiven."""
    mine = await _locked_row(db, attempt.key, attempt.address)
    mine.failures, mine.last_failure_at, mine.last_success_at = 0, None, now()
    if not attempt.known:
        everyone = await _locked_row(db, attempt.key, ANY_ADDRESS)
        everyone.failures = max(0, everyone.failures - 1)
