"""What a failed call to another service means to our own caller, decided in one place.

with peer_errors("ledger", "the invoice was not booked"):
    await stub.CreateJournalEntry(request, **clients.call_options())
"""

import contextlib
from collections.abc import Iterator

import grpc

from services.kernel.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied, ServiceError, Unauthenticated, Unavailable

_UNREACHABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
_REFUSED = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.OUT_OF_RANGE}
_PASSED_ON: dict[grpc.StatusCode, type[ServiceError]] = {
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
}


def peer_error(service: str, exc: grpc.RpcError, consequence: str) -> ServiceError:
    """Our caller's error when `service` failed a call made for them; `consequence` says what
    became of their request ("the invoice was not booked"). A denial, a missing or an existing
    resource keeps its code; a refusal of what we sent is FAILED_PRECONDITION (the request was
    valid here, the other service's state did not allow it); anything else, unreachable or
    broken, is UNAVAILABLE: worth a retry later. Nothing is swallowed."""
    answered = isinstance(exc, grpc.aio.AioRpcError | grpc.Call)  # every failed call is one of them
    code = exc.code() if answered else grpc.StatusCode.UNKNOWN
    details = (exc.details() if answered else None) or code.name
    reason = service.upper()
    if code in _UNREACHABLE:
        return Unavailable(f"the {service} service is unavailable ({details}); {consequence}", reason=f"{reason}_UNAVAILABLE")
    if code in _PASSED_ON:
        return _PASSED_ON[code](f"{service}: {details}")
    if code in _REFUSED:
        return FailedPrecondition(f"the {service} service refused: {details}; {consequence}", reason=f"{reason}_REFUSED")
    return Unavailable(f"the {service} service failed ({code.name}: {details}); {consequence}", reason=f"{reason}_FAILED")


@contextlib.contextmanager
def peer_errors(service: str, consequence: str) -> Iterator[None]:
    """Around calls to `service`: its failures become peer_error(...)."""
    try:
        yield
    except grpc.RpcError as exc:
        raise peer_error(service, exc, consequence) from None
