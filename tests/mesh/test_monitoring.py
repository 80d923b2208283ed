"""Monitoring: what each service exports at /metrics (service label, database pool, the
domain's counters), and deploy/prometheus + deploy/grafana checked against a running mesh:
the files are well formed, every query parses as PromQL, and every metric a query names is
exported by a service, the edge or the launcher."""

import asyncio
import json
import re
import uuid
from pathlib import Path

import httpx
import promql_parser
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from services.kernel import db, metrics
from services.kernel.settings import database_on
from services.mesh.launcher import Mesh, drop_databases
from tests.support.ledger import accounts_by_code, create_company, purchase_invoice
from tests.support.vies import new_bg_number

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "baraba-mesh.json"
# Series Prometheus makes itself rather than scraping.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
SEVERITIES = {"critical", "warning"}


def fetch(url: str) -> str:
    reply = httpx.get(url, timeout=10)
    assert reply.status_code == 200, url
    return reply.text


def service_metrics(mesh: Mesh, service: str) -> dict[str, list]:
    """sample name -> its samples, from one service's /metrics."""
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(fetch(f"http://127.0.0.1:{mesh.ports[f'{service}_metrics']}/metrics")):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def series_names(text: str) -> set[str]:
    """The series names of an exposition as written (a parser would add _total to Envoy's
    counters, which Prometheus itself does not)."""
    return {match.group(0) for match in re.finditer(r"(?m)^[a-zA-Z_:][a-zA-Z0-9_:]*", text)}


def value(samples: dict[str, list], name: str, **labels) -> float:
    return sum(s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items()))


def exported_names(mesh: Mesh) -> set[str]:
    """Every series name the running mesh exports: the services, the edge and the launcher."""
    urls = [f"http://127.0.0.1:{mesh.ports[f'{service}_metrics']}/metrics" for service in mesh.services]
    urls.append(f"http://127.0.0.1:{mesh.ports['edge_admin']}/stats/prometheus")
    urls.append(f"http://127.0.0.1:{mesh.ports['launcher_metrics']}/metrics")
    return set().union(*(series_names(fetch(url)) for url in urls))


def metric_names(query: str) -> set[str]:
    """The metric names a PromQL query selects (it must parse)."""
    names: set[str] = set()

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            names.add(str(node.name))

    promql_parser.walk(promql_parser.parse(query), visit)
    return names


def grafana_to_promql(expr: str) -> str:
    """Grafana's template variables replaced by what they stand for at query time."""
    return expr.replace("$__rate_interval", "5m").replace("$service", ".*")


# --- what the services export ---------------------------------------------------------------


def test_every_series_of_a_service_carries_its_name_and_its_pool(mesh):
    for service in mesh.services:
        samples = service_metrics(mesh, service)
        assert {s.labels.get("service") for series in samples.values() for s in series} == {service}
        assert value(samples, "baraba_db_pool_size") >= 1, service
        assert 0 <= value(samples, "baraba_db_pool_in_use") <= value(samples, "baraba_db_pool_size")
        assert value(samples, "baraba_db_pool_waiting") == 0


def test_each_service_exports_its_own_domain_counters_from_the_start(mesh):
    own: dict[str, dict[tuple[str, str | None], set[str | None]]] = {
        "ledger": {("baraba_ledger_journal_entries_total", "event"): {"created", "posted"}},
        "vies": {
            ("baraba_vies_answers_total", "source"): {"remote", "cache", "stale"},
            ("baraba_vies_remote_calls_total", "outcome"): {"answered", "unavailable"},
        },
        "scanner": {("baraba_scanner_pages_total", "method"): {"text", "ocr", "azure"}},
        "vat": {("baraba_vat_returns_written_total", None): {None}},
    }
    for service in mesh.services:
        samples = service_metrics(mesh, service)
        for (name, label), values in own.get(service, {}).items():
            assert {s.labels.get(label) for s in samples[name]} == values, (service, name)
        strangers = {name for other, counters in own.items() if other != service for name, _ in counters}
        assert not strangers & set(samples), service


def test_the_ledger_counts_entries_it_creates_and_posts_but_not_replays(mesh, http, admin):
    company = create_company(http, admin)
    accounts = accounts_by_code(http, admin, company["id"])
    before = service_metrics(mesh, "ledger")
    request_id = str(uuid.uuid4())
    path = f"/api/companies/{company['id']}/journal-entries"
    created = [
        http.post(path, headers=admin, json={"journal_entry": purchase_invoice(accounts), "request_id": request_id}) for _ in range(2)
    ]
    assert [r.status_code for r in created] == [200, 200]
    assert created[0].json()["id"] == created[1].json()["id"]
    posted = http.post(f"{path}/{created[0].json()['id']}/post", headers=admin, json={})
    assert posted.status_code == 200, posted.text
    again = http.post(f"{path}/{created[0].json()['id']}/post", headers=admin, json={})
    assert again.status_code == 400  # already posted: not counted twice
    after = service_metrics(mesh, "ledger")
    for event, grew in (("created", 1), ("posted", 1)):
        name = "baraba_ledger_journal_entries_total"
        assert value(after, name, event=event) - value(before, name, event=event) == grew, event


