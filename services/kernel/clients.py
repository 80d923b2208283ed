"""Typed stubs for calling other services. One channel per target per process, with a
deadline on every call (the caller's remaining time, capped), retries of UNAVAILABLE with
backoff through the gRPC service config, the caller's token and request id forwarded, and
this service's mesh credential (which internal RPCs require) sent along."""

import json

import grpc

from services.kernel.auth import SERVICE_HEADER, caller_var, mesh_credentials
from services.kernel.logs import request_id_var
from services.kernel.settings import service_addr

DEFAULT_TIMEOUT = 5.0

_SERVICE_CONFIG = json.dumps(
    {
        "methodConfig": [
            {
                "name": [{}],  # every method of every service on the channel
                "retryPolicy": {
                    "maxAttempts": 4,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ],
        "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
    }
)
_OPTIONS = [
    ("grpc.service_config", _SERVICE_CONFIG),
    ("grpc.enable_retries", 1),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
]
_channels: dict[str, grpc.aio.Channel] = {}


def channel(service: str) -> grpc.aio.Channel:
    if service not in _channels:
        _channels[service] = grpc.aio.insecure_channel(service_addr(service), options=_OPTIONS)
    return _channels[service]


def stub(stub_class, service: str):
    return stub_class(channel(service))


def call_options(timeout: float = DEFAULT_TIMEOUT, remaining: float | None = None) -> dict:
    """Keyword arguments for a downstream call made while serving a request: the caller's
    token and request id, and a deadline no later than the caller's own (`remaining`, from
    context.time_remaining(), which is None when the caller set no deadline)."""
    metadata = []
    if caller := caller_var.get():
        metadata.append(("authorization", f"Bearer {caller.token}"))
    if request_id := request_id_var.get():
        metadata.append(("x-request-id", request_id))
    if mesh := mesh_credentials():
        metadata.append((SERVICE_HEADER, mesh.credential()))
    return {"metadata": tuple(metadata), "timeout": min(timeout, remaining) if remaining else timeout}


async def close_all() -> None:
    for ch in _channels.values():
        await ch.close()
    _channels.clear()
