"""OpenTelemetry tracing, on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set and the ``otel`` extra is installed
(``pip install 'kamgraph[otel]'``); otherwise nothing is imported and nothing is wrapped.

Spans: one per GraphQL operation (continuing the caller's ``traceparent``), parsing and validation, each
resolver that is not a plain attribute (the fast path resolves a whole list in one), each SQL statement,
and each job run. Spans carry names, ids and SQL with its placeholders: never a query's text, an argument's
value, a token. The exporter is OTLP over HTTP, configured by the standard ``OTEL_*`` variables
(``OTEL_SERVICE_NAME`` defaults to ``kamgraph``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("kamgraph")

#: the tracer while tracing is on; the statement wrapper and the job runner look here first
tracer: Any = None
_provider: Any = None


def enabled() -> bool:
    return tracer is not None


def start(exporter: Any = None) -> bool:
    """Start tracing if the environment asks for it (or an ``exporter`` is given, as tests do); idempotent.
    Returns whether tracing is on."""
    global tracer, _provider
    if tracer is not None:
        return True
    if exporter is None and not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError:
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: pip install 'kamgraph[otel]'"
        )
        return False
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "kamgraph")})
    _provider = TracerProvider(resource=resource)
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        _provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = _provider.get_tracer("kamgraph")  # not the global provider: tests start and stop tracing
    return True


def provider() -> Any:
    return _provider


def stop() -> None:
    """Send what is buffered and stop (the app's shutdown)."""
    global tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    tracer, _provider = None, None


@contextlib.contextmanager
def span(name: str, **attributes: Any) -> Iterator[None]:
    """A span when tracing is on; nothing otherwise."""
    if tracer is None:
        yield
        return
    with tracer.start_as_current_span(name, attributes=attributes):
        yield


def extensions() -> list[Any]:
    """The schema extension that traces operations and resolvers, when tracing is on."""
    if tracer is None:
        return []
    from kamgraph.api.tracing import TraceOperations

    return [TraceOperations]