def test_vies_counts_remote_calls_cache_hits_and_stale_answers(mesh, http, admin, vies_standin):
    number = new_bg_number()
    before = service_metrics(mesh, "vies")
    assert http.get(f"/api/vies/validate/{number}", headers=admin).json()["cached"] is False
    assert http.get(f"/api/vies/validate/{number}", headers=admin).json()["cached"] is True
    after = service_metrics(mesh, "vies")

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("baraba_vies_answers_total", source="remote") == 1
    assert grew("baraba_vies_answers_total", source="cache") == 1
    assert grew("baraba_vies_remote_calls_total", outcome="answered") == 1
    assert grew("baraba_vies_answers_total", source="stale") == 0


async def test_the_pool_gauge_counts_requests_waiting_for_a_connection(database_server):
    name = f"baraba_scratch_{uuid.uuid4().hex[:8]}_pool"
    engine = db.create_engine(database_on(database_server, name), pool_size=1)
    await db.ensure_database(database_on(database_server, name))
    try:
        async with engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            waiter = asyncio.create_task(_one_query(engine))
            for _ in range(50):  # until the second checkout blocks on the empty pool
                if metrics.pool_waiting(engine.sync_engine.pool):
                    break
                await asyncio.sleep(0.05)
            exported = {s.name: s.value for family in metrics.registry("test").collect() for s in family.samples}
            assert exported["baraba_db_pool_in_use"] >= 1  # this engine's one connection, plus any other engine's
            assert exported["baraba_db_pool_waiting"] == 1
            assert metrics.pool_waiting(engine.sync_engine.pool) == 1
        await asyncio.wait_for(waiter, 5)
        assert metrics.pool_waiting(engine.sync_engine.pool) == 0
    finally:
        await engine.dispose()
        await drop_databases(database_server, [name])


async def _one_query(engine) -> None:
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")


# --- deploy/prometheus and deploy/grafana ---------------------------------------------------


def test_the_scrape_config_covers_every_service_the_edge_and_the_launcher():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert set(config) <= {"global", "rule_files", "scrape_configs", "alerting"}
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS / rule_file).is_file(), rule_file
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert len(jobs) == len(config["scrape_configs"]), "job names must be unique"
    for job in jobs.values():
        assert set(job) <= {"job_name", "metrics_path", "static_configs", "scrape_interval"}, job
        for group in job["static_configs"]:
            assert all(re.fullmatch(r"[\w.-]+:\d+", target) for target in group["targets"]), group
    targets = lambda job: [t for group in jobs[job]["static_configs"] for t in group["targets"]]  # noqa: E731
    from services.kernel.registry import DEFAULT_PORTS
    from services.mesh.launcher import SERVICES

    assert sorted(targets("baraba-services")) == sorted(f"127.0.0.1:{DEFAULT_PORTS[s] + 4000}" for s in SERVICES)
    assert jobs["baraba-edge"]["metrics_path"] == "/stats/prometheus"
    assert targets("baraba-edge") == ["127.0.0.1:9901"]
    assert targets("baraba-launcher") == ["127.0.0.1:9000"]


def alert_rules() -> list[dict]:
    document = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    assert set(document) == {"groups"}
    rules = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group.get("name")
        rules += group["rules"]
    return rules


def test_alert_rules_are_well_formed_promql():
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        if "for" in rule:
            promql_parser.parse_duration(rule["for"])
        assert metric_names(rule["expr"]), rule["alert"]  # parses, and selects something
    # What the operations section promises to alert on.
    wanted = {
        "baraba_rpc_total",
        "baraba_rpc_duration_seconds_bucket",
        "up",
        "baraba_db_pool_in_use",
        "baraba_db_pool_waiting",
        "baraba_process_restarts_total",
    }
    assert wanted <= set().union(*(metric_names(rule["expr"]) for rule in rules))


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    assert {"uid", "title", "panels", "schemaVersion", "templating"} <= set(dashboard)
    panels = dashboard["panels"]
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids))
    queries = []
    for panel in panels:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        if panel["type"] == "row":
            continue
        assert panel["type"] == "timeseries" and panel["title"] and panel["targets"], panel["title"]
        queries += [target["expr"] for target in panel["targets"]]
    queries += [
        v["definition"].removeprefix("label_values(").split(",")[0] for v in dashboard["templating"]["list"] if v["type"] == "query"
    ]
    return queries


def test_dashboard_panels_are_well_formed_promql():
    queries = dashboard_queries()
    assert len(queries) >= 10
    for query in queries:
        assert metric_names(grafana_to_promql(query)), query


@pytest.fixture(scope="module")
def exported(mesh, http, admin) -> set[str]:
    # Envoy creates a cluster's per-status series with its first request.
    assert http.get("/api/auth/me", headers=admin).status_code == 200
    return exported_names(mesh)


def test_every_metric_the_alerts_and_the_dashboard_query_is_exported(exported):
    queried = set().union(*(metric_names(rule["expr"]) for rule in alert_rules()))
    queried |= set().union(*(metric_names(grafana_to_promql(q)) for q in dashboard_queries()))
    assert queried - PROMETHEUS_OWN - exported == set()
