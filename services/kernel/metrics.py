"""Prometheus metrics of a service: RPC counts by code and RPC latencies, recorded by the
interceptor for every RPC and served at http://<host>:<metrics port>/metrics."""

from prometheus_client import Counter, Histogram, start_http_server

RPCS = Counter("baraba_rpc_total", "RPCs served, by method and status code", ["method", "code"])
LATENCY = Histogram(
    "baraba_rpc_duration_seconds",
    "Time to serve an RPC",
    ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe(method: str, code: str, seconds: float) -> None:
    RPCS.labels(method, code).inc()
    LATENCY.labels(method).observe(seconds)


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Starts the /metrics endpoint on a background thread, on `host` (the service's own listen
    host: 127.0.0.1 unless BARABA_LISTEN_ADDR opens it, as in containers)."""
    start_http_server(port, addr=host)
