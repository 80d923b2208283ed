"""deploy/k8s: the base is what services/mesh/kubernetes.py writes today, the example overlay
renders with kustomize (kubectl's, offline) and every resource validates against the Kubernetes
schemas (kubernetes-validate, strict); CloudNativePG's Cluster, a custom resource with no schema
there, is checked against the part of its schema the manifests use. Then what the manifests
promise: replicas, probes, budgets, autoscaling, only the edge reachable from outside, and
network rules that follow the calls the code makes."""

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.kernel.registry import DEFAULT_PORTS
from services.mesh import kubernetes
from services.mesh.edge import envoy_binary
from services.mesh.launcher import SERVICES

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"  # the oldest release the manifests are meant for
# The fields of postgresql.cnpg.io/v1 Cluster the manifests use, as CloudNativePG defines them.
CNPG_CLUSTER = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "postgresql.cnpg.io/v1"},
        "kind": {"const": "Cluster"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}},
        },
        "spec": {
            "type": "object",
            "required": ["instances", "storage"],
            "additionalProperties": False,
            "properties": {
                "instances": {"type": "integer", "minimum": 1},
                "primaryUpdateStrategy": {"enum": ["unsupervised", "supervised"]},
                "storage": {
                    "type": "object",
                    "required": ["size"],
                    "additionalProperties": False,
                    "properties": {"size": {"type": "string", "pattern": r"^\d+(Mi|Gi|Ti)$"}, "storageClass": {"type": "string"}},
                },
                "bootstrap": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "initdb": {
                            "type": "object",
                            "required": ["database", "owner"],
                            "additionalProperties": False,
                            "properties": {"database": {"type": "string"}, "owner": {"type": "string"}},
                        }
                    },
                },
                "resources": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"requests": {"type": "object"}, "limits": {"type": "object"}},
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[dict]:
    """The example overlay as `kubectl apply -k` would send it (with throwaway secrets)."""
    tree = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, tree)
    (tree / "overlays" / "example" / "secrets.env").write_text(
        "BARABA_ADMIN_PASSWORD=admin-password-for-render\nBARABA_IDENTITY_KEY_PASSPHRASE=passphrase-for-render\n"
        "BARABA_SEALING_KEY=sealing-key-for-render\nBARABA_MESH_SECRET=mesh-secret-for-render-0123456789abcdef\n"
    )
    kubectl = Path(sys.executable).parent / "kubectl"
    result = subprocess.run([str(kubectl), "kustomize", str(tree / "overlays" / "example")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def validate(doc: dict) -> None:
    if doc["apiVersion"].startswith("postgresql.cnpg.io/"):
        jsonschema.validate(doc, CNPG_CLUSTER)
    else:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_base_is_what_the_generator_writes(tmp_path):
    fresh = tmp_path / "base"
    kubernetes.render(fresh)
    committed = {path.name: path.read_text() for path in (K8S / "base").iterdir()}
    assert {path.name: path.read_text() for path in fresh.iterdir()} == committed, "run `make k8s` and commit deploy/k8s/base"


def test_every_resource_is_valid_against_its_schema(rendered):
    kinds = {doc["kind"] for doc in rendered}
    assert {
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "ConfigMap",
        "Secret",
        "Cluster",
    } <= kinds
    for doc in rendered:
        validate(doc)


def test_the_validation_refuses_what_a_cluster_would_refuse(rendered):
    deployment = copy.deepcopy(of_kind(rendered, "Deployment")["ledger"])
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    deployment = copy.deepcopy(of_kind(rendered, "Deployment")["ledger"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["grpc"]["prot"] = 5005
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    cluster = copy.deepcopy(of_kind(rendered, "Cluster")["ledger-db"])
    cluster["spec"]["instance"] = 2
    with pytest.raises(jsonschema.ValidationError):
        validate(cluster)


def test_every_service_runs_replicated_probed_bounded_and_budgeted(rendered):
    deployments = of_kind(rendered, "Deployment")
    budgets = {
        doc["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for doc in of_kind(rendered, "PodDisruptionBudget").values()
    }
    assert set(deployments) == {*SERVICES, "edge", "reflection"}
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        assert spec["replicas"] >= 2, name
        assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
        (container,) = spec["template"]["spec"]["containers"]
        assert container["image"] == "registry.example.com/baraba/baraba-mesh:0.1.0"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and {"cpu", "memory"} <= set(container["resources"]["limits"])
        assert container["securityContext"]["readOnlyRootFilesystem"] and spec["template"]["spec"]["securityContext"]["runAsNonRoot"]
        assert name in budgets
        if name in SERVICES:
            port = DEFAULT_PORTS[name]
            assert container["command"] == ["python", "-m", f"services.{name}.server"]
            assert container["readinessProbe"]["grpc"] == {"port": port}
            assert container["livenessProbe"]["grpc"] == {"port": port, "service": "liveness"}
            env = {e["name"]: e for e in container["env"]}
            assert env["BARABA_ENV"]["value"] == "production"
            assert env["BARABA_LISTEN_ADDR"]["value"] == f"0.0.0.0:{port}"
            assert env[f"BARABA_{name.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": f"{name}-db-app", "key": "uri"}
    assert deployments["ledger"]["spec"]["replicas"] == 3  # the overlay's patch


def test_secrets_come_from_secrets_and_name_every_key_a_service_needs(rendered):
    secrets = of_kind(rendered, "Secret")
    (generated,) = [s for name, s in secrets.items() if name.startswith("baraba-secrets-")]
    needed: dict[str, set[str]] = {}
    for deployment in of_kind(rendered, "Deployment").values():
        for var in deployment["spec"]["template"]["spec"]["containers"][0].get("env", []):
            if ref := var.get("valueFrom", {}).get("secretKeyRef"):
                needed.setdefault(ref["name"], set()).add(ref["key"])
                assert var["name"] == ref["key"] or ref["key"] == "uri"
    example = (K8S / "overlays" / "example" / "secrets.env.example").read_text()
    listed = {line.split("=")[0] for line in example.splitlines() if line and not line.startswith("#")}
    wanted = {"BARABA_ADMIN_PASSWORD", "BARABA_IDENTITY_KEY_PASSPHRASE", "BARABA_SEALING_KEY", "BARABA_MESH_SECRET"}
    assert needed.pop(generated["metadata"]["name"]) == set(generated["data"]) == listed == wanted
    for name in SERVICES:  # every service signs and checks the mesh's service credential
        env = {var["name"] for var in of_kind(rendered, "Deployment")[name]["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert "BARABA_MESH_SECRET" in env, name
    # The rest are the database Secrets CloudNativePG creates for each Cluster ("<cluster>-app").
    assert needed == {f"{cluster}-app": {"uri"} for cluster in of_kind(rendered, "Cluster")}
    # No value is written in the manifests themselves.
    text = yaml.safe_dump_all(d for d in rendered if d["kind"] != "Secret")
    assert "for-render" not in text


def test_only_the_edge_is_reachable_from_outside(rendered):
    services = of_kind(rendered, "Service")
    exposed = {name for name, s in services.items() if s["spec"].get("type", "ClusterIP") != "ClusterIP"}
    assert exposed == {"edge"}
    for name in [*SERVICES, "reflection"]:
        assert services[f"{name}-headless"]["spec"]["clusterIP"] == "None"
        assert services[f"{name}-headless"]["spec"]["ports"][0]["port"] == DEFAULT_PORTS[name]
    addresses = of_kind(rendered, "ConfigMap")["baraba-addresses"]["data"]
    assert addresses == {f"BARABA_{name.upper()}_ADDR": f"{name}-headless:{DEFAULT_PORTS[name]}" for name in [*SERVICES, "reflection"]}


def test_the_busiest_services_scale_with_load(rendered):
    autoscalers = of_kind(rendered, "HorizontalPodAutoscaler")
    assert set(autoscalers) == {"ledger", "identity", "edge"}
    for name, hpa in autoscalers.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def calls_in_code() -> dict[str, set[str]]:
    """service -> the services its code calls through clients.stub (the kernel's calls, made
    by every service, count for each)."""
    pattern = re.compile(r"clients\.stub\([^)]*?\"(\w+)\"")
    kernel = {m for path in (ROOT / "services" / "kernel").glob("*.py") for m in pattern.findall(path.read_text())}
    calls = {}
    for name in SERVICES:
        found = {m for path in (ROOT / "services" / name).rglob("*.py") for m in pattern.findall(path.read_text())}
        calls[name] = (found | kernel) - {name}
    return calls


def allowed(policies: dict[str, dict], pod: str, direction: str) -> set[tuple[str, int]]:
    """(peer, port) pairs the pods of `pod` (an app name or a database cluster) may reach
    (egress) or be reached from (ingress), within the namespace."""
    pairs = set()
    for policy in policies.values():
        selected = policy["spec"]["podSelector"]["matchLabels"]
        if pod not in (selected.get("app.kubernetes.io/name"), selected.get("cnpg.io/cluster")):
            continue
        for rule in policy["spec"].get(direction, []):
            peers = rule.get("to" if direction == "egress" else "from", [])
            for peer in peers:
                labels = peer.get("podSelector", {}).get("matchLabels", {})
                name = labels.get("app.kubernetes.io/name") or labels.get("cnpg.io/cluster")
                if name and "namespaceSelector" not in peer:
                    pairs |= {(name, p["port"]) for p in rule["ports"]}
    return pairs


def test_network_policies_follow_the_calls_the_code_makes(rendered):
    policies = of_kind(rendered, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert (
        deny["podSelector"]["matchLabels"] == {"app.kubernetes.io/part-of": "baraba"}
        and deny.get("ingress", []) == deny.get("egress", []) == []
    )
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    labels = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in of_kind(rendered, "Deployment").values()}
    assert all(label["app.kubernetes.io/part-of"] == "baraba" for label in labels.values())  # so the deny covers them
    calls = calls_in_code()
    assert calls == {name: set(callees) for name, callees in kubernetes.CALLS.items()}
    for name in SERVICES:
        egress = allowed(policies, name, "egress")
        assert egress == {(f"{name}-db", 5432)} | {(callee, DEFAULT_PORTS[callee]) for callee in calls[name]}, name
        callers = {caller for caller, callees in calls.items() if name in callees}
        assert allowed(policies, name, "ingress") == {(peer, DEFAULT_PORTS[name]) for peer in {"edge", *callers}}, name
        assert allowed(policies, f"{name}-db", "ingress") >= {(name, 5432)}
        # Every other service is kept out of this one's database.
        assert not any(peer in SERVICES for peer, _ in allowed(policies, f"{name}-db", "ingress") - {(name, 5432)})
    # The edge: reachable by anyone on its port, reaching the services and nothing else of the mesh.
    edge = [p for p in policies.values() if p["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "edge"}]
    assert {"ports": [{"protocol": "TCP", "port": DEFAULT_PORTS["edge"]}]} in edge[0]["spec"]["ingress"]
    assert allowed(policies, "edge", "egress") == {(name, DEFAULT_PORTS[name]) for name in [*SERVICES, "reflection"]}
    for name in [n for n in SERVICES if n not in kubernetes.EXTERNAL]:
        rules = [
            r
            for p in policies.values()
            if p["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": name}
            for r in p["spec"]["egress"]
        ]
        assert not any("ipBlock" in peer for rule in rules for peer in rule["to"]), name


def test_the_edge_config_is_envoys_and_reaches_every_pod(rendered, tmp_path):
    (config_map,) = [c for name, c in of_kind(rendered, "ConfigMap").items() if name.startswith("edge-config-")]
    config = json.loads(config_map["data"]["envoy.json"])
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    for name in [*SERVICES, "reflection"]:
        (endpoint,) = clusters[name]["load_assignment"]["endpoints"][0]["lb_endpoints"]
        assert endpoint["endpoint"]["address"]["socket_address"] == {"address": f"{name}-headless", "port_value": DEFAULT_PORTS[name]}
        assert clusters[name]["type"] == "STRICT_DNS" and clusters[name]["health_checks"][0]["grpc_health_check"] == {}
    assert config["admin"]["address"]["socket_address"]["address"] == "127.0.0.1"
    (deployment_volume,) = [
        v for v in of_kind(rendered, "Deployment")["edge"]["spec"]["template"]["spec"]["volumes"] if v["name"] == "config"
    ]
    assert deployment_volume["configMap"]["name"] == config_map["metadata"]["name"]
    # The pod adds the routes of the app its image carries (here: a small built app) before the 404.
    init = of_kind(rendered, "Deployment")["edge"]["spec"]["template"]["spec"]["initContainers"][0]
    assert init["command"][:4] == ["python", "-m", "services.mesh.kubernetes", "--edge-with-app"]
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Baraba</title>")
    (dist / "assets" / "app-1234.js").write_text("console.log('baraba')")
    with_app = kubernetes.with_app(json.loads(config_map["data"]["envoy.json"]), dist)
    routes = kubernetes._edge_routes(with_app)
    assert (routes[-1]["match"], routes[-1]["direct_response"]["status"]) == ({"prefix": "/"}, 404)
    files = [r["direct_response"]["body"]["filename"] for r in routes if kubernetes._is_app_file(r)]
    assert files == [str(dist / "assets" / "app-1234.js"), str(dist / "index.html"), str(dist / "index.html")]
    # Envoy itself accepts it (with the descriptor where this checkout has it).
    text = json.dumps(with_app).replace("/app/gen/baraba.binpb", str(ROOT / "gen" / "baraba.binpb"))
    (tmp_path / "envoy.json").write_text(text)
    result = subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(tmp_path / "envoy.json"), "--use-dynamic-base-id", "--log-level", "error"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_finds_every_pods_metrics_and_may_scrape_them(rendered):
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus-kubernetes.yml").read_text())
    assert all((ROOT / "deploy" / "prometheus" / rule_file).is_file() for rule_file in config["rule_files"])
    (job,) = config["scrape_configs"]
    (discovery,) = job["kubernetes_sd_configs"]
    namespace = of_kind(rendered, "Namespace")
    assert discovery["role"] == "pod" and discovery["namespaces"]["names"] == list(namespace)
    keep = [r for r in job["relabel_configs"] if r.get("action") == "keep"]
    assert keep == [{"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "regex": "true", "action": "keep"}]
    policies = of_kind(rendered, "NetworkPolicy")
    for name in [*SERVICES, "edge"]:
        template = of_kind(rendered, "Deployment")[name]["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        ports = {p["name"]: p["containerPort"] for p in template["spec"]["containers"][0]["ports"]}
        assert annotations["prometheus.io/scrape"] == "true"
        assert int(annotations["prometheus.io/port"]) == ports["metrics"]
        assert annotations["prometheus.io/path"] == ("/stats/prometheus" if name == "edge" else "/metrics")
        monitoring = {
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "ports": [{"protocol": "TCP", "port": ports["metrics"]}],
        }
        assert monitoring in policies[name]["spec"]["ingress"], name
