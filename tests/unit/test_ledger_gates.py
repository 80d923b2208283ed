"""The per-company turn-taking of entry creates (services.ledger.entries.CompanyGates): at most
`limit` creates of one company at once, other companies unaffected, nothing kept afterwards."""

import asyncio
import contextlib
import uuid

from services.ledger.entries import CompanyGates


async def test_at_most_limit_creates_of_one_company_run_at_once_and_others_are_not_held_up():
    gates = CompanyGates(3)
    busy, most, other_done = {"a": 0}, {"a": 0}, asyncio.Event()
    a, b = uuid.uuid4(), uuid.uuid4()
    release = asyncio.Event()

    async def create_of_a():
        async with gates.turn(a):
            busy["a"] += 1
            most["a"] = max(most["a"], busy["a"])
            await release.wait()
            busy["a"] -= 1

    async def create_of_b():
        async with gates.turn(b):
            other_done.set()

    waiting = [asyncio.create_task(create_of_a()) for _ in range(10)]
    await asyncio.sleep(0.01)
    assert busy["a"] == 3  # seven wait for their turn
    await asyncio.wait_for(create_of_b(), 1)  # another company is not behind company a's queue
    assert other_done.is_set()
    release.set()
    await asyncio.gather(*waiting)
    assert most["a"] == 3
    assert gates._gates == {}  # nothing kept for companies nobody is creating in


async def test_a_failed_or_cancelled_create_gives_its_turn_back():
    gates = CompanyGates(1)
    company = uuid.uuid4()

    async def failing():
        async with gates.turn(company):
            raise ValueError("refused")

    for _ in range(3):
        with contextlib.suppress(ValueError):
            await failing()
    holder_entered = asyncio.Event()

    async def holder():
        async with gates.turn(company):
            holder_entered.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(holder())
    await holder_entered.wait()
    queued = asyncio.create_task(holder())
    await asyncio.sleep(0.01)
    queued.cancel()
    task.cancel()
    await asyncio.gather(task, queued, return_exceptions=True)
    async with asyncio.timeout(1), gates.turn(company):
        pass
    assert gates._gates == {}
