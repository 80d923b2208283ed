"""Writes deploy/k8s/base: the mesh on Kubernetes, derived from the same registry as `make up`,
so a service added to the mesh gets its Deployment, Services, probes, budget and network rules
without anyone writing them by hand.

    python -m services.mesh.kubernetes     # (make k8s) rewrites deploy/k8s/base
    python -m services.mesh.kubernetes --edge-with-app IN.json OUT.json   # in the edge's pod

What it writes, per service: a Deployment (2 replicas, native gRPC probes, requests and
limits, no root, read-only file system), a ClusterIP Service and a headless one (clients and
the edge resolve every pod through it and balance per pod), a PodDisruptionBudget, a
CloudNativePG Cluster for its database (the operator creates the Secret "<service>-db-app"
whose `uri` the service reads) and NetworkPolicies: everything is denied unless listed, the
edge alone is reachable from outside, and each service reaches only its database, the services
it calls and DNS. The edge runs Envoy with the config rendered by services/mesh/edge.py for
these addresses (a ConfigMap; the pod adds the routes of the browser app its image carries);
ledger, identity and the edge scale with CPU.
"""

import json
import sys
import tempfile
from pathlib import Path

from services.kernel.registry import DEFAULT_PORTS, SERVICES
from services.kernel.server import LIVENESS
from services.mesh import edge, frontend

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
IMAGE = "baraba-mesh"
APP_ROOT = "/app"  # WORKDIR of the Dockerfile
EDGE_PORT = DEFAULT_PORTS["edge"]
EDGE_ADMIN_PORT = 9901  # loopback only, inside the edge's pod
EDGE_METRICS_PORT = 9902  # serves the admin's /stats/prometheus and nothing else
PART_OF = {"app.kubernetes.io/part-of": "baraba"}
MONITORING = {"kubernetes.io/metadata.name": "monitoring"}  # the namespace Prometheus and the OTLP collector run in
OTLP_PORT = 4317
PROCESS_USER = 65534  # nobody, as in the Dockerfile

# Who calls whom over gRPC (the tests compare it with the clients.stub calls in the code).
# Every service asks identity: token keys and company access checks.
CALLS = {
    "identity": [],
    "ledger": ["identity", "vies"],
    "vies": ["identity"],
    "scanner": ["identity", "ledger", "vies"],
    "vat": ["identity", "ledger"],
}
# Services that call out of the cluster over HTTPS, and why.
EXTERNAL = {"vies": "the European Commission's VIES service", "scanner": "Azure Document Intelligence, for companies that use it"}
# The secrets each service reads from the Secret "baraba-secrets" (created by the overlay):
# every one signs and checks the mesh's service credential, and some have their own.
MESH_SECRETS = ["BARABA_MESH_SECRET"]
SECRETS = {
    "identity": ["BARABA_ADMIN_PASSWORD", "BARABA_IDENTITY_KEY_PASSPHRASE"],
    "scanner": ["BARABA_SEALING_KEY"],
}
RESOURCES = {
    "default": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
    "scanner": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "2", "memory": "1536Mi"}},  # OCR
    "vat": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},  # a big month
    "edge": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}},
    "reflection": {"requests": {"cpu": "20m", "memory": "96Mi"}, "limits": {"cpu": "200m", "memory": "192Mi"}},
}
AUTOSCALED = {"identity": 6, "ledger": 6, "edge": 4}  # name -> most replicas
DATABASE_STORAGE = {"default": "5Gi", "ledger": "20Gi", "scanner": "20Gi", "vat": "10Gi"}


def headless(name: str) -> str:
    return f"{name}-headless"


def address(name: str) -> str:
    """How the mesh reaches a service: its headless Service, which DNS answers with every
    ready pod; gRPC clients balance round-robin over them, Envoy too."""
    return f"{headless(name)}:{DEFAULT_PORTS[name]}"


def database_cluster(name: str) -> str:
    return f"{name}-db"


def labels(name: str, component: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component, **PART_OF}


def selector(name: str) -> dict:
    return {"app.kubernetes.io/name": name}


