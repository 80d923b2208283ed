"""Errors a service raises on purpose. The error interceptor turns them into a
google.rpc.Status with the right code, a message a person can act on, an ErrorInfo with a
stable reason, and field violations for bad input (AIP-193). Anything else becomes INTERNAL
with a generic message; the stack trace goes to the log, never to the caller."""

from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

DOMAIN = "baraba.mesh"


@dataclass
class FieldViolation:
    field: str
    description: str


class ServiceError(Exception):
    code = grpc.StatusCode.INTERNAL
    reason = "INTERNAL"

    def __init__(self, message: str, *, reason: str | None = None, metadata: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if reason:
            self.reason = reason
        self.metadata = metadata or {}

    def to_status(self) -> status_pb2.Status:
        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        info = error_details_pb2.ErrorInfo(reason=self.reason, domain=DOMAIN, metadata=self.metadata)
        status.details.append(_pack(info))
        return status


class InvalidArgument(ServiceError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_ARGUMENT"

    def __init__(self, violations: list[FieldViolation] | FieldViolation, *, reason: str | None = None):
        self.violations = [violations] if isinstance(violations, FieldViolation) else list(violations)
        message = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        super().__init__(message, reason=reason)

    @classmethod
    def field(cls, name: str, description: str) -> "InvalidArgument":
        return cls(FieldViolation(name, description))

    def to_status(self) -> status_pb2.Status:
        status = super().to_status()
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description) for v in self.violations
            ]
        )
        status.details.append(_pack(bad_request))
        return status


class Unauthenticated(ServiceError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "UNAUTHENTICATED"


class PermissionDenied(ServiceError):
    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "PERMISSION_DENIED"


class NotFound(ServiceError):
    code = grpc.StatusCode.NOT_FOUND
    reason = "NOT_FOUND"


class AlreadyExists(ServiceError):
    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "ALREADY_EXISTS"


class FailedPrecondition(ServiceError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "FAILED_PRECONDITION"


class ResourceExhausted(ServiceError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    reason = "RESOURCE_EXHAUSTED"


class Unavailable(ServiceError):
    code = grpc.StatusCode.UNAVAILABLE
    reason = "UNAVAILABLE"

    def __init__(self, message: str, *, reason: str | None = None, metadata: dict[str, str] | None = None, retryable: bool = True):
        super().__init__(message, reason=reason, metadata=metadata)
        # False when the cause is outside the mesh (VIES): an attempt now, on this replica or
        # another, meets the same failure and the caller waits its whole budget again. The
        # pipeline then tells the edge and gRPC clients not to retry.
        self.retryable = retryable


def _pack(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed
