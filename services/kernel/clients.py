"""Typed stubs for calling other services. One channel per target service per process,
balanced round-robin over all of its replicas (BARABA_<SERVICE>_ADDR lists them, or names a
host whose DNS answers with every replica, as a headless Service does), with a deadline on
every call (the caller's remaining time, capped), the caller's token and request id
forwarded, and this service's mesh credential (which internal RPCs require) sent along.

Retries (UNAVAILABLE only, with backoff and a retry budget) are configured per method from the
contracts (kernel/retry_safety.py): reads, and creates that carry a request_id field. A
service calling a create with a request_id field must send one."""

import contextvars
import json
import time

import grpc

from services.kernel import tracing
from services.kernel.auth import SERVICE_HEADER, caller_var, mesh_credentials
from services.kernel.logs import request_id_var
from services.kernel.registry import grpc_services
from services.kernel.retry_safety import retry_safety
from services.kernel.settings import ConfigError, service_addr

DEFAULT_TIMEOUT = 5.0
# When the request being served must be answered (time.monotonic()); None without a deadline.
# The server pipeline sets it from the caller's deadline; call_options() never goes past it.
deadline_var: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)

_RETRY = {
    "maxAttempts": 4,
    "initialBackoff": "0.05s",
    "maxBackoff": "1s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}


def service_config(service: str) -> str:
    """The gRPC service config of a channel to `service`: round_robin over every address the
    target resolves to, retries for the methods that are safe to repeat, and a retry budget
    (retries stop while more than half of the last calls failed)."""
    safe = [
        {"service": grpc_service.full_name, "method": method.name}
        for grpc_service in grpc_services(service)
        for method in grpc_service.methods
        if retry_safety(method)
    ]
    return json.dumps(
        {
            "loadBalancingConfig": [{"round_robin": {}}],
            # A replica reporting NOT_SERVING (draining, or its database down) gets no new calls.
            "healthCheckConfig": {"serviceName": ""},
            "methodConfig": [{"name": safe, "retryPolicy": _RETRY}] if safe else [],
            "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
        }
    )


def target(service: str) -> str:
    """The gRPC target of a service: a list of replicas "a:1,b:2" becomes "ipv4:a:1,b:2"
    (IP addresses only); a single host:port is resolved through DNS."""
    addrs = [a.strip() for a in service_addr(service).split(",") if a.strip()]
    if len(addrs) == 1:
        return addrs[0]
    if not all(a.rpartition(":")[0].replace(".", "").isdigit() for a in addrs):
        raise ConfigError(f"BARABA_{service.upper()}_ADDR: a list of replicas must be IPv4 addresses, got {addrs}")
    return "ipv4:" + ",".join(addrs)


_channels: dict[str, grpc.aio.Channel] = {}


def channel(service: str) -> grpc.aio.Channel:
    if service not in _channels:
        options = [
            ("grpc.service_config", service_config(service)),
            ("grpc.enable_retries", 1),
            ("grpc.keepalive_time_ms", 30_000),
            ("grpc.keepalive_timeout_ms", 10_000),
            ("grpc.max_receive_message_length", 32 * 1024 * 1024),
        ]
        _channels[service] = grpc.aio.insecure_channel(target(service), options=options, interceptors=tracing.client_interceptors() or None)
    return _channels[service]


def stub(stub_class, service: str):
    return stub_class(channel(service))


def set_deadline(time_remaining: float | None) -> None:
    """Called by the server pipeline with context.time_remaining() of the request it serves;
    None for work that outlives its request (a background batch)."""
    deadline_var.set(None if time_remaining is None else time.monotonic() + time_remaining)


def remaining_time() -> float | None:
    """Seconds left until the caller's deadline (None when the caller set none)."""
    deadline = deadline_var.get()
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def call_options(timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Keyword arguments for a downstream call made while serving a request: the caller's
    token and request id, and a deadline of `timeout` seconds but no later than the
    caller's own."""
    metadata = []
    if caller := caller_var.get():
        metadata.append(("authorization", f"Bearer {caller.token}"))
    if request_id := request_id_var.get():
        metadata.append(("x-request-id", request_id))
    if mesh := mesh_credentials():
        metadata.append((SERVICE_HEADER, mesh.credential()))
    remaining = remaining_time()
    return {"metadata": tuple(metadata), "timeout": timeout if remaining is None else min(timeout, remaining)}


async def close_all() -> None:
    for ch in _channels.values():
        await ch.close()
    _channels.clear()