def _security() -> tuple[dict, dict]:
    pod = {"runAsNonRoot": True, "runAsUser": PROCESS_USER, "runAsGroup": PROCESS_USER, "seccompProfile": {"type": "RuntimeDefault"}}
    container = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}
    return pod, container


def _deployment(name: str, component: str, container: dict, volumes: list[dict], annotations: dict) -> dict:
    pod_security, container_security = _security()
    container = {"name": name, "image": IMAGE, "securityContext": container_security, **container}
    container["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}, *container.get("volumeMounts", [])]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(name, component)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": selector(name)},
            # One pod at a time: the others keep serving, and each drains before it stops.
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels(name, component), "annotations": annotations},
                "spec": {
                    "securityContext": pod_security,
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": 30,
                    # Replicas on different nodes, when there are several.
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": selector(name)},
                        }
                    ],
                    "containers": [container],
                    "volumes": [{"name": "tmp", "emptyDir": {}}, *volumes],
                },
            },
        },
    }


def _grpc_probe(port: int, service: str | None, period: int, failures: int) -> dict:
    probe: dict = {"grpc": {"port": port}, "periodSeconds": period, "failureThreshold": failures, "timeoutSeconds": 2}
    if service is not None:
        probe["grpc"]["service"] = service
    return probe


def _scrape(port: int, path: str = "/metrics") -> dict:
    return {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": path}


def service_deployment(name: str) -> dict:
    port = DEFAULT_PORTS[name]
    env = [
        {"name": "BARABA_ENV", "value": "production"},
        {"name": "BARABA_LISTEN_ADDR", "value": f"0.0.0.0:{port}"},
        {
            "name": f"BARABA_{name.upper()}_DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": f"{database_cluster(name)}-app", "key": "uri"}},
        },
    ]
    keys = [*MESH_SECRETS, *SECRETS.get(name, [])]
    env += [{"name": key, "valueFrom": {"secretKeyRef": {"name": "baraba-secrets", "key": key}}} for key in keys]
    container = {
        "command": ["python", "-m", f"services.{name}.server"],
        "ports": [{"name": "grpc", "containerPort": port}, {"name": "metrics", "containerPort": port + 4000}],
        "env": env,
        "envFrom": [{"configMapRef": {"name": "baraba-addresses"}}],
        "resources": RESOURCES.get(name, RESOURCES["default"]),
        # Migrations run at start: up to a minute before the first answer.
        "startupProbe": _grpc_probe(port, None, 2, 30),
        # Ready while it reports SERVING: not while draining or while its database is away.
        "readinessProbe": _grpc_probe(port, None, 2, 1),
        # Alive while the process answers at all; a database outage is no reason to restart.
        "livenessProbe": _grpc_probe(port, LIVENESS, 10, 3),
    }
    return _deployment(name, "service", container, [], _scrape(port + 4000))


def reflection_deployment() -> dict:
    port = DEFAULT_PORTS["reflection"]
    container = {
        "command": ["python", "-m", "services.mesh.reflection"],
        "ports": [{"name": "grpc", "containerPort": port}],
        "env": [{"name": "BARABA_LISTEN_ADDR", "value": f"0.0.0.0:{port}"}],
        "resources": RESOURCES["reflection"],
        "readinessProbe": _grpc_probe(port, None, 5, 1),
        "livenessProbe": _grpc_probe(port, None, 10, 3),
    }
    return _deployment("reflection", "reflection", container, [], {})


def _whole_cpus(limit: str) -> str:
    """A CPU limit ("1", "2", "1500m") in whole cores, at least one."""
    cores = int(limit[:-1]) / 1000 if limit.endswith("m") else float(limit)
    return str(max(1, int(cores)))


def edge_deployment() -> dict:
    container = {
        # As many workers as the pod has cores (its CPU limit): Envoy's default would be the node's.
        "command": [
            "envoy",
            "-c",
            "/run/envoy/envoy.json",
            "--log-level",
            "warn",
            "--concurrency",
            _whole_cpus(RESOURCES["edge"]["limits"]["cpu"]),
        ],
        "ports": [{"name": "http", "containerPort": EDGE_PORT}, {"name": "metrics", "containerPort": EDGE_METRICS_PORT}],
        "resources": RESOURCES["edge"],
        "volumeMounts": [{"name": "rendered", "mountPath": "/run/envoy", "readOnly": True}],
        # /health answers 200 while every service has a healthy replica.
        "readinessProbe": {"httpGet": {"path": "/health", "port": EDGE_PORT}, "periodSeconds": 2, "failureThreshold": 2},
        "livenessProbe": {"tcpSocket": {"port": EDGE_PORT}, "periodSeconds": 10, "failureThreshold": 3},
    }
    volumes = [{"name": "config", "configMap": {"name": "edge-config"}}, {"name": "rendered", "emptyDir": {}}]
    deployment = _deployment("edge", "edge", container, volumes, _scrape(EDGE_METRICS_PORT, "/stats/prometheus"))
    # The ConfigMap's config plus a route per file of the browser app this image carries.
    _, security = _security()
    deployment["spec"]["template"]["spec"]["initContainers"] = [
        {
            "name": "app-routes",
            "image": IMAGE,
            "command": ["python", "-m", "services.mesh.kubernetes", "--edge-with-app", "/etc/envoy/envoy.json", "/run/envoy/envoy.json"],
            "securityContext": security,
            "resources": RESOURCES["reflection"],
            "volumeMounts": [
                {"name": "config", "mountPath": "/etc/envoy", "readOnly": True},
                {"name": "rendered", "mountPath": "/run/envoy"},
            ],
        }
    ]
    return deployment


def services_of(name: str, port: int, port_name: str) -> list[dict]:
    """A ClusterIP Service (one stable address) and a headless one (every pod's address)."""
    made = []
    for service_name, cluster_ip in ((name, {}), (headless(name), {"clusterIP": "None"})):
        made.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": service_name, "labels": labels(name, "service")},
                "spec": {
                    **cluster_ip,
                    "selector": selector(name),
                    "ports": [{"name": port_name, "port": port, "targetPort": port_name, "appProtocol": "kubernetes.io/h2c"}],
                },
            }
        )
    return made


def edge_service() -> dict:
    """The mesh's one way in from outside."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "edge", "labels": labels("edge", "edge")},
        "spec": {
            "type": "LoadBalancer",
            "externalTrafficPolicy": "Local",  # keeps the client's address in the edge's log
            "selector": selector("edge"),
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def disruption_budget(name: str) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels(name, "budget")},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(name)}},
    }


def autoscaler(name: str, most: int) -> dict:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels(name, "autoscaler")},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": most,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
            # Scale down slowly: a burst of VAT returns at the month's end comes in waves.
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }


def database(name: str) -> dict:
    """A CloudNativePG cluster holding the service's one database."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": database_cluster(name), "labels": labels(name, "database")},
        "spec": {
            "instances": 2,
            "primaryUpdateStrategy": "unsupervised",
            "storage": {"size": DATABASE_STORAGE.get(name, DATABASE_STORAGE["default"])},
            "bootstrap": {"initdb": {"database": f"baraba_{name}", "owner": "baraba"}},
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        },
    }


def addresses() -> dict:
    data = {f"BARABA_{name.upper()}_ADDR": address(name) for name in [*SERVICES, "reflection"]}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "baraba-addresses", "labels": PART_OF}, "data": data}


# --- network policies ---------------------------------------------------------------------------


def _policy(name: str, pods: dict, ingress: list | None, egress: list | None) -> dict:
    spec: dict = {"podSelector": {"matchLabels": pods}, "policyTypes": []}
    if ingress is not None:
        spec["policyTypes"].append("Ingress")
        spec["ingress"] = ingress
    if egress is not None:
        spec["policyTypes"].append("Egress")
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "labels": PART_OF}, "spec": spec}


def _tcp(*ports: int) -> list[dict]:
    return [{"protocol": "TCP", "port": port} for port in ports]


def _pods(name: str) -> dict:
    return {"podSelector": {"matchLabels": selector(name)}}


DNS = {
    "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}
TRACES = {"to": [{"namespaceSelector": {"matchLabels": MONITORING}}], "ports": _tcp(OTLP_PORT)}
# Anywhere outside the cluster's private ranges, over HTTPS.
INTERNET_HTTPS = {
    "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]}}],
    "ports": _tcp(443),
}


def network_policies() -> list[dict]:
    callers = {name: [c for c, callees in CALLS.items() if name in callees] for name in SERVICES}
    scrape = lambda port: {"from": [{"namespaceSelector": {"matchLabels": MONITORING}}], "ports": _tcp(port)}  # noqa: E731
    policies = [_policy("default-deny", PART_OF, [], [])]  # every pod of the mesh: nothing unless allowed below
    for name in SERVICES:
        port = DEFAULT_PORTS[name]
        ingress = [{"from": [_pods(peer) for peer in ["edge", *callers[name]]], "ports": _tcp(port)}, scrape(port + 4000)]
        egress: list[dict] = [{"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": database_cluster(name)}}}], "ports": _tcp(5432)}]
        egress += [{"to": [_pods(callee)], "ports": _tcp(DEFAULT_PORTS[callee])} for callee in CALLS[name]]
        egress += [DNS, TRACES]
        if name in EXTERNAL:
            egress.append(INTERNET_HTTPS)
        policies.append(_policy(name, selector(name), ingress, egress))
    upstreams = [*SERVICES, "reflection"]
    policies.append(
        _policy(
            "edge",
            selector("edge"),
            [{"ports": _tcp(EDGE_PORT)}, scrape(EDGE_METRICS_PORT)],  # the edge port from anywhere
            [*({"to": [_pods(name)], "ports": _tcp(DEFAULT_PORTS[name])} for name in upstreams), DNS],
        )
    )
    policies.append(
        _policy("reflection", selector("reflection"), [{"from": [_pods("edge")], "ports": _tcp(DEFAULT_PORTS["reflection"])}], [DNS])
    )
    for name in SERVICES:
        # The database's pods: its service, its own instances (replication) and the operator.
        # Their egress stays open: the instance manager talks to the Kubernetes API.
        cluster = {"cnpg.io/cluster": database_cluster(name)}
        ingress = [
            {"from": [_pods(name)], "ports": _tcp(5432)},
            {"from": [{"podSelector": {"matchLabels": cluster}}], "ports": _tcp(5432, 8000)},
            {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cnpg-system"}}}], "ports": _tcp(5432, 8000)},
        ]
        policies.append(_policy(database_cluster(name), cluster, ingress, None))
    return policies


# --- the edge's config ----------------------------------------------------------------------------


def _edge_routes(config: dict) -> list[dict]:
    (listener,) = [listener for listener in config["static_resources"]["listeners"] if listener["name"] == "edge"]
    (virtual_host,) = listener["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"]
    return virtual_host["routes"]


def _is_app_file(route: dict) -> bool:
    return "filename" in route.get("direct_response", {}).get("body", {})


def with_app(config: dict, dist: Path = frontend.DIST) -> dict:
    """The edge's config with the routes of the browser app built in `dist` (the image's own
    files, whose names change with every build) before the final 404."""
    routes = _edge_routes(config)
    routes[-1:-1] = frontend.routes(dist)
    return config


def edge_config() -> dict:
    """Envoy's config for the cluster: edge.render's, with the services at their headless
    addresses, listening on every interface, the descriptor where the image has it, and a
    second listener that serves only the admin's /stats/prometheus (the admin interface itself
    stays on loopback: it can stop Envoy)."""
    addrs: dict[str, str | list[str]] = {"edge": f"0.0.0.0:{EDGE_PORT}", **{name: address(name) for name in [*SERVICES, "reflection"]}}
    import yaml  # a development tool's dependency; the image runs with_app only

    with tempfile.TemporaryDirectory() as scratch:
        config = yaml.safe_load(edge.render(Path(scratch) / "envoy.yaml", addrs, EDGE_ADMIN_PORT).read_text())
    descriptor = f"{APP_ROOT}/{edge.DESCRIPTOR.relative_to(ROOT)}"
    for listener in config["static_resources"]["listeners"]:
        for chain in listener["filter_chains"]:
            for network_filter in chain["filters"]:
                for http_filter in network_filter["typed_config"].get("http_filters", []):
                    if "proto_descriptor" in http_filter["typed_config"]:
                        http_filter["typed_config"]["proto_descriptor"] = descriptor
    # The app's files are the image's: added in the pod (with_app), not fixed here.
    routes = _edge_routes(config)
    routes[:] = [route for route in routes if not _is_app_file(route)]
    config["static_resources"]["listeners"].append(_metrics_listener())
    config["static_resources"]["clusters"].append(
        {
            "name": "edge_admin",
            "type": "STATIC",
            "load_assignment": {
                "cluster_name": "edge_admin",
                "endpoints": [
                    {
                        "lb_endpoints": [
                            {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": EDGE_ADMIN_PORT}}}}
                        ]
                    }
                ],
            },
        }
    )
    return config


HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"


def _metrics_listener() -> dict:
    return {
        "name": "metrics",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": EDGE_METRICS_PORT}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": HCM_TYPE,
                            "stat_prefix": "metrics",
                            "route_config": {
                                "virtual_hosts": [
                                    {
                                        "name": "metrics",
                                        "domains": ["*"],
                                        "routes": [
                                            {"match": {"path": "/stats/prometheus"}, "route": {"cluster": "edge_admin"}},
                                            {"match": {"prefix": "/"}, "direct_response": {"status": 404}},
                                        ],
                                    }
                                ]
                            },
                            "http_filters": [
                                {
                                    "name": "envoy.filters.http.router",
                                    "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
                                }
                            ],
                        },
                    }
                ]
            }
        ],
    }


