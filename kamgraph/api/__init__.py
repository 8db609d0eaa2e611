"""GraphQL building blocks shared by the core and every plugin.

A plugin author needs: :class:`Connection` and :func:`list_connection` / :func:`child_connection` for
lists, the operator inputs of :mod:`kamgraph.api.filters`, :class:`UserError` and :func:`write` for
mutations, and :func:`context` to reach the request's actor, loaders and settings.
"""

from kamgraph.api.connections import (
    Connection,
    Edge,
    OrderDirection,
    PageInfo,
    child_connection,
    list_connection,
    order_input,
)
from kamgraph.api.context import Context, context
from kamgraph.api.enums import described_enum
from kamgraph.api.errors import RequestError, UserError, UserErrorCode
from kamgraph.api.mutations import mutation, mutation_field, payload_type, write
from kamgraph.api.nodes import Node, load_children, load_one

__all__ = [
    "Connection",
    "Context",
    "Edge",
    "Node",
    "OrderDirection",
    "PageInfo",
    "RequestError",
    "UserError",
    "UserErrorCode",
    "child_connection",
    "context",
    "described_enum",
    "list_connection",
    "load_children",
    "load_one",
    "order_input",
    "mutation",
    "mutation_field",
    "payload_type",
    "write",
]
