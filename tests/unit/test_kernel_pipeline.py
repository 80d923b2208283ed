"""The kernel's rules for calls between services and for what a server may serve, checked
without a mesh: deadlines handed on, other services' failures mapped, streaming requests
refused at start, company scoping declared in the contracts."""

import time

import asyncpg
import grpc
import pytest
from baraba.access.v1 import access_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from services.kernel import clients, db
from services.kernel.errors import FailedPrecondition, NotFound, PermissionDenied, Unavailable
from services.kernel.interceptors import access_rule, check_company_field
from services.kernel.peers import peer_error, peer_errors
from services.kernel.registry import grpc_services
from services.kernel.server import MeshServer
from services.kernel.settings import ConfigError, Settings


def test_a_call_made_for_a_request_never_outlives_the_callers_deadline():
    clients.set_deadline(2.0)
    assert 1.5 < clients.call_options()["timeout"] <= 2.0  # the default 5 s, cut to what is left
    assert clients.call_options(timeout=0.5)["timeout"] == 0.5  # a shorter own timeout stays
    clients.deadline_var.set(time.monotonic() - 1)
    assert clients.call_options()["timeout"] == 0.0  # already late: fail at once, do not wait
    clients.set_deadline(None)  # no deadline (a background batch): the call's own timeout
    assert clients.call_options(timeout=7)["timeout"] == 7


def _failure(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details)


@pytest.mark.parametrize(
    ("code", "error", "reason"),
    [
        (grpc.StatusCode.UNAVAILABLE, Unavailable, "LEDGER_UNAVAILABLE"),
        (grpc.StatusCode.DEADLINE_EXCEEDED, Unavailable, "LEDGER_UNAVAILABLE"),
        (grpc.StatusCode.PERMISSION_DENIED, PermissionDenied, "PERMISSION_DENIED"),
        (grpc.StatusCode.NOT_FOUND, NotFound, "NOT_FOUND"),
        (grpc.StatusCode.INVALID_ARGUMENT, FailedPrecondition, "LEDGER_REFUSED"),
        (grpc.StatusCode.FAILED_PRECONDITION, FailedPrecondition, "LEDGER_REFUSED"),
        (grpc.StatusCode.INTERNAL, Unavailable, "LEDGER_FAILED"),
    ],
)
def test_another_services_failure_tells_the_caller_who_failed_and_what_became_of_the_request(code, error, reason):
    mapped = peer_error("ledger", _failure(code, "account 9999 not found"), "the invoice was not booked")
    assert type(mapped) is error and mapped.reason == reason
    assert "ledger" in mapped.message and "account 9999 not found" in mapped.message
    if error is not PermissionDenied and error is not NotFound:
        assert mapped.message.endswith("the invoice was not booked")


def test_peer_errors_turns_a_failed_call_into_the_mapped_error():
    with pytest.raises(Unavailable) as raised, peer_errors("vies", "nothing was changed"):
        raise _failure(grpc.StatusCode.UNAVAILABLE, "connection refused")
    assert raised.value.reason == "VIES_UNAVAILABLE"


def _service_with_a_client_stream() -> ServiceDescriptor:
    file = descriptor_pb2.FileDescriptorProto(name="kernel_test/uploads.proto", package="kernel_test", syntax="proto3")
    file.message_type.add(name="Chunk")
    service = file.service.add(name="UploadService")
    service.method.add(name="Upload", input_type=".kernel_test.Chunk", output_type=".kernel_test.Chunk", client_streaming=True)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return pool.FindServiceByName("kernel_test.UploadService")


def test_a_server_refuses_to_start_with_an_rpc_the_pipeline_cannot_check():
    settings = Settings("ledger", False, "127.0.0.1:0", "postgresql+asyncpg:///x", 0, "INFO")
    server = MeshServer(settings, verifier=None)  # type: ignore[arg-type]  # never reached
    with pytest.raises(ConfigError, match=r"kernel_test\.UploadService\.Upload: client-streaming"):
        server.add(_service_with_a_client_stream(), object())


def _method(full_name: str) -> MethodDescriptor:
    return descriptor_pool.Default().FindMethodByName(full_name)


def test_every_rpc_that_works_on_one_company_declares_its_company_field():
    """A request naming a company_id is scoped to that company, so its rule must say so, or
    the kernel would not check the caller's grant. Identity's grant RPCs are the exception:
    they manage the grants themselves (internal, or for user managers)."""
    undeclared = []
    for service in ("ledger", "scanner", "vat"):
        for grpc_service in grpc_services(service):
            for method in grpc_service.methods:
                rule = access_rule(f"/{grpc_service.full_name}/{method.name}")
                if "company_id" in method.input_type.fields_by_name and rule.company_field != "company_id":
                    undeclared.append(method.full_name)
                check_company_field(method, rule)  # what every server does at start
    assert undeclared == []


def test_a_company_field_must_be_a_checked_uuid():
    method = _method("baraba.ledger.v1.JournalEntryService.StreamVatEntries")
    with pytest.raises(ValueError, match="company_field 'period' must name a string field with a uuid rule"):
        check_company_field(method, access_pb2.AccessRule(company_field="period"))
    with pytest.raises(ValueError, match="company_field 'company' must name"):
        check_company_field(method, access_pb2.AccessRule(company_field="company"))


def _raised(make):
    try:
        make()
    except Exception as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_only_the_drivers_own_failures_count_as_a_database_outage():
    def vies_timed_out():
        try:
            raise TimeoutError
        except TimeoutError:
            raise Unavailable("VIES did not answer in time", reason="NO_ANSWER") from None

    def file_missing():
        raise FileNotFoundError("/no/such/file")

    assert db.outage(_raised(vies_timed_out)) is None  # a service's own answer, not the database's
    assert db.outage(_raised(file_missing)) is None
    full = db.outage(asyncpg.TooManyConnectionsError("sorry, too many clients already"))
    assert full is not None and full.reason == "DATABASE_UNAVAILABLE"
