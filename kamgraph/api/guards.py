"""Schema extensions that guard every operation: authentication first, the audit of sensitive reads last."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from kamgraph.api.internals import provided_operation_name
from kamgraph.security.audit import store

#: root fields open to a caller without a token; introspection only outside production
PUBLIC_FIELDS = frozenset({"login", "__typename"})
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def root_fields(operation: OperationDefinitionNode, fragments: dict) -> Iterator[str]:
    def walk(selection_set: SelectionSetNode) -> Iterator[str]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                yield from walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                yield from walk(fragments[selection.name.value].selection_set)

    yield from walk(operation.selection_set)


class NameTheOperation(SchemaExtension):
    """A document with several operations runs the one ``operationName`` names (GraphQL over HTTP); without
    a name it is refused, never run as its first operation: every guard must judge the operation that runs."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.result is None and provided_operation_name(execution) is None:
            names = [
                d.name.value if d.name else "(anonymous)"
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
            ]
            if len(names) > 1:
                message = f"the document has {len(names)} operations ({', '.join(names)}): name the one to run in operationName"
                error = GraphQLError(message, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
                execution.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


class RequireAuthentication(SchemaExtension):
    """Without an actor, refuse the whole operation before any resolver runs, unless it only logs in."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if getattr(context, "actor", None) is None:
            document = execution.graphql_document
            operation = next(
                (
                    d
                    for d in document.definitions
                    if isinstance(d, OperationDefinitionNode)
                    and (execution.operation_name is None or (d.name and d.name.value == execution.operation_name))
                ),
                None,
            )
            fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
            allowed = PUBLIC_FIELDS | (frozenset() if context.settings.production else INTROSPECTION_FIELDS)
            if operation is None or not set(root_fields(operation, fragments)) <= allowed:
                execution.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            "Authentication required: send Authorization: Bearer <token>; get a token with the login mutation.",
                            extensions={"code": "UNAUTHENTICATED"},
                        )
                    ],
                )
        yield


class SubscriptionsOnlyOverWebSocket(SchemaExtension):
    """Queries and mutations go over HTTP, where rate limits and Idempotency-Key apply; a WebSocket
    connection carries subscriptions only."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        request = getattr(execution.context, "request", None)
        if isinstance(request, WebSocket) and execution.operation_type is not OperationType.SUBSCRIPTION:
            execution.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "only subscriptions go over WebSocket; send queries and mutations to POST /graphql",
                        extensions={"code": "BAD_REQUEST"},
                    )
                ],
            )
        yield


class AuditSensitiveReads(SchemaExtension):
    """When an operation ends, store one audit record per object whose sensitive values it returned.

    If the audit cannot be written, the data is not returned either: the result becomes an error
    (masked as INTERNAL by ``MaskUnexpectedErrors``, which runs after this).
    """

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        reads = getattr(context, "reads", None)
        if not reads or not reads.reads:
            return
        write = context.read_audit.store if getattr(context, "read_audit", None) else store
        try:
            await write(await reads.entries(), context.actor, context.request_id, execution.operation_name)
        except Exception as exc:  # noqa: BLE001 - any failure withholds the data
            # changed in place: strawberry answers with the result object its execution made, not with
            # whatever an extension assigns to execution_context.result after it
            execution.result.data = None
            execution.result.errors = [GraphQLError("audit failed", original_error=exc)]
        finally:
            reads.reads.clear()
