"""Creating journal entries through the edge (REST/JSON, as the browser does): throughput and
latency of 2–4-line entries at N concurrent clients, all on one company (the worst case: every
create takes that company's entry-number row lock).

    .venv/bin/python -m bench.ledger_create_entries [--seconds 20] [--concurrency 32]

Goal: at least 500 entries/s with p99 under 100 ms at 32 clients.
"""

import argparse
import asyncio
import os
import random
import statistics
import time

import httpx

from bench.ledger_common import admin_headers, cpu_seconds, ledger_mesh, new_company, rss_mb


def entry_body(accounts: dict[str, str], n: int) -> dict:
    """A purchase with 2, 3 or 4 lines, balanced."""
    base = random.randrange(100, 100_000)  # cents
    vat = base // 5
    lines = {
        2: [(accounts["602"], base + vat, 0), (accounts["401"], 0, base + vat)],
        3: [(accounts["601"], base, 0), (accounts["4531"], vat, 0), (accounts["401"], 0, base + vat)],
        4: [(accounts["601"], base - 100, 0), (accounts["602"], 100, 0), (accounts["4531"], vat, 0), (accounts["401"], 0, base + vat)],
    }[random.choice((2, 3, 4))]
    return {
        "journal_entry": {
            "document_type": "01",
            "document_number": f"B-{n:08d}",
            "document_date": "2025-03-10",
            "vat_date": "2025-03-10",
            "purchase_operation": "1-10-1",
            "tax_base": f"{base / 100:.2f}",
            "vat_amount": f"{vat / 100:.2f}",
            "vat_rate": "20",
            "lines": [{"account_id": a, "debit": f"{d / 100:.2f}" if d else "", "credit": f"{c / 100:.2f}" if c else ""} for a, d, c in lines],
        }
    }


async def load(http: httpx.AsyncClient, url: str, headers: dict, accounts: dict, seconds: float, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    end = time.perf_counter() + seconds

    async def client():
        nonlocal errors
        while time.perf_counter() < end:
            body = entry_body(accounts, next(counter))
            started = time.perf_counter()
            reply = await http.post(url, headers=headers, json=body)
            latencies.append(time.perf_counter() - started)
            errors += reply.status_code != 200

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors


async def run(mesh, seconds: float, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", limits=limits, timeout=30) as http:
        headers = await admin_headers(http)
        company_id, accounts = await new_company(http, headers, "Бенчмарк ООД")
        url = f"/api/companies/{company_id}/journal-entries"
        await load(http, url, headers, accounts, 3, concurrency)  # warm-up: connections, caches, JIT of plans
        cpu_before = cpu_seconds(mesh)
        latencies, errors = await load(http, url, headers, accounts, seconds, concurrency)
        cpu = {name: used - cpu_before[name] for name, used in cpu_seconds(mesh).items()}
        total = (await http.get(url, headers=headers, params={"page_size": 1})).json()
    ms = sorted(x * 1000 for x in latencies)
    print(f"{concurrency} clients, {seconds:.0f} s, one company, 2–4 lines per entry, through the edge (REST)")
    print(f"  {len(ms) / seconds:7.0f} entries/s   p50 {statistics.median(ms):6.1f} ms   p99 {ms[int(len(ms) * 0.99) - 1]:6.1f} ms   max {ms[-1]:6.1f} ms")
    print(f"  {len(ms)} created, {errors} errors; last entry number {total['journal_entries'][0]['entry_number']} of {total['total_size']} entries")
    # CPU per entry tells the cost apart from what else the machine was doing meanwhile.
    print("  CPU per entry: " + ", ".join(f"{name} {used * 1000 / len(ms):.2f} ms" for name, used in cpu.items()))
    print(f"  machine load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  ledger RSS {rss_mb(mesh)[0]:.0f} MiB (peak {rss_mb(mesh)[1]:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with ledger_mesh() as mesh:
        asyncio.run(run(mesh, args.seconds, args.concurrency))


if __name__ == "__main__":
    main()
