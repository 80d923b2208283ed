"""Distributed tracing with OpenTelemetry, off unless an OTLP endpoint is configured:

BARABA_OTLP_ENDPOINT (or the standard OTEL_EXPORTER_OTLP_ENDPOINT)  an OTLP/gRPC collector,
    e.g. http://otel-collector:4317 (http:// for plaintext, https:// for TLS)

When on, every RPC a service serves and every call it makes to another service is a span,
the trace context travels in the gRPC metadata (W3C traceparent), spans are exported in
batches, and each JSON log line written while serving carries `trace_id` beside `request_id`.
When off, nothing of OpenTelemetry is even imported: the interceptor lists are empty.
"""

import logging

from services.kernel import logs
from services.kernel.settings import env

log = logging.getLogger(__name__)

_provider = None  # the SDK's TracerProvider while tracing is on


def endpoint() -> str | None:
    return env("BARABA_OTLP_ENDPOINT") or env("OTEL_EXPORTER_OTLP_ENDPOINT")


def setup(service: str) -> bool:
    """Turns tracing on for this process if an endpoint is configured; says whether it did."""
    global _provider
    url = endpoint()
    if url is None:
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    _provider = TracerProvider(resource=Resource.create({"service.name": service, "service.namespace": "baraba"}))
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url)))
    trace.set_tracer_provider(_provider)
    logs.trace_id = _current_trace_id
    log.info("tracing to %s", url)
    return True


def server_interceptors() -> list:
    """Opens a span per RPC served (health checks excepted: they are noise every 2 s)."""
    if _provider is None:
        return []
    from opentelemetry.instrumentation.grpc import aio_server_interceptor, filters

    return [aio_server_interceptor(tracer_provider=_provider, filter_=filters.negate(filters.health_check()))]


def client_interceptors() -> list:
    """Opens a span per call to another service and passes the trace context on."""
    if _provider is None:
        return []
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    return aio_client_interceptors(tracer_provider=_provider)


def tag_request(request_id: str) -> None:
    """Puts the request id on the span of the RPC being served, so a trace finds the logs."""
    if _provider is not None:
        from opentelemetry import trace

        trace.get_current_span().set_attribute("baraba.request_id", request_id)


def shutdown() -> None:
    """Sends the spans still buffered (at a graceful stop)."""
    if _provider is not None:
        _provider.shutdown()


def _current_trace_id() -> str:
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""
