"""How fast vies answers, against the VIES stand-in: a cached check, a fresh one (the stand-in
answers at once, so this is our own overhead: zeep, HTTP, the cache write) and a burst of
concurrent checks of one number (how many reach VIES). Starts identity + vies + the edge on
free ports with a scratch database, like the test suite.

    .venv/bin/python -m bench.vies_bench [--seconds 10] [--concurrency 8]
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

import grpc
import httpx
from baraba.vies.v1 import vies_pb2 as pb
from baraba.vies.v1 import vies_pb2_grpc as rpc
from stdnum.bg import vat as bg_vat

from services.mesh import postgres
from services.mesh.launcher import Mesh, free_port, scratch_mesh
from services.vies.standin import StandIn

PASSWORD = "bench-admin-password-1"


def bg_number() -> str:
    body = f"{random.randrange(10**8):08d}"
    return f"BG{body}{bg_vat.calc_check_digit_legal(body)}"


async def measure(stub, metadata, numbers, seconds: float, concurrency: int) -> list[float]:
    latencies: list[float] = []
    end = time.perf_counter() + seconds

    async def worker():
        while time.perf_counter() < end:
            started = time.perf_counter()
            await stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=numbers()), metadata=metadata, timeout=10)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[int(len(ms) * 0.99) - 1]
    print(f"{name:<28} {len(ms) / seconds:8.0f}/s   p50 {statistics.median(ms):6.1f} ms   p99 {p99:6.1f} ms   n={len(ms)}")


async def run(mesh: Mesh, standin: StandIn, seconds: float, concurrency: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{mesh.ports['edge']}") as http:
        token = (await http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})).json()["token"]
    metadata = (("authorization", f"Bearer {token}"),)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{mesh.ports['vies']}") as channel:
        stub = rpc.ViesServiceStub(channel)
        cached = [bg_number() for _ in range(50)]
        for n in cached:
            await stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=n), metadata=metadata)
        report("cached check", await measure(stub, metadata, lambda: random.choice(cached), seconds, concurrency), seconds)
        report("fresh check (VIES instant)", await measure(stub, metadata, bg_number, seconds, concurrency), seconds)

        burst = bg_number()
        standin.script({burst: {"delay": 1, "valid": True}})
        await asyncio.gather(*(stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=burst), metadata=metadata) for _ in range(100)))
        print(f"100 concurrent checks of one number: {len(standin.requests(burst))} VIES request(s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vies-bench-"))
    server, _pg = postgres.server_for_tests(workdir / "pg")
    standin = StandIn(port=free_port()).start()
    env = {"BARABA_ADMIN_PASSWORD": PASSWORD, "BARABA_VIES_URL": standin.url, "BARABA_LOG_LEVEL": "WARNING"}
    try:
        with scratch_mesh(server, workdir, ["identity", "vies"], env) as mesh:
            asyncio.run(run(mesh, standin, args.seconds, args.concurrency))
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
