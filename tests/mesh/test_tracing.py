"""OpenTelemetry tracing: with an OTLP endpoint configured, one request through the edge that
crosses two services arrives at a real OTLP/gRPC receiver as spans of one trace, and the
services' log lines carry that trace id beside the request id. Without one, tracing is off."""

import json
import subprocess
import sys
import threading
import time
from concurrent import futures

import grpc
import httpx
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.trace.v1 import trace_pb2

from services.mesh.launcher import scratch_mesh
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login, service_log

CLAIM = "/baraba.identity.v1.CompanyAccessService/ClaimCompany"


class OtlpReceiver(trace_service_pb2_grpc.TraceServiceServicer):
    """What an OpenTelemetry collector does with traces, reduced to keeping them: the OTLP/gRPC
    TraceService on a free port."""

    def __init__(self):
        self.spans: list[tuple[str, trace_pb2.Span]] = []  # (service.name, span)
        self._lock = threading.Lock()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")

    def Export(self, request, context):
        with self._lock:
            for resource_spans in request.resource_spans:
                attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                for scope in resource_spans.scope_spans:
                    self.spans += [(attributes.get("service.name", ""), span) for span in scope.spans]
        return trace_service_pb2.ExportTraceServiceResponse()

    def wait_for(self, found, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if result := found(list(self.spans)):
                    return result
            time.sleep(0.1)
        raise AssertionError(f"no such spans in {timeout}s; received: {[(s, span.name) for s, span in self.spans]}")

    def __enter__(self):
        self._server.start()
        return self

    def __exit__(self, *exc):
        self._server.stop(0)


def attribute(span: trace_pb2.Span, key: str) -> str:
    return next((a.value.string_value for a in span.attributes if a.key == key), "")


def log_lines(mesh, service: str, request_id: str) -> list[dict]:
    lines = [json.loads(line) for line in service_log(mesh, service).splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("request_id") == request_id]


@pytest.fixture(scope="module")
def traced(database_server, tmp_path_factory):
    """identity and ledger behind the edge, exporting spans to the receiver."""
    with OtlpReceiver() as receiver:
        env = {**MESH_ENV, "BARABA_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}", "OTEL_BSP_SCHEDULE_DELAY": "200"}
        with scratch_mesh(database_server, tmp_path_factory.mktemp("traced"), ["identity", "ledger"], env) as mesh:
            yield mesh, receiver


def test_one_request_across_two_services_is_one_trace(traced):
    mesh, receiver = traced
    with httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=30) as http:
        headers = bearer(login(http, ADMIN, ADMIN_PASSWORD)["token"])
        # Creating a company makes the ledger ask identity to grant it to its creator.
        reply = http.post("/api/companies", headers=headers, json={"company": {"name": "Трасе ООД", "eik": "175074752"}})
        assert reply.status_code == 200, reply.text
        request_id = reply.headers["x-request-id"]

    def the_trace(spans):
        ledger = [
            s
            for service, s in spans
            if service == "ledger" and s.kind == trace_pb2.Span.SPAN_KIND_SERVER and attribute(s, "baraba.request_id") == request_id
        ]
        if not ledger:
            return None
        trace_id = ledger[0].trace_id
        same = [(service, s) for service, s in spans if s.trace_id == trace_id]
        # Spans come in batches from each process: wait for identity's side of the grant and the
        # ledger's call to it.
        names = {(service, s.kind, s.name) for service, s in same}
        if not {("identity", trace_pb2.Span.SPAN_KIND_SERVER, CLAIM), ("ledger", trace_pb2.Span.SPAN_KIND_CLIENT, CLAIM)} <= names:
            return None
        return trace_id, same

    trace_id, spans = receiver.wait_for(the_trace)
    by_kind = {(service, s.kind, s.name) for service, s in spans}
    assert ("ledger", trace_pb2.Span.SPAN_KIND_SERVER, "/baraba.ledger.v1.CompanyService/CreateCompany") in by_kind
    client_calls = {s.span_id: s for service, s in spans if service == "ledger" and s.kind == trace_pb2.Span.SPAN_KIND_CLIENT}
    claim = [s for service, s in spans if service == "identity" and s.name == CLAIM]
    assert len(claim) == 1 and attribute(claim[0], "baraba.request_id") == request_id
    # identity's span is the child of the ledger's outgoing call, itself a child of the ledger's RPC.
    call = client_calls[claim[0].parent_span_id]
    assert call.name == CLAIM
    served = next(s for service, s in spans if service == "ledger" and s.kind == trace_pb2.Span.SPAN_KIND_SERVER)
    assert call.parent_span_id == served.span_id

    hex_id = trace_id.hex()
    for service in ("ledger", "identity"):
        lines = log_lines(mesh, service, request_id)
        assert lines, service
        assert {line.get("trace_id") for line in lines if line.get("message") == "rpc"} == {hex_id}, service


def test_tracing_is_off_without_an_endpoint(mesh, http, admin):
    reply = http.get("/api/auth/me", headers=admin)
    lines = log_lines(mesh, "identity", reply.headers["x-request-id"])
    assert lines and all("trace_id" not in line for line in lines)
    # Not even imported: a process without an endpoint pays nothing for tracing.
    probe = (
        "import sys, services.kernel.tracing as t, services.kernel.server\n"
        "assert not t.setup('x') and t.server_interceptors() == [] and t.client_interceptors() == []\n"
        "print(any(m.startswith('opentelemetry') for m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
