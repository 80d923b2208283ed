"""The steady load the drills run: simulated browser tabs on keep-alive connections to the
edge, each reading journal entries and its user, and creating entries with a request_id (as
the browser does). Every answer is kept with its time, so a drill can say what happened
while the fault lasted; every create the clients were told succeeded is checked against the
ledger's database afterwards."""

import asyncio
import json
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field

import httpx

from bench.http1 import Connection, ProtocolError, post_json
from bench.ledger_create_entries import entry_body

PASSWORD = "drill-admin-password-1"
MESH_ENV = {"BARABA_ADMIN_USERNAME": "admin", "BARABA_ADMIN_PASSWORD": PASSWORD, "BARABA_IDENTITY_KEY_PASSPHRASE": "drill"}
CLIENT_TIMEOUT = 20.0  # longer than any route's 15 s: an answer later than that is a hang


def get(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"host: {host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Answer:
    kind: str
    status: int  # HTTP status; 0: the connection broke, -1: no answer within CLIENT_TIMEOUT
    at: float  # when the request was sent (time.monotonic())
    seconds: float
    body: bytes = b""


@dataclass
class Load:
    port: int
    headers: dict[str, str]
    company_id: str
    accounts: dict[str, str]
    clients: int = 32
    mix: tuple[str, ...] = ("create", "read", "read", "me")
    vies_numbers: tuple[str, ...] = ()
    answers: list[Answer] = field(default_factory=list)
    created: dict[str, tuple[str, int]] = field(default_factory=dict)  # request_id -> (entry id, number)
    refused_creates: list[str] = field(default_factory=list)  # request_ids answered with an error

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(self._client(i, stop) for i in range(self.clients)))

    async def _client(self, index: int, stop: asyncio.Event) -> None:
        connection = await Connection.open("127.0.0.1", self.port)
        step = index
        try:
            while not stop.is_set():
                kind = self.mix[step % len(self.mix)]
                step += 1
                request, request_id = self._request(kind)
                started = time.monotonic()
                try:
                    status, body = await asyncio.wait_for(connection.request(request), CLIENT_TIMEOUT)
                except (TimeoutError, ProtocolError, OSError) as exc:
                    # The failure itself stands for the body: a drill that lists it says what happened.
                    status, body = (-1 if isinstance(exc, asyncio.TimeoutError) else 0), repr(exc).encode()
                    connection.close()
                    connection = await Connection.open("127.0.0.1", self.port)
                self.answers.append(Answer(kind, status, started, time.monotonic() - started, body[:300]))
                if request_id:
                    if status == 200:
                        entry = json.loads(body)
                        self.created[request_id] = (entry["id"], int(entry["entry_number"]))
                    else:
                        self.refused_creates.append(request_id)
        finally:
            connection.close()

    def _request(self, kind: str) -> tuple[bytes, str | None]:
        base = f"/api/companies/{self.company_id}/journal-entries"
        if kind == "read" and self.created:
            entry_id = random.choice(list(self.created.values()))[0]
            return get("127.0.0.1", self.port, f"{base}/{entry_id}", self.headers), None
        if kind == "vies" and self.vies_numbers:
            return get("127.0.0.1", self.port, f"/api/vies/validate/{random.choice(self.vies_numbers)}", self.headers), None
        if kind == "create":
            request_id = str(uuid.uuid4())
            body = {**entry_body(self.accounts, random.randrange(10**8)), "request_id": request_id}
            return post_json("127.0.0.1", self.port, base, self.headers, json.dumps(body).encode()), request_id
        return get("127.0.0.1", self.port, "/api/auth/me", self.headers), None

    # -- figures ---------------------------------------------------------------------------

    def between(self, start: float, end: float, kinds: tuple[str, ...] | None = None) -> list[Answer]:
        """The answers that arrived between `start` and `end`."""
        return [a for a in self.answers if start <= a.at + a.seconds < end and (kinds is None or a.kind in kinds)]

    @staticmethod
    def summary(answers: list[Answer]) -> str:
        if not answers:
            return "no requests"
        codes: dict[int, int] = {}
        for a in answers:
            codes[a.status] = codes.get(a.status, 0) + 1
        ms = sorted(a.seconds * 1000 for a in answers)
        by_code = ", ".join(f"{n} × {code if code > 0 else ('broken' if code == 0 else 'hung')}" for code, n in sorted(codes.items()))
        p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
        return f"{len(answers)} requests ({by_code}), p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms"

    def failures(self, answers: list[Answer] | None = None) -> list[Answer]:
        return [a for a in (self.answers if answers is None else answers) if a.status != 200]


async def prepare(port: int) -> tuple[dict[str, str], str, dict[str, str]]:
    """Signs in as the administrator and creates a company: (headers, company id, account ids)."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        reply = await http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        reply.raise_for_status()
        headers = {"authorization": f"Bearer {reply.json()['token']}"}
        reply = await http.post("/api/companies", headers=headers, json={"company": {"name": "Учение ООД", "eik": "175074752"}})
        reply.raise_for_status()
        company_id = reply.json()["id"]
        accounts = await http.get(f"/api/companies/{company_id}/accounts", headers=headers, params={"page_size": 500})
        return headers, company_id, {a["code"]: a["id"] for a in accounts.json()["accounts"]}


async def reconcile(mesh, load: Load) -> dict[str, int]:
    """What the ledger holds for the drill's company against what the clients were told:
    every 2xx create exactly once with the number it was answered with, numbers without
    duplicates or gaps, no entry nobody was told about except for creates that failed, and
    the company's kept count of entries equal to the entries."""
    conn = await mesh.database("ledger")
    try:
        rows = await conn.fetch("SELECT id::text AS id, number FROM journal_entries WHERE company_id = $1", uuid.UUID(load.company_id))
        # An entry without its lines, or unbalanced, would be half-written.
        unbalanced = await conn.fetchval(
            """SELECT count(*) FROM journal_entries e WHERE e.company_id = $1 AND NOT EXISTS (
                   SELECT 1 FROM entry_lines l WHERE l.entry_id = e.id GROUP BY l.entry_id
                   HAVING count(*) >= 2 AND sum(l.debit) = sum(l.credit))""",
            uuid.UUID(load.company_id),
        )
        kept = await conn.fetchval("SELECT entries FROM entry_counters WHERE company_id = $1", uuid.UUID(load.company_id))
    finally:
        await conn.close()
    stored = {row["id"]: int(row["number"]) for row in rows}
    told = dict(load.created.values())
    numbers = sorted(stored.values())
    return {
        "entries": len(stored),
        "told": len(told),
        "missing": sum(1 for entry_id, number in told.items() if stored.get(entry_id) != number),
        "duplicate_numbers": len(numbers) - len(set(numbers)),
        "gaps": (numbers[-1] - len(numbers)) if numbers else 0,
        "unannounced": len(set(stored) - set(told)),  # at most the creates answered with an error
        "refused_creates": len(load.refused_creates),
        "half_written": unbalanced,
        "kept_total_off_by": kept - len(stored),  # the journal's total, kept with the numbers
    }
