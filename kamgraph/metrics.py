"""Prometheus metrics at ``GET /metrics``, through ``prometheus_client`` (docs/operations.md "Metrics").

The core's metrics are defined here and counted where things happen: requests and their errors by the
schema extension :class:`RequestMetrics`, SQL statements by ``kamgraph.db.instrument``, webhook deliveries,
job runs and open subscriptions by their modules. The webhook backlog is read from the database at each
scrape. Plugins define their own with ``prometheus_client`` as usual (they join the default registry), or
return collectors from ``register_metrics``.

With ``kamgraph serve --workers N`` the workers share their counts through prometheus_client's
multi-process mode (``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` sets up), so any worker answers for all.

``/metrics`` is open in development; with ``KAMGRAPH_METRICS_TOKEN`` set it asks for
``Authorization: Bearer <token>``; in production without a token it is not served at all.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import SchemaExtension

from kamgraph.logs import actor_id
from kamgraph.settings import Settings

request_log = logging.getLogger("kamgraph.request")

REQUESTS = Counter("kamgraph_requests", "GraphQL operations, by operation type and name", ["type", "operation"])
REQUEST_SECONDS = Histogram(
    "kamgraph_request_duration_seconds",
    "Time to answer a query or mutation, by operation type",
    ["type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter("kamgraph_errors", "Top-level errors in responses, by extensions.code", ["code"])
STATEMENTS = Histogram(
    "kamgraph_db_statement_duration_seconds",
    "SQL statements sent to the database and their time (the _count is the number of statements)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
)
WEBHOOK_DELIVERIES = Counter(
    "kamgraph_webhook_deliveries", "Webhook delivery attempts, by outcome (delivered, retry, failed)", ["outcome"]
)
JOB_RUNS = Counter("kamgraph_job_runs", "Scheduled job runs, by job and status", ["job", "status"])
SUBSCRIPTIONS = Gauge("kamgraph_subscriptions", "Open event subscriptions", multiprocess_mode="livesum")


@contextlib.contextmanager
def open_subscription() -> Iterator[None]:
    """Counts a subscription while it is open."""
    SUBSCRIPTIONS.inc()
    try:
        yield
    finally:
        SUBSCRIPTIONS.dec()


#: distinct operation names kept as labels; any further name, or an odd one, is counted as "other"
OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The operation name as a label: clients choose names, so their number is bounded."""
    if not name:
        return ""
    if name in _names:
        return name
    if _NAME.fullmatch(name) and len(_names) < OPERATION_NAMES:
        _names.add(name)
        return name
    return "other"


class RequestMetrics(SchemaExtension):
    """Counts each operation, its time and its errors' codes, as the caller received them (outermost)."""

    def on_operation(self) -> Iterator[None]:
        start = perf_counter()
        try:
            yield
        except GraphQLError as error:  # refused before execution (a parse error, a limit)
            self._record(start, [error])
            raise
        result = self.execution_context.result
        self._record(start, result.errors if result else None)

    def _record(self, start: float, errors: Iterable[GraphQLError] | None) -> None:
        execution = self.execution_context
        kind, name = "unknown", execution.operation_name
        document = execution.graphql_document
        if document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
            if chosen:
                kind = chosen[0].operation.value
                name = name or (chosen[0].name.value if chosen[0].name else None)
        seconds = perf_counter() - start
        REQUESTS.labels(kind, operation_label(name)).inc()
        if kind != "subscription":  # a subscription's time is how long it stayed open
            REQUEST_SECONDS.labels(kind).observe(seconds)
        codes = [str((error.extensions or {}).get("code") or "UNKNOWN") for error in errors or ()]
        for code in codes:
            ERRORS.labels(code).inc()
        if not request_log.isEnabledFor(logging.INFO):
            return
        context = execution.context
        fields = {
            "request_id": getattr(context, "request_id", None),
            "client_request_id": getattr(context, "client_request_id", None),
            "operation_type": kind,
            "operation": name,
            "duration_ms": round(seconds * 1000, 1),
            "outcome": ",".join(sorted(set(codes))) or "ok",
            "actor": actor_id(getattr(context, "actor", None)),
        }
        request_log.info(
            "%s %s: %s in %.1f ms (request %s, %s)",
            kind,
            name or "-",
            fields["outcome"],
            fields["duration_ms"],
            fields["request_id"],
            fields["actor"],
            extra=fields,
        )


class _Everything:
    """The process's own registry, for a scrape outside multi-process mode."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class _Backlog:
    """The webhook backlog as read from the database for this scrape."""

    def __init__(self, pending: int, oldest_seconds: float) -> None:
        self.pending, self.oldest_seconds = pending, oldest_seconds

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "kamgraph_webhook_backlog", "Webhook deliveries not yet delivered nor given up", value=self.pending
        )
        yield GaugeMetricFamily(
            "kamgraph_outbox_lag_seconds",
            "Age of the oldest event still waiting for a webhook delivery (0 when none waits)",
            value=self.oldest_seconds,
        )


async def _backlog() -> _Backlog | None:
    """None when the database does not answer: the process's own numbers are still worth scraping."""
    from kamgraph.db import db

    try:
        _, rows = await db().execute_query(
            "SELECT COUNT(*) AS pending, MIN(e.occurred_at) AS oldest FROM webhook_delivery d"
            " JOIN outbox_event e ON e.id = d.event_id WHERE d.status = 'pending'"
        )
    except Exception:  # reported by /readyz; a scrape should not fail for it
        return None
    pending, oldest = rows[0]["pending"], rows[0]["oldest"]
    if isinstance(oldest, str):  # SQLite returns the stored text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    lag = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return _Backlog(int(pending or 0), max(lag, 0.0))


def serves_metrics(settings: Settings) -> bool:
    """Open in development; in production only behind ``KAMGRAPH_METRICS_TOKEN``."""
    return bool(settings.metrics_token) or not settings.production


async def endpoint(request: Request) -> Response:
    """``GET /metrics``: the Prometheus text format."""
    settings: Settings = request.app.state.settings
    if settings.metrics_token:
        presented = request.headers.get("authorization", "").partition(" ")[2].strip()
        if not hmac.compare_digest(presented.encode(), settings.metrics_token.encode()):
            refusal = {
                "message": "send Authorization: Bearer <KAMGRAPH_METRICS_TOKEN>",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
            return JSONResponse({"errors": [refusal]}, status_code=401)
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Everything())  # type: ignore[arg-type]
    if (backlog := await _backlog()) is not None:
        registry.register(backlog)  # type: ignore[arg-type]
    for collector in request.app.state.metric_collectors:
        registry.register(collector)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def collectors(pm: Any) -> list[Any]:
    """The collectors plugins return from ``register_metrics``."""
    return [collector for _, found in pm.collect("register_metrics") for collector in found]
