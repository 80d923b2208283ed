"""Which PostgreSQL server the mesh uses: the one named in the environment, else (for tests)
the local one on 127.0.0.1:5432 if it answers, else an embedded server from the pgserver wheel."""

import os
import socket
from pathlib import Path

from services.kernel.settings import env

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432"


def local_server_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def embedded_server(pgdata: Path):
    """Starts (or reuses) an embedded server keeping its data in `pgdata`; it stops when this
    process exits. Returns (server URL, handle)."""
    runtime = pgdata.parent / "runtime"  # pgserver keeps its lock files in the XDG runtime dir
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    return server.get_uri(), server


def server_for_up(pgdata: Path):
    if url := env("BARABA_DATABASE_URL"):
        return url, None
    return embedded_server(pgdata)


def server_for_tests(pgdata: Path):
    """BARABA_TEST_DATABASE_URL=embedded forces the embedded server even when a local one runs."""
    url = env("BARABA_TEST_DATABASE_URL")
    if url == "embedded":
        return embedded_server(pgdata)
    if url:
        return url, None
    if local_server_answers():
        return LOCAL_SERVER, None
    return embedded_server(pgdata)
