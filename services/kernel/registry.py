"""The one registry of the mesh's processes: which services run (in start order), their default
gRPC ports (overridable per environment), the module each runs, and how long the edge waits
for them. The launcher, the edge config, the reflection server, settings and the compose
check all read it from here. "reflection" answers grpcurl's reflection requests at the edge
for every service."""

import importlib
from dataclasses import dataclass
from pathlib import Path

GEN = Path(__file__).resolve().parents[2] / "gen"


@dataclass(frozen=True)
class Process:
    name: str
    port: int
    module: str  # run as `python -m <module>`
    route_timeout: str = "15s"  # the edge's limit for one request to it


# Services in start order: identity first (everyone verifies tokens with its keys).
SERVICES_IN_ORDER = [
    Process("identity", 5002, "services.identity.server"),
    Process("ledger", 5005, "services.ledger.server"),
    Process("vies", 5003, "services.vies.server"),
    # Longer than the 15 s default: OCR of a large upload, and a big month's VAT return.
    Process("scanner", 5001, "services.scanner.server", route_timeout="120s"),
    Process("vat", 5004, "services.vat.server", route_timeout="300s"),  # a big month: a million entries
]
REFLECTION = Process("reflection", 5009, "services.mesh.reflection")

SERVICES = [p.name for p in SERVICES_IN_ORDER]
PROCESSES = {p.name: p for p in [*SERVICES_IN_ORDER, REFLECTION]}
DEFAULT_PORTS = {"edge": 5000, **{name: p.port for name, p in PROCESSES.items()}}
# The launcher's own /metrics (restarts of the processes it supervises).
LAUNCHER_METRICS_PORT = 9000


def grpc_services(service: str) -> list:
    """The gRPC service descriptors of the package baraba.<service>.v1."""
    found = []
    for module_path in sorted((GEN / "baraba" / service / "v1").glob("*_pb2.py")):
        module = importlib.import_module(f"baraba.{service}.v1.{module_path.stem}")
        found += module.DESCRIPTOR.services_by_name.values()
    if not found:
        raise ValueError(f"no gRPC services generated for {service}: is proto/baraba/{service}/v1 there?")
    return found
