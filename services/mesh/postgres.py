"""Which PostgreSQL server the mesh uses: the one named in the environment, else (for tests)
the local one on 127.0.0.1:5432 if it answers, else an embedded server run from the binaries
of the pgserver wheel.

The embedded server is one more child of the launcher (`EmbeddedPostgres`): supervised like
the services (started again if it dies) and stopped with them."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from services.kernel.settings import env

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432"


def local_server_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


class EmbeddedPostgres:
    """A PostgreSQL server keeping its data in `pgdata`, listening on a unix socket in that
    directory, or on 127.0.0.1:`port` when one is given. PostgreSQL refuses to run as root:
    then it runs as pgserver's system user."""

    def __init__(self, pgdata: Path, port: int | None = None):
        runtime = pgdata.parent / "runtime"  # pgserver wants a runtime dir when imported
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
        from pgserver._commands import POSTGRES_BIN_PATH

        self.pgdata = pgdata.resolve()
        self.port = port
        self.bin = POSTGRES_BIN_PATH
        self.user = "pgserver" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        if self.port:
            return f"postgresql://postgres@127.0.0.1:{self.port}"
        return f"postgresql://postgres@/?host={self.pgdata}"

    def init(self) -> None:
        """Creates the data directory on first use (initdb: trust authentication, only local
        connections are possible)."""
        if self.user:
            from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists(self.user)
            self.pgdata.mkdir(parents=True, exist_ok=True)
            ensure_prefix_permissions(self.pgdata)
            ensure_prefix_permissions(self.bin)
            ensure_folder_permissions(self.bin, 0o055)
            ensure_folder_permissions(self.bin.parent / "lib", 0o044)
            shutil.chown(self.pgdata, self.user, self.user)
        if (self.pgdata / "PG_VERSION").exists():
            return
        subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.pgdata), "--auth=trust", "--encoding=utf8", "-U", "postgres"],
            check=True,
            capture_output=True,
            user=self.user,
        )

    def argv(self) -> list[str]:
        listen = ["-h", "127.0.0.1", "-p", str(self.port)] if self.port else ["-h", ""]
        return [str(self.bin / "postgres"), "-D", str(self.pgdata), "-k", str(self.pgdata), *listen, "-c", "max_connections=400"]

    def accepting(self) -> bool:
        host = "127.0.0.1" if self.port else str(self.pgdata)
        port = ["-p", str(self.port)] if self.port else []
        return subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", host, *port, "-U", "postgres"]).returncode == 0

    def wait_ready(self, process: subprocess.Popen, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.accepting():
            if process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited with code {process.returncode}; see its log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections in {timeout:.0f}s")
            time.sleep(0.1)


def embedded_server(pgdata: Path):
    """Starts (or reuses) a pgserver-managed server keeping its data in `pgdata`; it stops when
    this process exits. For the test suite's fallback. Returns (server URL, handle)."""
    runtime = pgdata.parent / "runtime"  # pgserver keeps its lock files in the XDG runtime dir
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    return server.get_uri(), server


def server_for_up(pgdata: Path) -> tuple[str | None, EmbeddedPostgres | None]:
    """BARABA_DATABASE_URL, else an embedded server the launcher runs and supervises."""
    if url := env("BARABA_DATABASE_URL"):
        return url, None
    return None, EmbeddedPostgres(pgdata)


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
