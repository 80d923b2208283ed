"""Production mode refuses defaults; secrets never reach the logs."""

import os
import subprocess
import sys

from tests.support.api import ADMIN_PASSWORD, KEY_PASSPHRASE, service_log

MESH_SECRET = "a-mesh-secret-of-at-least-32-characters"


def start(service: str, **env: str) -> subprocess.CompletedProcess:
    """Starts a service with only `env` set (its database unreachable) and waits for it to exit."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("BARABA_")}
    return subprocess.run(
        [sys.executable, "-m", f"services.{service}.server"],
        env={**base, f"BARABA_{service.upper()}_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/never", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_identity(**env: str) -> subprocess.CompletedProcess:
    return start("identity", **env)


def test_production_refuses_to_start_without_a_mesh_secret():
    for service in ("identity", "ledger"):
        done = start(service, BARABA_ENV="production")
        assert done.returncode == 2
        assert "BARABA_MESH_SECRET must be set" in done.stderr
    done = start("ledger", BARABA_ENV="production", BARABA_MESH_SECRET="tiny-secret")
    assert done.returncode == 2 and "at least 32 characters" in done.stderr and "tiny-secret" not in done.stderr


def test_production_refuses_to_start_without_a_key_passphrase():
    done = start_identity(BARABA_ENV="production", BARABA_ADMIN_PASSWORD="a-long-and-strong-one", BARABA_MESH_SECRET=MESH_SECRET)
    assert done.returncode == 2
    assert "BARABA_IDENTITY_KEY_PASSPHRASE must be set" in done.stderr


def test_production_refuses_a_default_admin_password():
    done = start_identity(
        BARABA_ENV="production", BARABA_ADMIN_PASSWORD="admin123", BARABA_IDENTITY_KEY_PASSPHRASE="x" * 20, BARABA_MESH_SECRET=MESH_SECRET
    )
    assert done.returncode == 2
    assert "too weak" in done.stderr
    assert "admin123" not in done.stderr


def test_an_unknown_mode_is_refused():
    done = start_identity(BARABA_ENV="prod")
    assert done.returncode == 2 and "BARABA_ENV" in done.stderr


def test_secrets_never_reach_the_logs(mesh, http, admin):
    # Generate traffic with secrets in it: logins (good and bad), a refresh.
    session = http.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()
    http.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]})
    http.post("/api/auth/login", json={"username": "admin", "password": "a-wrong-password"})
    logs = "".join(service_log(mesh, name) for name in [*mesh.services, "edge"])
    for secret in (ADMIN_PASSWORD, KEY_PASSPHRASE, "a-wrong-password", session["refresh_token"], session["token"]):
        assert secret not in logs
    assert '"rpc": "/baraba.identity.v1.AuthService/Login"' in logs  # the logs are there, just clean


def test_the_scanner_refuses_production_without_a_sealing_key():
    done = start("scanner", BARABA_ENV="production", BARABA_MESH_SECRET=MESH_SECRET)
    assert done.returncode == 2 and "BARABA_SEALING_KEY must be set" in done.stderr
