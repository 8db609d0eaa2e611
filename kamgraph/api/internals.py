"""Every use kamgraph makes of strawberry's and graphql-core's internals, in one module.

Each function names what it relies on: a private attribute, a key strawberry keeps in graphql-core's
``extensions``, or a function outside either library's documented API. Upgrading strawberry-graphql
(pinned to 0.341) or graphql-core starts here; the tests that fail when an assumption breaks are
tests/core/test_fastpath.py, tests/plugins/test_plugin_fastpath.py (the fast path answers like plain
strawberry), tests/plugins/test_startup_checks.py (mutations, names) and tests/plugins/test_node_declaration.py.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from cross_web import HTTPException  # what strawberry's HTTP views raise for a request they cannot read
from graphql import FieldNode, GraphQLField, GraphQLResolveInfo, GraphQLSchema
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values, get_variable_values
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as ExecutionContext
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition
from strawberry.types.field import StrawberryField

__all__ = [
    "ExecutionContext",
    "HTTPException",
    "VariableValues",
    "add_field",
    "argument_values",
    "coerced_variables",
    "core_schema",
    "declared_field",
    "declared_type",
    "describe_enum_values",
    "enum_name",
    "get_directive_values",
    "object_definition",
    "provided_operation_name",
    "raw_info",
]

#: strawberry keeps its own definition of each type and field under this key of the graphql-core object's
#: ``extensions`` (strawberry/schema/schema_converter.py); it is how a built field leads back to its factory
_DEFINITION = "strawberry-definition"


def core_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema a strawberry ``Schema`` built (its private ``_schema``): the types and fields
    exactly as clients see them, names converted."""
    return schema._schema


def declared_field(field: GraphQLField) -> StrawberryField | None:
    """The strawberry field a graphql-core field was built from, with its resolver and ``metadata``; None for
    a field graphql-core made itself."""
    return (field.extensions or {}).get(_DEFINITION)


def declared_type(graphql_type: Any) -> StrawberryObjectDefinition | None:
    """The strawberry definition of a built object type (its Python class is ``.origin``); None otherwise."""
    definition = (getattr(graphql_type, "extensions", None) or {}).get(_DEFINITION)
    return definition if isinstance(definition, StrawberryObjectDefinition) else None


def object_definition(cls: Any, strict: bool = True) -> StrawberryObjectDefinition | None:
    """The definition ``@strawberry.type`` attached to ``cls`` (None for another class, unless ``strict``). Its
    ``fields`` list is what the schema is built from, read when the schema is built: appending a field to it
    before then adds the field (type extensions)."""
    return get_object_definition(cls, strict=strict)


def add_field(cls: type, field: StrawberryField) -> None:
    """Add ``field`` to the strawberry type ``cls`` before the schema is built (a plugin's field on another's
    type): appended to its definition's ``fields``, with ``origin`` (the class strawberry resolves it on) set."""
    field.origin = cls
    object_definition(cls).fields.append(field)


def describe_enum_values(enum_type: type[Enum], descriptions: dict[str, str]) -> None:
    """Give each value of an Enum wrapped by ``strawberry.enum`` its description: strawberry reads value
    descriptions only from ``strawberry.enum_value`` members, which a stored (tortoise) enum cannot have, so
    they are set on the ``values`` of its ``__strawberry_definition__`` before the schema is built."""
    definition = enum_type.__strawberry_definition__  # type: ignore[attr-defined]
    definition.values = [
        dataclasses.replace(value, description=descriptions[value.name]) for value in definition.values
    ]


def provided_operation_name(execution: Any) -> str | None:
    """The operationName the request sent: strawberry's ``operation_name`` falls back to the document's first
    operation (and runs it), so only its private ``_provided_operation_name`` tells that none was sent."""
    return execution._provided_operation_name


def enum_name(enum_type: type[Enum]) -> str | None:
    """The GraphQL name of an Enum wrapped by ``strawberry.enum`` (its ``__strawberry_definition__``); None
    when it is not wrapped."""
    definition = getattr(enum_type, "__strawberry_definition__", None)
    return None if definition is None else definition.name


def coerced_variables(schema: GraphQLSchema, operation: Any, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The operation's variables as execution will see them: coerced to their types, defaults applied
    (graphql-core's ``get_variable_values``, whose result is a ``VariableValues`` pair in this version); None
    when they do not coerce, which execution then reports as BAD_USER_INPUT."""
    found = get_variable_values(schema, operation.variable_definitions or (), inputs or {}, max_errors=1)
    return None if isinstance(found, list) else found.coerced


def raw_info(info: Any) -> GraphQLResolveInfo:
    """graphql-core's resolve info behind strawberry's ``Info`` (its private ``_raw_info``): the field nodes,
    the return type and the coerced variables, which the fast path plans from."""
    return info._raw_info


def argument_values(schema: Any, field: GraphQLField, node: FieldNode, variables: VariableValues) -> dict[str, Any]:
    """A field's arguments as its resolver would get them: graphql-core's ``get_argument_values`` (coercion and
    variables), then strawberry's ``convert_arguments`` (inputs to their classes, scalars by the schema's
    registry, which strawberry keeps on ``schema.schema_converter``)."""
    raw = get_argument_values(field, node, variables)
    declared = declared_field(field)
    if not raw or declared is None:
        return {}
    return convert_arguments(
        raw, declared.arguments, scalar_registry=schema.schema_converter.scalar_registry, config=schema.config
    )
