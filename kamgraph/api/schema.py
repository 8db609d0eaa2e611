"""Build the strawberry schema from what the enabled plugins register, refusing any name claimed twice.

The core is not special here: its root fields, types and extensions arrive through the same hooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.exceptions import DuplicatedTypeName
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.utils.str_converters import to_camel_case

from kamgraph import tracing
from kamgraph.api import conventions, scalars
from kamgraph.api.errors import MaskUnexpectedErrors
from kamgraph.api.fastpath import FastExecutionContext
from kamgraph.api.guards import (
    AuditSensitiveReads,
    NameTheOperation,
    RequireAuthentication,
    SubscriptionsOnlyOverWebSocket,
)
from kamgraph.api.internals import add_field, core_schema, declared_field, declared_type, object_definition
from kamgraph.api.limits import limit_extensions
from kamgraph.api.mutations import PERMISSION, field_naming_problem
from kamgraph.api.nodes import node_models
from kamgraph.metrics import RequestMetrics
from kamgraph.plugin_manager import PluginError, PluginManager, claim_unique
from kamgraph.security.permissions import Permissions
from kamgraph.settings import Settings

#: the fields each extended type had before any plugin added to it, so that schemas built one after
#: another (tests, different plugin sets) start from the same place.
_ORIGINAL_FIELDS: dict[type, list[StrawberryField]] = {}


def strawberry_name(field: StrawberryField) -> str:
    return to_camel_case(field.python_name)


def _apply_type_extensions(pm: PluginManager, types: Iterable[type], declared: list[tuple[str, Any]]) -> None:
    """Add plugins' fields to other plugins' types (e.g. ``Account.creditProfile``), and the child lists of
    declared node types (``declared``: (plugin, extensions) pairs)."""
    by_name = {object_definition(t).name: t for t in types}
    for cls, original in _ORIGINAL_FIELDS.items():  # undo the previous build's extensions
        object_definition(cls).fields[:] = original
    for plugin, extensions in [*pm.collect("register_type_extensions"), *declared]:
        for type_name, field in extensions:
            cls = by_name.get(type_name)
            if cls is None:
                raise PluginError(f"plugin {plugin!r} extends type {type_name!r}, which no enabled plugin defines")
            definition = object_definition(cls)
            _ORIGINAL_FIELDS.setdefault(cls, list(definition.fields))
            existing = {f.graphql_name or strawberry_name(f) for f in definition.fields}
            name = field.graphql_name or strawberry_name(field)
            if name in existing:
                raise PluginError(f"plugin {plugin!r} adds field {type_name}.{name}, which the type already has")
            add_field(cls, field)


def reachable_types(roots: Iterable[type]) -> list[type]:
    """Object types reachable from the given classes (for extension lookup by GraphQL name)."""
    seen: dict[type, None] = {}
    stack = list(roots)
    while stack:
        cls = stack.pop()
        definition = object_definition(cls, strict=False)
        if definition is None or cls in seen:
            continue
        seen[cls] = None
        for field in definition.fields:
            typ = field.type
            while isinstance(typ, StrawberryOptional | StrawberryList | LazyType):
                typ = typ.resolve_type() if isinstance(typ, LazyType) else typ.of_type
            if isinstance(typ, type):
                stack.append(typ)
    return list(seen)


class KamgraphSchema(strawberry.Schema):
    """strawberry's schema, minus its own error logging: ``MaskUnexpectedErrors`` logs each unexpected
    fault once, with the request id; client errors (malformed queries, user input) are not server faults."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(pm: PluginManager, settings: Settings | None = None) -> strawberry.Schema:
    """The GraphQL schema of the enabled plugins. Raises ``PluginError`` on any conflict."""
    settings = settings or Settings()
    types: dict[str, tuple[str, Any]] = {}
    nodes = [(plugin, node) for plugin, declared in pm.collect("register_nodes") for node in declared]
    registered = [*pm.collect("register_types"), *((plugin, [node.type]) for plugin, node in nodes)]
    for plugin, classes in registered:
        for cls in classes:
            claim_unique(types, object_definition(cls).name, plugin, cls, "GraphQL type")
    queries = [(plugin, cls) for plugin, classes in pm.collect("register_queries") for cls in classes]
    queries += [(plugin, node.queries) for plugin, node in nodes]
    mutations = [(plugin, cls) for plugin, classes in pm.collect("register_mutations") for cls in classes]
    subscriptions = [(plugin, cls) for plugin, classes in pm.collect("register_subscriptions") for cls in classes]
    _check_unique_fields("Query", queries)
    _check_unique_fields("Mutation", mutations)
    _check_unique_fields("Subscription", subscriptions)
    roots = [cls for _, cls in (*queries, *mutations, *subscriptions)] + [cls for _, cls in types.values()]
    _apply_type_extensions(pm, reachable_types(roots), [(plugin, node.extensions) for plugin, node in nodes])
    query = _merge("Query", queries)
    if query is None:
        raise PluginError("no enabled plugin registers a query; is the core plugin installed?")
    try:
        schema = KamgraphSchema(
            query=query,
            mutation=_merge("Mutation", mutations),
            subscription=_merge("Subscription", subscriptions),
            types=[cls for _, cls in types.values()],
            extensions=[
                RequestMetrics,  # outermost: it counts what the caller received
                *tracing.extensions(),
                MaskUnexpectedErrors,
                *limit_extensions(settings),
                NameTheOperation,
                RequireAuthentication,
                SubscriptionsOnlyOverWebSocket,
                AuditSensitiveReads,
            ],
            config=StrawberryConfig(disable_field_suggestions=settings.production),
            scalar_overrides=scalars.OVERRIDES,
            execution_context_class=FastExecutionContext,
        )
    except DuplicatedTypeName as clash:  # an enum, input or type named twice: name both owners, not a traceback
        first, second = clash.first_cls, clash.second_cls
        raise PluginError(
            f"GraphQL name {clash.message.split()[1]!r} is declared by both plugin {pm.owner_of(first)!r} "
            f"({_where(first)}) and plugin {pm.owner_of(second)!r} ({_where(second)}); rename one"
        ) from None
    conventions.describe(core_schema(schema))
    schema.node_models = node_models(_object_types(schema), pm.owner_of)
    _check_mutations(schema, mutations, Permissions.from_plugins(pm).registered)
    return schema


