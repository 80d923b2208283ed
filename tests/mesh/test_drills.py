"""Short versions of the failure drills (bench/drills, `make drill`): the mesh under load
through the edge while a replica is killed, services restart one by one, PostgreSQL stops and
VIES fails; and the edge's retries, which must never repeat a create without a request_id."""

import asyncio
import time
import uuid

import grpc
import httpx
import pytest
from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from google.protobuf import json_format

from bench.drills.drills import drill_mesh, failed, kill_drill, postgres_drill, rolling_drill, vies_drill
from bench.drills.load import PASSWORD, prepare
from bench.ledger_create_entries import entry_body
from services.mesh.launcher import free_port
from services.vies.standin import StandIn
from tests.support.vies import new_bg_number

VIES_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def standin():
    standin = StandIn(port=free_port()).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def replicated(standin):
    # A PostgreSQL of its own: on a busy shared server, its connection limit would answer 503s.
    env = {"BARABA_VIES_URL": standin.url, "BARABA_VIES_TIMEOUT": str(VIES_TIMEOUT), "BARABA_VIES_CACHE_TTL": "1"}
    with drill_mesh(["identity", "ledger", "vies"], {"identity": 2, "ledger": 2, "vies": 2}, env, private_postgres=True) as mesh:
        yield mesh


@pytest.fixture(scope="module")
def private_database():
    with drill_mesh(["identity", "ledger"], {}, private_postgres=True) as mesh:
        yield mesh


def assert_books_intact(figures: dict) -> None:
    """Every entry the clients were told about is there once, with its number; no gaps; the
    journal's kept total is the count of its entries."""
    assert figures["told"] > 0
    assert figures["missing"] == figures["duplicate_numbers"] == figures["gaps"] == figures["half_written"] == 0, figures
    assert figures["kept_total_off_by"] == 0, figures


def test_a_killed_ledger_replica_costs_no_request_and_comes_back(replicated):
    figures = asyncio.run(kill_drill(replicated, clients=16, before=1.5, after=3))
    assert figures["failed"] == 0, figures["failures"]
    assert figures["restarts counted"] == 1
    assert_books_intact(figures)
    assert figures["entries"] == figures["told"]  # nothing created twice by a retry


def test_a_rolling_restart_costs_no_request(replicated):
    figures = asyncio.run(rolling_drill(replicated, clients=16, before=1, after=1, order=["identity-2", "ledger"]))
    assert figures["failed"] == 0, figures["failures"]
    assert_books_intact(figures)
    assert figures["entries"] == figures["told"]


def test_vies_down_or_slow_answers_stale_or_503_in_time_and_nothing_else_notices(replicated, standin):
    figures = asyncio.run(vies_drill(replicated, standin, clients=8, phase=2.5, vies_timeout=VIES_TIMEOUT))
    if figures["problems"]:
        failed(replicated)  # its logs are kept under .baraba/drills/ to find out why
    assert figures["VIES answers while broken: stale 200"] > 0
    assert figures["VIES answers while broken: 503"] > 0
    assert figures["VIES answers while broken: other"] == 0, figures["VIES answers neither 200 nor 503"]
    assert figures["VIES answers past the route's deadline or none"] == 0  # how long they took: make drill
    assert figures["everything else failed"] == 0
    assert_books_intact(figures)


def test_vies_not_answering_costs_one_budget_not_one_per_replica(replicated, standin):
    """The edge retries a read answered UNAVAILABLE on the other replica, which would ask the
    same VIES for its whole budget again: a VIES failure tells the edge not to."""
    number = new_bg_number()
    standin.script({number: {"delay": 30, "valid": True}})
    retries = "cluster.vies.upstream_rq_retry"
    before = replicated.edge_stats(retries)
    with httpx.Client(base_url=f"http://127.0.0.1:{replicated.ports['edge']}", timeout=20) as http:
        token = http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        started = time.monotonic()
        reply = http.get(f"/api/vies/validate/{number}", headers={"authorization": f"Bearer {token}"})
        took = time.monotonic() - started
    assert reply.status_code == 503, reply.text
    assert "VIES did not answer in time" in reply.json()["message"]
    assert replicated.edge_stats(retries) == before
    assert took < 2 * VIES_TIMEOUT  # one replica's budget (a retry would add another)


def test_postgres_stopped_means_503s_then_recovery(private_database):
    figures = asyncio.run(postgres_drill(private_database, clients=16, before=1, down=3, after=6))
    assert figures["500s or other non-503 errors while down"] == 0, figures["non-503 failures"]
    assert figures["past the deadline"] == 0
    # It recovers by itself and stays recovered (how fast: make drill prints it; the goal is 5 s).
    assert figures["successes after recovery"] > 0
    assert figures["failures after recovery"] == 0
    assert_books_intact(figures)


def test_the_edge_retries_reads_and_creates_with_a_request_id_but_never_other_creates(private_database):
    mesh = private_database
    headers, company_id, accounts = asyncio.run(prepare(mesh.ports["edge"]))
    url = f"/api/companies/{company_id}/journal-entries"
    retries = "cluster.ledger.upstream_rq_retry"
    with httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", headers=headers, timeout=20) as http:
        entry = http.post(url, json={**entry_body(accounts, 1), "request_id": str(uuid.uuid4())}).json()
        mesh.stop_service("postgres")  # every ledger request is now UNAVAILABLE
        try:

            def retried(request) -> int:
                before = mesh.edge_stats(retries)
                assert request().status_code == 503
                return mesh.edge_stats(retries) - before

            assert retried(lambda: http.post(url, json=entry_body(accounts, 2))) == 0
            assert retried(lambda: http.post(url, json={**entry_body(accounts, 3), "request_id": ""})) == 0
            assert retried(lambda: http.post(url, json={**entry_body(accounts, 4), "request_id": str(uuid.uuid4())})) == 3
            assert retried(lambda: http.post(url, json={**entry_body(accounts, 9), "requestId": str(uuid.uuid4())})) == 3
            assert retried(lambda: http.post(url, json={**entry_body(accounts, 10), "request_id": None})) == 0
            assert retried(lambda: http.get(f"{url}/{entry['id']}")) == 3
            # A client cannot make an unsafe create retried by sending the edge's marker itself.
            assert retried(lambda: http.post(url, json=entry_body(accounts, 5), headers={"x-baraba-retry-safe": "1"})) == 0

            # Native gRPC through the edge: the same rule, read from the protobuf body.
            with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['edge']}") as channel:
                stub = ledger_pb2_grpc.JournalEntryServiceStub(channel)

                def grpc_retried(n: int, request_id: str, marker: bool = False) -> int:
                    request = json_format.ParseDict(
                        {**entry_body(accounts, n), "company_id": company_id, "request_id": request_id},
                        ledger_pb2.CreateJournalEntryRequest(),
                    )
                    metadata = [("authorization", headers["authorization"])] + ([("x-baraba-retry-safe", "1")] if marker else [])
                    before = mesh.edge_stats(retries)
                    with pytest.raises(grpc.RpcError) as failed:
                        stub.CreateJournalEntry(request, metadata=metadata, timeout=20)
                    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
                    return mesh.edge_stats(retries) - before

                assert grpc_retried(6, "") == 0
                assert grpc_retried(7, "", marker=True) == 0
                assert grpc_retried(8, str(uuid.uuid4())) == 3
        finally:
            mesh.start_service("postgres")
        deadline = time.monotonic() + 10
        while http.get(f"{url}/{entry['id']}").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
