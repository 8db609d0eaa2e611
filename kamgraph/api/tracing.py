"""The schema extension that traces GraphQL operations when tracing is on (``kamgraph.tracing``).

strawberry's OpenTelemetry extension, less what must not leave the server: the query's text and the
resolvers' arguments (a login's password, a phone number). The operation continues the caller's trace
(``traceparent``) and carries the request id that the response's ``X-Request-Id`` names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from strawberry.extensions import LifecycleStep
from strawberry.extensions.tracing import OpenTelemetryExtension

from kamgraph import tracing


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}


class TraceOperations(OpenTelemetryExtension):
    def __init__(self, *, execution_context: Any = None) -> None:
        super().__init__(
            execution_context=execution_context, arg_filter=_no_arguments, tracer_provider=tracing.provider()
        )

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        request = getattr(context, "request", None)
        parent = propagate.extract(dict(request.headers)) if request is not None else None
        name = self.execution_context.operation_name
        operation = self._tracer.start_span(
            f"GraphQL Query: {name}" if name else "GraphQL Query", kind=SpanKind.SERVER, context=parent
        )
        operation.set_attribute("component", "graphql")
        operation.set_attribute("kamgraph.request_id", getattr(context, "request_id", ""))
        self._span_holder[LifecycleStep.OPERATION] = operation
        yield
        chosen = self.execution_context.operation_name
        if not name and chosen:
            operation.update_name(f"GraphQL Query: {chosen}")
        result = self.execution_context.result
        if result and result.errors:
            codes = sorted({str((e.extensions or {}).get("code", "")) for e in result.errors})
            operation.set_attribute("kamgraph.error_codes", codes)
        operation.end()
