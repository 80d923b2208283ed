"""docker-compose.yml runs the same mesh as the launcher: every service, health-checked and
replicated, behind the edge, with no secret defaulted. (No container engine runs here; this
keeps the file honest.)"""

from pathlib import Path

import yaml

from services.kernel.registry import DEFAULT_PORTS
from services.mesh.launcher import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_runs_in_compose_and_is_health_checked():
    services = COMPOSE["services"]
    for name in SERVICES:
        spec = services[name]
        assert spec["command"] == ["python", "-m", f"services.{name}.server"]
        assert spec["environment"]["BARABA_LISTEN_ADDR"] == f"0.0.0.0:{DEFAULT_PORTS[name]}"
        assert spec["healthcheck"]["test"][-1] == f"127.0.0.1:{DEFAULT_PORTS[name]}"
        assert services["edge"]["depends_on"][name] == {"condition": "service_healthy"}
        assert spec["environment"][f"BARABA_{name.upper()}_ADDR"] == f"{name}:{DEFAULT_PORTS[name]}"


def test_the_edge_reaches_the_reflection_server():
    reflection = COMPOSE["services"]["reflection"]
    assert reflection["command"] == ["python", "-m", "services.mesh.reflection"]
    assert reflection["environment"]["BARABA_REFLECTION_ADDR"] == f"reflection:{DEFAULT_PORTS['reflection']}"
    assert COMPOSE["services"]["edge"]["depends_on"]["reflection"] == {"condition": "service_healthy"}


def test_secrets_have_no_defaults():
    text = (ROOT / "docker-compose.yml").read_text()
    secrets = ("POSTGRES_PASSWORD", "BARABA_ADMIN_PASSWORD", "BARABA_IDENTITY_KEY_PASSPHRASE", "BARABA_SEALING_KEY", "BARABA_MESH_SECRET")
    for secret in secrets:
        assert f"${{{secret}:?" in text
        assert f"${{{secret}:-" not in text
    assert COMPOSE["services"]["identity"]["environment"]["BARABA_ENV"] == "${BARABA_ENV:-production}"


def test_every_service_runs_in_replicas_behind_one_edge():
    services = COMPOSE["services"]
    for name in [*SERVICES, "reflection"]:
        assert services[name]["deploy"]["replicas"] == "${BARABA_REPLICAS:-2}", name
        assert "container_name" not in services[name] and "ports" not in services[name], name
    assert services["edge"]["deploy"]["replicas"] == 1
    assert services["edge"]["ports"] == ["5000:5000"]