# --- the files --------------------------------------------------------------------------------------


def documents() -> dict[str, list[dict]]:
    """file name in deploy/k8s/base -> its documents."""
    services = []
    for name in SERVICES:
        services += [service_deployment(name), *services_of(name, DEFAULT_PORTS[name], "grpc"), disruption_budget(name)]
    return {
        "addresses.yaml": [addresses()],
        "services.yaml": services,
        "reflection.yaml": [
            reflection_deployment(),
            *services_of("reflection", DEFAULT_PORTS["reflection"], "grpc"),
            disruption_budget("reflection"),
        ],
        "edge.yaml": [edge_deployment(), edge_service(), disruption_budget("edge")],
        "autoscaling.yaml": [autoscaler(name, most) for name, most in AUTOSCALED.items()],
        "databases.yaml": [database(name) for name in SERVICES],
        "network-policies.yaml": network_policies(),
    }


HEADER = "# Written by `make k8s` (services/mesh/kubernetes.py) from the mesh's registry: change that, not this.\n"


def render(base: Path = BASE) -> list[Path]:
    import yaml

    base.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, docs in documents().items():
        path = base / file_name
        path.write_text(HEADER + "---\n".join(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True) for doc in docs))
        written.append(path)
    config = base / "envoy.json"
    config.write_text(json.dumps(edge_config(), indent=1, ensure_ascii=False) + "\n")
    written.append(config)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "labels": [{"pairs": PART_OF, "includeSelectors": False}],
        "resources": [path.name for path in written if path.suffix == ".yaml"],
        # The edge's pods restart when its config changes (the name carries the content's hash).
        "configMapGenerator": [{"name": "edge-config", "files": ["envoy.json"]}],
    }
    path = base / "kustomization.yaml"
    path.write_text(HEADER + yaml.safe_dump(kustomization, sort_keys=False))
    return [*written, path]


if __name__ == "__main__" and sys.argv[1:2] == ["--edge-with-app"]:
    source, target = Path(sys.argv[2]), Path(sys.argv[3])
    target.write_text(json.dumps(with_app(json.loads(source.read_text()))))
elif __name__ == "__main__":
    for written in render(Path(sys.argv[1]) if len(sys.argv) > 1 else BASE):
        print(written.relative_to(ROOT) if written.is_relative_to(ROOT) else written)  # noqa: T201 - command-line tool
