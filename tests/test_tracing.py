"""OpenTelemetry spans for operations, resolvers, SQL statements and jobs, continuing the caller's trace,
exported over OTLP; with no endpoint configured, tracing is off and costs nothing."""

from __future__ import annotations

import http.server
import threading
import time

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from kamgraph import tracing
from kamgraph.app import create_app
from kamgraph.jobs import JobRunner
from kamgraph.security.actors import SYSTEM_ACTOR

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
LOGIN = 'mutation { login(input: {email: "nobody@example.com", password: "hunter2-secret"}) { token } }'


@pytest.fixture
def traced(settings, pm):
    exporter = InMemorySpanExporter()
    assert tracing.start(exporter=exporter)
    try:
        yield create_app(settings, pm), exporter
    finally:
        tracing.stop()


async def test_operations_resolvers_statements_and_jobs_are_spans_of_the_callers_trace(
    traced, gql, pm, settings, actor_switch, monkeypatch
):
    app, exporter = traced
    monkeypatch.setattr(actor_switch, "actor", SYSTEM_ACTOR)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as http:
        answer = await http.post(
            "/graphql",
            json={"query": "query Portfolio { accounts { totalCount } me { name } }"},
            headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
        )
        await http.post("/graphql", json={"query": LOGIN})
    await JobRunner(pm, settings).run("kam_testplugin.tally_notes")
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    operation = next(s for s in spans if s.name == "GraphQL Query: Portfolio")
    assert format(operation.context.trace_id, "032x") == TRACE_ID  # the caller's trace goes on
    assert operation.attributes["kamgraph.request_id"] == answer.headers["x-request-id"]
    assert "GraphQL Parsing" in names and "GraphQL Validation" in names
    assert any(n.startswith("GraphQL Resolving: ") for n in names)
    statements = [s for s in spans if s.name.startswith("SQL ")]
    assert statements and all("db.statement" in s.attributes and "db.system" in s.attributes for s in statements)
    assert "job kam_testplugin.tally_notes" in names
    everything = repr([(s.name, dict(s.attributes)) for s in spans])
    assert "hunter2-secret" not in everything and "totalCount" not in everything  # no values, no query text


def test_without_an_endpoint_tracing_is_off(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert not tracing.start() and not tracing.enabled() and tracing.extensions() == []
    with tracing.span("nothing"):
        pass


class Collector(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Collector.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.mark.slow
def test_a_server_exports_its_spans_over_otlp(tmp_path):
    from live_server import demo_server, login
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    collector = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{collector.server_address[1]}"

    def exported() -> list:
        return [ExportTraceServiceRequest.FromString(body) for _, _, body in Collector.received]

    def names() -> set[str]:
        return {
            span.name
            for request in exported()
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        }

    try:
        with demo_server(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_BSP_SCHEDULE_DELAY="100") as (base, _):
            login(base, "ka-director@demo.kamgraph")
            deadline = time.monotonic() + 20
            while "GraphQL Query" not in names() and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        collector.shutdown()
    assert {(path, kind) for path, kind, _ in Collector.received} == {("/v1/traces", "application/x-protobuf")}
    assert "GraphQL Query" in names() and "SQL SELECT" in names()
    services = {
        attribute.value.string_value
        for request in exported()
        for resource in request.resource_spans
        for attribute in resource.resource.attributes
        if attribute.key == "service.name"
    }
    assert services == {"kamgraph"}
