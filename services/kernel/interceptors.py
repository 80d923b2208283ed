"""The server pipeline every RPC of every service runs through, in this order:

1. context: the request id (from the edge's x-request-id, or a new one) and the RPC name
   go into context variables, so every log line of the request carries them;
   A request whose bytes do not decode (bad UTF-8 in a string field, a corrupt wire format)
   reaches the pipeline as Undecodable and is refused as bad input before anything else;
2. access: the RPC's AccessRule from the contract decides whether the mesh's service credential
   is needed (internal RPCs), whether a token is needed and which permission; the token is
   verified and the Caller is made available to the servicer;
3. validation: the request is checked against its `validate.rules`;
4. errors: ServiceError becomes its rich status; anything unexpected becomes INTERNAL with
   a generic message while the traceback goes to the log;
5. a JSON log line and Prometheus metrics per RPC with its code and duration.
"""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import cache

import grpc
from baraba.access.v1 import access_pb2
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from grpc_status import rpc_status

from services.kernel import clients, db, metrics, peers, tracing, validation
from services.kernel.auth import SERVICE_HEADER, Caller, TokenVerifier, caller_var, mesh_credentials
from services.kernel.companies import require_company_access
from services.kernel.errors import FieldViolation, InvalidArgument, PermissionDenied, ServiceError, Unauthenticated, Unavailable
from services.kernel.logs import request_id_var, rpc_var

log = logging.getLogger("rpc")

# Trailers that stop retries of an answer: the edge never retries a response that carries
# x-envoy-ratelimited, a gRPC client none with a negative pushback (gRFC A6).
NO_RETRY = (("x-envoy-ratelimited", "true"), ("grpc-retry-pushback-ms", "-1"))

# Infrastructure services every server exposes without a token (grpcurl, health checks).
HEALTH_PREFIX = "/grpc.health.v1.Health/"
PUBLIC_SERVICES = {"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection"}


def permission_name(permission: int) -> str:
    """PERMISSION_MANAGE_USERS -> "manage_users", the claim and flag name."""
    return access_pb2.Permission.Name(permission).removeprefix("PERMISSION_").lower()


def access_rule(method: str) -> access_pb2.AccessRule:
    """The rule declared in the contract for "/pkg.Service/Method"."""
    service, name = method.lstrip("/").split("/")
    if service in PUBLIC_SERVICES:
        return access_pb2.AccessRule(public=True)
    options = descriptor_pool.Default().FindMethodByName(f"{service}.{name}").GetOptions()
    # gen/'s stubs type an extension as a plain FieldDescriptor, which protobuf's stubs refuse here
    if not options.HasExtension(access_pb2.access):  # type: ignore[arg-type]
        raise ValueError(f"{service}.{name} declares no (baraba.access.v1.access) rule")
    return options.Extensions[access_pb2.access]  # type: ignore[index]


def check_company_field(method: MethodDescriptor, rule: access_pb2.AccessRule) -> None:
    """At start: a declared company field is a UUID string field of the request, so every
    request either names a well-formed company (checked against the caller's grants) or is
    refused by validation."""
    if not rule.company_field:
        return
    field = method.input_type.fields_by_name.get(rule.company_field)
    if field is None or field.type != FieldDescriptor.TYPE_STRING or not validation.is_uuid_field(field):
        raise ValueError(f"{method.full_name}: company_field {rule.company_field!r} must name a string field with a uuid rule")


@cache
def _input_type(method: str) -> Descriptor | None:
    service, name = method.lstrip("/").split("/")
    try:
        return descriptor_pool.Default().FindMethodByName(f"{service}.{name}").input_type
    except KeyError:
        return None


class Undecodable:
    """Stands in for a request gRPC could not deserialize, so the pipeline answers
    INVALID_ARGUMENT naming the field instead of gRPC's UNKNOWN (HTTP 500 at the edge)."""

    def __init__(self, descriptor: Descriptor, data: bytes):
        field = validation.undecodable_field(descriptor, data)
        self.violation = FieldViolation(field or "request", "is not valid: strings must be UTF-8 and values of their declared type")


def tolerant_deserializer(deserialize: Callable[[bytes], object], descriptor: Descriptor) -> Callable[[bytes], object]:
    def run(data: bytes):
        try:
            return deserialize(data)
        except Exception:  # DecodeError from protobuf; any other failure means the same
            return Undecodable(descriptor, data)

    return run


class _Rule:
    """An AccessRule read once into plain attributes: every request consults it, and reading a
    protobuf field costs more than the check it serves."""

    def __init__(self, rule: access_pb2.AccessRule):
        self.internal, self.public, self.company_field = rule.internal, rule.public, rule.company_field
        self.permission = permission_name(rule.permission) if rule.permission else None


class MeshInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, verifier: TokenVerifier):
        self.verifier = verifier
        # The wrapped handler of each method, built on its first call: the same for every call.
        self._handlers: dict[str, grpc.RpcMethodHandler] = {}

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        method = details.method
        if (wrapped := self._handlers.get(method)) is not None:
            return wrapped
        handler = await continuation(details)
        if handler is None or method.startswith(HEALTH_PREFIX):
            # Health checks (each second from the edge and every client channel) are neither
            # logged nor counted, and Watch streams by context.write, not by yielding.
            return handler
        wrapped = self._handlers[method] = self._wrap(handler, method)
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        rule = _Rule(access_rule(method))
        deserializer = handler.request_deserializer
        if deserializer is not None and (input_type := _input_type(method)) is not None:
            deserializer = tolerant_deserializer(deserializer, input_type)
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary, method, rule),
                request_deserializer=deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._server_stream(handler.unary_stream, method, rule),
                request_deserializer=deserializer,
                response_serializer=handler.response_serializer,
            )
        # Client/bidi streaming: only server reflection (public, the same for everyone).
        # MeshServer.add refuses such RPCs in our contracts: they would run unchecked.
        return handler

    def _unary(self, behavior: Callable[..., Awaitable], method: str, rule: _Rule):
        async def run(request, context: grpc.aio.ServicerContext):
            metadata = dict(context.invocation_metadata() or ())
            started = self._enter(method, metadata, context)
            try:
                await self._admit(request, rule, metadata)
                response = await behavior(request, context)
            except Exception as exc:
                await self._fail(exc, context, started)
            self._done(grpc.StatusCode.OK, started)
            return response

        return run

    def _server_stream(self, behavior, method: str, rule: _Rule):
        async def run(request, context: grpc.aio.ServicerContext):
            metadata = dict(context.invocation_metadata() or ())
            started = self._enter(method, metadata, context)
            try:
                await self._admit(request, rule, metadata)
                async for item in behavior(request, context):
                    yield item
            except Exception as exc:
                await self._fail(exc, context, started)
            self._done(grpc.StatusCode.OK, started)

        return run

    def _enter(self, method: str, metadata: dict, context) -> float:
        request_id = metadata.get("x-request-id") or str(uuid.uuid4())
        request_id_var.set(request_id)
        rpc_var.set(method)
        tracing.tag_request(request_id)
        caller_var.set(None)
        clients.set_deadline(context.time_remaining())
        context.set_trailing_metadata((("x-request-id", request_id),))
        return time.perf_counter()

    async def _admit(self, request, rule: _Rule, metadata: dict) -> None:
        if isinstance(request, Undecodable):
            raise InvalidArgument(request.violation)
        if rule.internal:
            self._authenticate_service(metadata)
        if not rule.public:
            caller = await self._authenticate(metadata)
            caller_var.set(caller)
            if (name := rule.permission) is not None and not caller.has(name):
                raise PermissionDenied(f"this needs the '{name}' permission", metadata={"permission": name})
        # The company before the rest of the request: someone without a grant learns nothing,
        # not even which of their fields would be refused. A malformed id is validation's.
        if rule.company_field and validation.is_uuid(company_id := getattr(request, rule.company_field)):
            await require_company_access(company_id)
        if violations := validation.validate(request):
            raise InvalidArgument(violations)

    @staticmethod
    def _authenticate_service(metadata: dict) -> None:
        mesh = mesh_credentials()
        if mesh is None:  # a server started without the mesh secret admits no internal call
            raise PermissionDenied("this RPC is internal to the mesh: only its services may call it", reason="INTERNAL_RPC")
        mesh.verify(metadata.get(SERVICE_HEADER, ""))

    async def _authenticate(self, metadata: dict) -> Caller:
        header = metadata.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("missing access token: send 'authorization: Bearer <token>'", reason="TOKEN_MISSING")
        return await self.verifier.verify(token.strip())

    async def _fail(self, exc: Exception, context: grpc.aio.ServicerContext, started: float):
        if isinstance(exc, grpc.aio.AbortError):  # the servicer aborted on its own
            self._done(context.code() or grpc.StatusCode.UNKNOWN, started)
            raise exc
        # A ServiceError already says what went wrong; only raw errors are looked through for an
        # outage (an UNAVAILABLE raised while handling a VIES time-out is not the database's).
        if not isinstance(exc, ServiceError):
            if (database_down := db.outage(exc)) is not None:
                exc = database_down
            elif isinstance(exc, grpc.aio.AioRpcError):  # a call to another service no caller mapped
                exc = peers.peer_error("peer", exc, "retry the request")
        if isinstance(exc, ServiceError):
            self._done(exc.code, started, error=exc.message)
            status = exc.to_status()
        else:
            log.exception("unexpected error")
            self._done(grpc.StatusCode.INTERNAL, started)
            status = ServiceError("internal error; the request id identifies it in the logs").to_status()
        grpc_status = rpc_status.to_status(status)
        no_retry = NO_RETRY if isinstance(exc, Unavailable) and not exc.retryable else ()
        # abort() replaces the trailers set in _enter: the request id goes again, since an
        # error is when a person needs it to find the request in the logs.
        trailers = (*grpc_status.trailing_metadata, ("x-request-id", request_id_var.get()), *no_retry)
        await context.abort(grpc_status.code, grpc_status.details, trailers)

    def _done(self, code: grpc.StatusCode, started: float, error: str | None = None) -> None:
        seconds = time.perf_counter() - started
        metrics.observe(rpc_var.get(), code.name, seconds)
        caller = caller_var.get()
        extra = {"code": code.name, "ms": round(seconds * 1000, 2)}
        if caller is not None:
            extra["user_id"] = caller.user_id
        if error:
            extra["error"] = error
        log.info("rpc", extra=extra)
