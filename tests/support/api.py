"""Talking to the mesh in tests: the test administrator, signing in, reading error bodies, and
calling a service directly as another service of the mesh would."""

import contextlib
from pathlib import Path

import grpc

from services.kernel.auth import SERVICE_HEADER, MeshCredentials
from services.mesh.launcher import Mesh
from tests.support import azure_standin

ADMIN = "admin"
ADMIN_PASSWORD = "test-admin-password-1"
KEY_PASSPHRASE = "test-key-passphrase"
MESH_ENV = {
    "BARABA_ADMIN_USERNAME": ADMIN,
    "BARABA_ADMIN_PASSWORD": ADMIN_PASSWORD,
    "BARABA_IDENTITY_KEY_PASSPHRASE": KEY_PASSPHRASE,
    "BARABA_ALLOW_REGISTRATION": "true",  # off unless configured; its tests need it
    "BARABA_SCANNER_AZURE_ALLOWED_HOSTS": azure_standin.ALLOWED_HOSTS,
}


def login(http, username: str, password: str) -> dict:
    reply = http.post("/api/auth/login", json={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return reply.json()


def error_of(reply) -> dict:
    """The JSON error body of a reply: google.rpc.Status, with at least code and message."""
    assert reply.headers["content-type"].startswith("application/json"), reply.headers
    body = reply.json()
    assert set(body) >= {"code", "message"}, body
    return body


def field_violations(reply) -> dict[str, str]:
    """field -> description, from the error's google.rpc.BadRequest detail."""
    details = error_of(reply).get("details", [])
    bad = [d for d in details if d["@type"].endswith("google.rpc.BadRequest")]
    return {v["field"]: v["description"] for v in bad[0]["field_violations"]} if bad else {}


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


def service_log(mesh: Mesh, name: str) -> str:
    return Path(mesh.log_path(name)).read_text(errors="replace")


def service_credential(mesh: Mesh, secret: str | None = None) -> tuple[tuple[str, str], ...]:
    """The metadata a service of the mesh adds to its calls: a credential signed with the mesh
    secret (or with `secret`, to forge one)."""
    signer = MeshCredentials("tests", secret or mesh.service_env()["BARABA_MESH_SECRET"])
    return ((SERVICE_HEADER, signer.credential()),)


class _AsService(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    def __init__(self, metadata):
        self.metadata = metadata

    def _with_credential(self, details):
        return details._replace(metadata=(*(details.metadata or ()), *self.metadata))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_credential(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_credential(details), request)


@contextlib.contextmanager
def service_channel(mesh: Mesh, target: str):
    """A channel to `target` ("ledger", "edge", ...) carrying the mesh's service credential on
    every call, as another service of the mesh calls it."""
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports[target]}") as channel:
        yield grpc.intercept_channel(channel, _AsService(service_credential(mesh)))
