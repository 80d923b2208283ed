"""`make up`: the whole mesh on this machine, until Ctrl-C or SIGTERM.

Uses BARABA_DATABASE_URL when set, else an embedded PostgreSQL keeping its data in
.baraba/pgdata, supervised and stopped like the services.

Every process is supervised: one that dies is started again (after 0.5 s, doubling up to 30 s
while it keeps dying), logged in .baraba/run/logs/launcher.log and counted as
baraba_process_restarts_total{process=...} on 127.0.0.1:BARABA_LAUNCHER_METRICS_PORT (9000).
BARABA_REPLICAS (1) runs that many processes of every service, BARABA_<SERVICE>_REPLICAS
overrides it for one; replica k listens 100 × (k - 1) above the service's port (ledger 5005,
5105, 5205; metrics likewise above 9005). The first administrator is BARABA_ADMIN_USERNAME (admin) with
BARABA_ADMIN_PASSWORD, or a password generated on the first run, printed once and kept in
.baraba/admin-password (readable only by you).
"""

import os
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path

from services.kernel.registry import DEFAULT_PORTS, LAUNCHER_METRICS_PORT, SERVICES
from services.kernel.settings import ConfigError, env
from services.mesh import edge, postgres
from services.mesh.launcher import Mesh, MeshFailed, replica_names

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".baraba"


def admin_password() -> tuple[str, bool]:
    """The password and whether it was generated just now."""
    if password := env("BARABA_ADMIN_PASSWORD"):
        return password, False
    stored = STATE / "admin-password"
    if stored.exists():
        return stored.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.touch(mode=0o600)
    stored.write_text(password + "\n")
    return password, True


def start_vies_standin() -> subprocess.Popen | None:
    """BARABA_VIES=standin: the VIES stand-in (services/vies/standin.py) on
    BARABA_VIES_STANDIN_PORT (8089) instead of the Commission's VIES, for work offline.
    Stop it (kill the pid printed) to see how the mesh answers while VIES is down."""
    if env("BARABA_VIES") != "standin":
        return None
    port = env("BARABA_VIES_STANDIN_PORT", "8089")
    process = subprocess.Popen([sys.executable, "-m", "services.vies.standin", "--port", port], start_new_session=True)
    os.environ["BARABA_VIES_URL"] = f"http://127.0.0.1:{port}/taxation_customs/vies/services/checkVatService"
    return process


def port_of(name: str) -> int:
    return int(env(f"BARABA_{name.upper()}_ADDR", f":{DEFAULT_PORTS[name]}").rpartition(":")[2])


def replica_counts() -> dict[str, int]:
    counts = {}
    for name in SERVICES:
        value = env(f"BARABA_{name.upper()}_REPLICAS", env("BARABA_REPLICAS", "1"))
        if not value.isdigit() or not 1 <= int(value) <= 9:
            raise ConfigError(f"BARABA_{name.upper()}_REPLICAS / BARABA_REPLICAS must be a number from 1 to 9, not {value!r}")
        counts[name] = int(value)
    return counts


def main() -> None:
    STATE.mkdir(exist_ok=True)
    try:
        replicas = replica_counts()
        edge.workers()  # a wrong BARABA_EDGE_WORKERS stops here, before anything is started
    except ConfigError as exc:
        sys.exit(str(exc))
    server_url, embedded = postgres.server_for_up(STATE / "pgdata")
    password, generated = admin_password()
    username = env("BARABA_ADMIN_USERNAME", "admin")
    ports = {name: port_of(name) for name in ["edge", "reflection"]}
    ports["edge_admin"] = int(env("BARABA_EDGE_ADMIN_PORT", "9901"))
    ports["launcher_metrics"] = int(env("BARABA_LAUNCHER_METRICS_PORT", str(LAUNCHER_METRICS_PORT)))
    for name in SERVICES:
        metrics = int(env(f"BARABA_{name.upper()}_METRICS_PORT", str(port_of(name) + 4000)))
        for k, replica in enumerate(replica_names(name, replicas[name])):
            ports[replica] = port_of(name) + 100 * k
            ports[f"{replica}_metrics"] = metrics + 100 * k if metrics else 0
    standin = start_vies_standin()
    mesh = Mesh(
        workdir=STATE / "run",
        database_server=server_url,
        postgres=embedded,
        replicas=replicas,
        ports=ports,
        env={
            "BARABA_ENV": env("BARABA_ENV", "development"),
            "BARABA_ADMIN_USERNAME": username,
            "BARABA_ADMIN_PASSWORD": password,
            **{k: v for k, v in os.environ.items() if k.startswith("BARABA_") and k not in ("BARABA_DATABASE_URL",)},
        },
    )
    print(
        f"starting {'PostgreSQL, ' if embedded else ''}{', '.join(f'{n} × {replicas[n]}' for n in SERVICES)} and the edge ...", flush=True
    )
    try:
        mesh.start()
    except MeshFailed as exc:
        mesh.stop()
        if standin:
            standin.terminate()
        sys.exit(f"the mesh did not start: {exc}")

    edge_url = f"http://localhost:{ports['edge']}"
    secret_line = (
        f"password: {password}   (generated now, shown once; kept in .baraba/admin-password)"
        if generated
        else ("password: from BARABA_ADMIN_PASSWORD" if env("BARABA_ADMIN_PASSWORD") else "password: in .baraba/admin-password")
    )
    metrics_line = ", ".join(f"{n} :{ports[n + '_metrics']}/metrics" for n in mesh.service_processes())
    print(
        f"""
Baraba mesh is up.
  open in a browser   {edge_url}/
  edge (REST + gRPC)  {edge_url}
  services (gRPC)     {", ".join(f"{n} :{ports[n]}" for n in mesh.service_processes())}
  logs                {mesh.workdir / "logs"}/
  VIES                {env("BARABA_VIES_URL", "the European Commission's VIES")}{f" (stand-in, pid {standin.pid})" if standin else ""}
  metrics             {metrics_line}, edge 127.0.0.1:{ports["edge_admin"]}/stats/prometheus,
                      restarts 127.0.0.1:{ports["launcher_metrics"]}/metrics
Sign in as {username}, {secret_line}
  curl -s -XPOST {edge_url}/api/auth/login -d '{{"username":"{username}","password":"…"}}'
A process that dies is started again; Ctrl-C stops everything.""",
        flush=True,
    )

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    print("stopping ...", flush=True)
    mesh.stop()
    if standin:
        standin.terminate()


if __name__ == "__main__":
    main()
