"""The server bootstrap every service reuses: a grpc.aio server with the mesh interceptor,
the standard health service, server reflection (for grpcurl) and a graceful stop on SIGTERM.

Health: SERVING while the service's database answers (kernel/db.py DatabaseWatch, which checks
each second once a request met an outage), NOT_SERVING while it does not and from the moment SIGTERM arrives. A stop first
reports NOT_SERVING and keeps serving for DRAIN_SECONDS, so the edge (health-checking each
second) and the other services' channels send new requests to other replicas, then lets the
RPCs in flight finish within GRACE_SECONDS, then exits.

    async def build(settings: Settings) -> MeshServer:
        server = MeshServer(settings, verifier)
        server.add(ledger_pb2.DESCRIPTOR.services_by_name["LedgerService"], LedgerServicer(...))
        server.on_stop(engine.dispose)
        return server

    if __name__ == "__main__":
        run_service("ledger", build)
"""

import asyncio
import gc
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

import grpc
import uvloop
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.kernel import db, logs, metrics, tracing, validation
from services.kernel.auth import MESH_SECRET_MIN_LENGTH, TokenVerifier, configure_mesh
from services.kernel.interceptors import MeshInterceptor, access_rule, check_company_field
from services.kernel.revocations import RevocationFeed
from services.kernel.settings import ConfigError, Settings

log = logging.getLogger(__name__)

GRACE_SECONDS = 5.0
# Only for a service started by hand in development; the launcher gives every mesh a random
# secret, and production refuses to start without one.
DEVELOPMENT_MESH_SECRET = "development-only-mesh-secret-never-in-production"
DRAIN_SECONDS = 1.5
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
LIVENESS = "liveness"  # the health service name of the liveness probe


class MeshServer:
    def __init__(self, settings: Settings, verifier: TokenVerifier):
        self.settings = settings
        self.verifier = verifier
        self._services: list[tuple[ServiceDescriptor, object]] = []
        self._stop_hooks: list[Callable[[], Awaitable]] = []
        self._revocations: RevocationFeed | None = None

    def add(self, service: ServiceDescriptor, servicer: object) -> None:
        for method in service.methods:
            if method.client_streaming:
                # MeshInterceptor wraps unary and server-streaming handlers only: a stream of
                # requests would skip the token, permission and validation checks.
                raise ConfigError(f"{method.full_name}: client-streaming and bidi RPCs are not supported by the mesh pipeline")
            rule = access_rule(f"/{service.full_name}/{method.name}")  # fails start-up if undeclared
            check_company_field(method, rule)
            validation.check_supported(method.input_type)
        self._services.append((service, servicer))

    def on_stop(self, hook: Callable[[], Awaitable]) -> None:
        self._stop_hooks.append(hook)

    async def start(self) -> int:
        """Starts serving; returns the bound port."""
        self._server = grpc.aio.server(
            interceptors=[*tracing.server_interceptors(), MeshInterceptor(self.verifier)],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.keepalive_permit_without_calls", 1),
                ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
                # Clients reconnect every few minutes and so look the replicas up again: new
                # pods behind a headless Service get their share. A VAT stream may finish.
                ("grpc.max_connection_age_ms", 300_000),
                ("grpc.max_connection_age_grace_ms", 600_000),
            ],
        )
        self._health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        names = [health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME]
        for service, servicer in self._services:
            grpc_module = importlib.import_module(service.file.name.removesuffix(".proto").replace("/", ".") + "_pb2_grpc")
            getattr(grpc_module, f"add_{service.name}Servicer_to_server")(servicer, self._server)
            names.append(service.full_name)
        reflection.enable_server_reflection(names, self._server)
        port = self._server.add_insecure_port(self.settings.listen_addr)
        if port == 0:
            raise ConfigError(f"cannot listen on {self.settings.listen_addr}")
        await self._server.start()
        self._revocations = RevocationFeed(self.verifier.revocations) if self.verifier.follows_revocation_feed else None
        if self._revocations is not None:
            await self._revocations.start()
        for service, _ in self._services:
            await self._health.set(service.full_name, health_pb2.HealthCheckResponse.SERVING)
        await self._health.set("", health_pb2.HealthCheckResponse.SERVING)
        # "liveness" answers SERVING while the process runs, whatever its database does: the
        # probe that restarts a stuck process (Kubernetes) must not restart a waiting one.
        await self._health.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
        self._watch = db.DatabaseWatch(list(db.ENGINES), self._database_reachable)
        self._watch_task = asyncio.create_task(self._watch.run()) if db.ENGINES else None
        if self.settings.metrics_port:
            host = self.settings.listen_addr.rpartition(":")[0].strip("[]") or "127.0.0.1"
            metrics.serve(self.settings.metrics_port, self.settings.service, host)
        log.info("serving", extra={"addr": self.settings.listen_addr, "port": port, "metrics_port": self.settings.metrics_port})
        # What starting made (modules, the service's objects) lives as long as the process: out
        # of the collector's sight, a full collection walks only what requests made since.
        gc.freeze()
        return port

    async def _database_reachable(self, ok: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if ok else health_pb2.HealthCheckResponse.NOT_SERVING
        for service, _ in self._services:
            await self._health.set(service.full_name, status)
        await self._health.set("", status)

    async def stop(self) -> None:
        """Reports NOT_SERVING, keeps serving while the callers notice (DRAIN_SECONDS), lets
        in-flight RPCs finish (up to GRACE_SECONDS), then stops."""
        await self._health.enter_graceful_shutdown()
        log.info("draining")
        await asyncio.sleep(DRAIN_SECONDS)
        await self._server.stop(GRACE_SECONDS)
        if self._watch_task is not None:
            self._watch_task.cancel()
        if self._revocations is not None:
            await self._revocations.stop()
        for hook in self._stop_hooks:
            await hook()
        tracing.shutdown()
        log.info("stopped")

    async def serve_until_signal(self) -> None:
        await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await self.stop()


def run_service(name: str, build: Callable[[Settings], Awaitable[MeshServer]]) -> None:
    """Entry point of a service process: settings, logs, build, serve until SIGTERM."""
    try:
        settings = Settings.load(name)
        secret = settings.require_secret("BARABA_MESH_SECRET", DEVELOPMENT_MESH_SECRET)
        if len(secret) < MESH_SECRET_MIN_LENGTH:
            raise ConfigError(f"BARABA_MESH_SECRET must have at least {MESH_SECRET_MIN_LENGTH} characters")
        configure_mesh(name, secret)
    except ConfigError as exc:
        print(f"{name}: {exc}", file=sys.stderr)  # noqa: T201 - logging is not configured yet
        sys.exit(2)
    logs.configure(name, settings.log_level)
    tracing.setup(name)

    async def main() -> None:
        server = await build(settings)
        await server.serve_until_signal()

    try:
        # uvloop: the same asyncio API on libuv, with less CPU per request in the event loop
        # (gRPC's callbacks, asyncpg's sockets) than the standard loop.
        uvloop.run(main())
    except ConfigError as exc:
        log.error("refusing to start: %s", exc)
        sys.exit(2)