def _check_mutations(schema: strawberry.Schema, contributions: list[tuple[str, type]], known: Any) -> None:
    """Every mutation is declared (``mutation``/``mutation_field``: its permission), needs a registered
    permission, and follows API.md's naming rule; else start-up names the plugin and the mutation."""
    owners = {
        field.graphql_name or strawberry_name(field): plugin
        for plugin, cls in contributions
        for field in object_definition(cls).fields
    }
    root = core_schema(schema).mutation_type  # the names exactly as clients see them
    for name, field in (root.fields if root else {}).items():
        plugin = owners.get(name, "?")
        declared = declared_field(field)
        if declared is None or PERMISSION not in declared.metadata:
            raise PluginError(
                f"plugin {plugin!r}: mutation {name} is not declared with kamgraph.plugin.mutation (or mutation_field), "
                "which gives it its permission, input and payload; see docs/plugins.md"
            )
        for permission in declared.metadata[PERMISSION]:
            if permission not in known:
                raise PluginError(
                    f"plugin {plugin!r}: mutation {name} requires the permission {permission!r}, "
                    "which no enabled plugin registers"
                )
        if problem := field_naming_problem(name, field):
            raise PluginError(
                f"plugin {plugin!r}: mutation {problem} (API.md: verbNoun(input: VerbNounInput!): VerbNounPayload!)"
            )


def _where(cls: Any) -> str:
    return f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', cls)}"


def _object_types(schema: strawberry.Schema) -> list[type]:
    """The Python classes of every object type in the built schema (extensions' types included)."""
    found = []
    for graphql_type in core_schema(schema).type_map.values():
        definition = declared_type(graphql_type)
        if definition is not None and isinstance(definition.origin, type):
            found.append(definition.origin)
    return found


def _check_unique_fields(root: str, contributions: list[tuple[str, type]]) -> None:
    owners: dict[str, tuple[str, Any]] = {}
    for plugin, cls in contributions:
        for field in object_definition(cls).fields:
            claim_unique(owners, field.graphql_name or strawberry_name(field), plugin, field, f"{root} field")


def _merge(name: str, contributions: list[tuple[str, type]]) -> type | None:
    if not contributions:
        return None
    bases = tuple(dict.fromkeys(cls for _, cls in contributions))
    return strawberry.type(type(name, bases, {}), name=name)
