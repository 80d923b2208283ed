"""Prometheus metrics of a service, served at http://<host>:<metrics port>/metrics.

- RPCs: counts by method and status code and latencies, recorded by the interceptor;
- the database pool: size, connections in use and requests waiting for one, read from the
  pool when Prometheus scrapes (nothing on the request path);
- the domain's own counters and histograms, defined next to the code that counts them
  (`counter`, `histogram` below): baraba_ledger_journal_entries_total,
  baraba_ledger_create_batch_size, baraba_vies_answers_total, baraba_vies_remote_calls_total,
  baraba_scanner_pages_total, baraba_vat_returns_written_total.

Every series carries the `service` label, added at scrape time rather than on each update,
so the hot path only increments a counter it already holds.
"""

from typing import cast

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import QueuePool
from sqlalchemy.ext.asyncio import AsyncEngine

# The *_created timestamp series double what Prometheus stores and nothing here reads them.
disable_created_metrics()

RPCS = Counter("baraba_rpc_total", "RPCs served, by method and status code", ["method", "code"])
LATENCY = Histogram(
    "baraba_rpc_duration_seconds",
    "Time to serve an RPC",
    ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


_children: dict[tuple[str, str], tuple] = {}


def observe(method: str, code: str, seconds: float) -> None:
    # The labelled series, looked up once per method and code: labels() takes a lock and
    # builds a key on every call.
    if (series := _children.get((method, code))) is None:
        series = _children[method, code] = (RPCS.labels(method, code), LATENCY.labels(method))
    series[0].inc()
    series[1].observe(seconds)


def counter(name: str, documentation: str, label: str | None = None, values: tuple[str, ...] = ()) -> Counter:
    """A domain counter. With a label, every one of its `values` is exported from the start
    (at 0), so dashboards and alerts find the series before the first event."""
    if label is None:
        return Counter(name, documentation)
    made = Counter(name, documentation, [label])
    for value in values:
        made.labels(value)
    return made


def histogram(name: str, documentation: str, buckets: tuple[float, ...]) -> Histogram:
    """A domain histogram (a distribution the domain observes, such as how many creates one
    statement carried)."""
    return Histogram(name, documentation, buckets=buckets)


class _PoolCollector(Collector):
    """Reads the connection pools of the service's engines (one in practice) at scrape time."""

    def __init__(self):
        self.engines: list[AsyncEngine] = []

    def collect(self):
        pools = [cast(QueuePool, engine.sync_engine.pool) for engine in self.engines]  # create_engine's fixed pools
        yield GaugeMetricFamily("baraba_db_pool_size", "Connections the database pool may hold", sum(p.size() for p in pools))
        yield GaugeMetricFamily("baraba_db_pool_in_use", "Database connections checked out by requests", sum(p.checkedout() for p in pools))
        yield GaugeMetricFamily("baraba_db_pool_waiting", "Requests waiting for a database connection", sum(pool_waiting(p) for p in pools))


def pool_waiting(pool) -> int:
    """Checkouts blocked on an exhausted pool: the waiters of the asyncio queue behind
    SQLAlchemy's async queue pool (created on first use, so absent means none)."""
    queue = vars(getattr(pool, "_pool", None) or object()).get("_queue")
    return len(getattr(queue, "_getters", ()) or ())


_POOLS = _PoolCollector()
REGISTRY.register(_POOLS)


def watch_pool(engine: AsyncEngine) -> None:
    _POOLS.engines.append(engine)


class _ServiceLabelled(Collector):
    """Every metric of the process, each sample with service="<name>" added."""

    def __init__(self, service: str):
        self.service = service

    def collect(self):
        for metric in REGISTRY.collect():
            metric.samples = [s._replace(labels={**s.labels, "service": self.service}) for s in metric.samples]
            yield metric


def registry(service: str) -> CollectorRegistry:
    """What /metrics exposes for `service`."""
    labelled = CollectorRegistry(auto_describe=False)
    labelled.register(_ServiceLabelled(service))
    return labelled


def serve(port: int, service: str, host: str = "127.0.0.1") -> None:
    """Starts the /metrics endpoint on a background thread, on `host` (the service's own listen
    host: 127.0.0.1 unless BARABA_LISTEN_ADDR opens it, as in containers)."""
    start_http_server(port, addr=host, registry=registry(service))
