"""Keeps a service's RevocationList (kernel/auth.py) current: identity's
AuthService.ListRevocations (internal to the mesh) fetched at start and then every
BARABA_REVOCATION_POLL_SECONDS (2), so a logout or a permission change reaches every service
within about that time, with no call to identity per request.

If identity cannot be reached, the last list stays in force (and a warning is logged once)
rather than refusing everyone: what it would miss expires with the tokens (15 minutes)."""

import asyncio
import contextlib
import logging

import grpc
from baraba.identity.v1 import identity_pb2, identity_pb2_grpc

from services.kernel import clients
from services.kernel.auth import RevocationList
from services.kernel.settings import env

log = logging.getLogger(__name__)


class RevocationFeed:
    def __init__(self, target: RevocationList, interval: float | None = None):
        self.target = target
        self.interval = interval if interval is not None else float(env("BARABA_REVOCATION_POLL_SECONDS", "2"))
        self._task: asyncio.Task | None = None
        self._failing = False

    async def start(self) -> None:
        await self.fetch()
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.fetch()

    async def fetch(self) -> None:
        try:
            stub = clients.stub(identity_pb2_grpc.AuthServiceStub, "identity")
            reply = await stub.ListRevocations(
                identity_pb2.ListRevocationsRequest(), wait_for_ready=True, **clients.call_options(timeout=self.interval)
            )
        except Exception as exc:  # keep the list we have; see the module comment
            if not self._failing:
                code = exc.code().name if isinstance(exc, grpc.aio.AioRpcError) else type(exc).__name__
                log.warning("could not fetch identity's revocations (%s); the last list stays in force", code)
            self._failing = True
            return
        self._failing = False
        self.target.sessions = frozenset(reply.session_ids)
        self.target.versions = dict(reply.user_versions)
