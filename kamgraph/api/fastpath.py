"""The fast path: a whole list (or node) resolved in one pass, level by level, into its response form.

graphql-core resolves a response field by field, at about 4 µs each and several times that for a field
whose resolver is awaited; a portfolio page of 50 accounts with 20 contracts and their payments has over
10,000 of them. When every field below a list is one that kamgraph knows how to compute from rows, the
list is resolved here instead:

- a plain attribute (a column, or an attribute of a plain object): read and serialized by its GraphQL type;
- a field made by one of the field factories (``to_one_field``, ``child_list_field``, ``children_field``,
  ``sensitive_field``, ``computed_field``), which describe themselves through ``FAST`` metadata.

Each level is one statement through the same scoped accessor as the ordinary path (``Rows``), selecting
only the columns the query needs; guarded values go through ``read_guarded`` and are audited. The
response is built as plain dicts and returned as :class:`Precompleted`, which the execution context
passes through untouched. A field the planner does not know (its own resolver, an interface) makes the
list take the ordinary path, so the fast path changes no answer: the tests run queries both ways.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
)
from graphql.type import GraphQLIncludeDirective, GraphQLSkipDirective
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from tortoise.models import Model

from kamgraph.api.internals import (
    ExecutionContext,
    VariableValues,
    argument_values,
    declared_field,
    declared_type,
    get_directive_values,
    raw_info,
)
from kamgraph.db.sql import Order

FAST = "kamgraph.fast"  # the metadata key under which a field factory describes its field
VERDICTS_KEPT = 2048  # root selections whose verdict is remembered (a few per cached document)


class Precompleted:
    """A field value already in its response form; the execution context returns it as it is."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class FastExecutionContext(ExecutionContext):
    def complete_value(self, return_type, field_details_list, info, path, result, position_context):  # type: ignore[override]
        if type(result) is Precompleted:
            return result.value
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)


# --- what field factories declare ------------------------------------------------------------------


class FastField:
    """What a field factory's field tells the fast path, under ``metadata[FAST]``. Each factory in
    ``kamgraph/api/fields.py`` has one, holding both its ordinary resolver and its step here, so the two
    cannot drift apart:

    - ``model``: the rows it leads to (checked as light rows of that model), where it leads to rows;
    - ``connection``: it is a nested connection of ``model`` (checked as one);
    - ``columns(model)``: the columns of the parent row it reads;
    - ``fast(resolver, selection, sources)``: its values for every source row at once, in response form.
    """

    connection: bool = False  # (``model`` is not declared here: a dataclass would take None as its default)

    def columns(self, model: type[Model]) -> set[str]:
        return set()

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        raise Unsupported(type(self).__name__)


class Unsupported(Exception):
    """The selection has a field the fast path cannot compute: take the ordinary path."""


# --- planning: the selection set, read once ---------------------------------------------------------


@dataclass
class Selection:
    """One response key of an object: the GraphQL field, its strawberry field, arguments and subselection."""

    key: str
    name: str
    graphql_type: Any
    strawberry_field: StrawberryField | None
    arguments: dict[str, Any]
    nodes: list[FieldNode]
    typename: str = ""  # for __typename: the type it is asked on


@dataclass
class Planner:
    info: GraphQLResolveInfo
    schema: Any  # the strawberry schema, for argument conversion
    selections_cache: dict[Any, list[Selection]] = field(default_factory=dict)
    checked: set[Any] = field(default_factory=set)

    def __post_init__(self) -> None:
        variables = self.info.variable_values  # strawberry hands resolvers the coerced dict
        self.variables = variables if isinstance(variables, VariableValues) else VariableValues({}, variables or {})

    def check(
        self, object_type: GraphQLObjectType, nodes: Sequence[FieldNode], model: type[Model] | None = None
    ) -> None:
        """Raise Unsupported unless every field below can be computed here; no statement runs. Rows of
        ``model`` are light rows: a plain attribute must be one of its columns. Fields that ``@skip`` or
        ``@include`` may leave out are checked too, so that the verdict holds whatever the variables."""
        key = (object_type.name, *map(id, nodes))
        if key in self.checked:
            return
        definition_of(object_type)
        for name, definition, group in self.fields(object_type, nodes, every=True):
            if definition is None:  # __typename
                continue
            strawberry_field = declared_field(definition)
            spec = strawberry_field.metadata.get(FAST) if strawberry_field else None
            if spec is None and (
                strawberry_field is None or strawberry_field.base_resolver is not None or strawberry_field.extensions
            ):
                raise Unsupported(f"{object_type.name}.{name} has its own resolver")
            if spec is not None and type(spec).fast is FastField.fast:  # declared, but with no step of its own
                raise Unsupported(f"{object_type.name}.{name}: {type(spec).__name__} has no fast step")
            if (
                spec is None
                and model is not None
                and strawberry_field.python_name not in {*model._meta.fields_map, "node_id"}
            ):
                raise Unsupported(f"{object_type.name}.{name} is not a column of {model.__name__}")
            if spec is not None and spec.connection:
                self.check_connection(definition.type, group, spec.model)
            elif not is_leaf_type(get_named_type(definition.type)):
                self.check(object_type_of(definition.type), group, getattr(spec, "model", None))
        self.checked.add(key)

    def check_connection(self, connection_type: Any, nodes: Sequence[FieldNode], model: type[Model]) -> None:
        for name, definition, group in self.fields(object_type_of(connection_type), nodes, every=True):
            if name == "nodes":
                self.check(object_type_of(definition.type), group, model)
            elif name == "edges":
                for edge_name, edge_definition, edge_group in self.fields(
                    object_type_of(definition.type), group, every=True
                ):
                    if edge_name == "node":
                        self.check(object_type_of(edge_definition.type), edge_group, model)
                    elif edge_name not in ("cursor", "__typename"):
                        raise Unsupported(f"edge field {edge_name}")
            elif name not in ("pageInfo", "totalCount", "__typename"):
                raise Unsupported(f"connection field {name}")

    def selections(self, object_type: GraphQLObjectType, nodes: Sequence[FieldNode]) -> list[Selection]:
        """The fields selected on ``object_type`` by ``nodes``, merged by response key (cached: asked per level)."""
        cache_key = (object_type.name, *map(id, nodes))
        cached = self.selections_cache.get(cache_key)
        if cached is None:
            cached = self.selections_cache[cache_key] = self._selections(object_type, nodes)
        return cached

    def _selections(self, object_type: GraphQLObjectType, nodes: Sequence[FieldNode]) -> list[Selection]:
        result = []
        for name, definition, group in self.fields(object_type, nodes):
            key = group[0].alias.value if group[0].alias else name
            if definition is None:
                result.append(Selection(key, name, None, None, {}, group, object_type.name))
                continue
            strawberry_field = declared_field(definition)
            arguments = argument_values(self.schema, definition, group[0], self.variables)
            result.append(Selection(key, name, definition.type, strawberry_field, arguments, group))
        return result

    def fields(
        self, object_type: GraphQLObjectType, nodes: Sequence[FieldNode], every: bool = False
    ) -> Iterator[tuple[str, Any, list[FieldNode]]]:
        """(field name, its definition or None for ``__typename``, its nodes) per response key; ``every``
        ignores ``@skip`` and ``@include``."""
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.selection_set is not None:
                self._collect(object_type, node.selection_set, grouped, every)
        for group in grouped.values():
            name = group[0].name.value
            yield name, None if name == "__typename" else object_type.fields[name], group

    def _collect(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        into: dict[str, list[FieldNode]],
        every: bool,
    ) -> None:
        for selection in selection_set.selections:
            if not every and not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                into.setdefault(selection.alias.value if selection.alias else selection.name.value, []).append(
                    selection
                )
                continue
            fragment = (
                self.info.fragments[selection.name.value] if isinstance(selection, FragmentSpreadNode) else selection
            )
            condition = fragment.type_condition
            if condition is not None and condition.name.value != object_type.name:
                raise Unsupported(f"a fragment on {condition.name.value}")
            self._collect(object_type, fragment.selection_set, into, every)

    def _included(self, node: FieldNode | FragmentSpreadNode | InlineFragmentNode) -> bool:
        if not node.directives:
            return True
        variables = self.variables
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        if skip and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return not (include and not include.get("if"))


#: Planner.check's verdicts per schema and root selection, kept across requests: parsed documents are
#: cached, so the same query brings the same nodes again. An entry holds its nodes, so that their ids
#: cannot be reused while it lives.
_verdicts: WeakKeyDictionary[Any, OrderedDict[tuple[Any, ...], tuple[tuple[FieldNode, ...], bool]]] = (
    WeakKeyDictionary()
)


def supported(planner: Planner, return_type: Any, model: type[Model] | None) -> bool:
    """Can the fast path resolve the root field ``planner.info`` names (a connection of ``model``, or an object)?"""
    nodes = tuple(planner.info.field_nodes)
    verdicts = _verdicts.setdefault(planner.schema, OrderedDict())
    key = (str(return_type), model, *map(id, nodes))
    cached = verdicts.get(key)
    if cached is not None:
        verdicts.move_to_end(key)
        return cached[1]
    try:
        if model is not None:
            planner.check_connection(return_type, nodes, model)
        else:
            planner.check(object_type_of(return_type), nodes)
        verdict = True
    except Unsupported:
        verdict = False
    verdicts[key] = (nodes, verdict)
    if len(verdicts) > VERDICTS_KEPT:
        verdicts.popitem(last=False)
    return verdict


# --- resolving: one level at a time -----------------------------------------------------------------


def object_type_of(graphql_type: Any) -> GraphQLObjectType:
    named = get_named_type(graphql_type)
    if not is_object_type(named):
        raise Unsupported(f"{named} is not an object type")
    return named


@cache
def serializer(leaf_type: Any) -> Callable[[Any], Any]:
    """How a leaf value is written: the type's own ``serialize``, except for an enum whose GraphQL names are
    its Python members' names (every kamgraph enum), which is written as ``member.name`` without the lookup."""
    if isinstance(leaf_type, GraphQLEnumType) and all(
        isinstance(value.value, Enum) and value.value.name == name for name, value in leaf_type.values.items()
    ):
        return lambda member: member.name
    return leaf_type.serialize


def definition_of(object_type: GraphQLObjectType) -> StrawberryObjectDefinition:
    definition = declared_type(object_type)
    if definition is None:
        raise Unsupported(object_type.name)
    return definition


def columns_for(
    planner: Planner, object_type: GraphQLObjectType, nodes: Sequence[FieldNode], model: type[Model]
) -> set[str]:
    """The model fields the selection reads (always the key)."""
    needed = {model._meta.pk_attr}
    fields_map = model._meta.fields_map
    for selection in planner.selections(object_type, nodes):
        spec = selection.strawberry_field.metadata.get(FAST) if selection.strawberry_field else None
        python_name = selection.strawberry_field.python_name if selection.strawberry_field else None
        if spec is None and python_name in fields_map:
            needed.add(python_name)
        elif spec is not None:
            needed |= spec.columns(model)
    return {name for name in needed if name in fields_map}


class Resolver:
    """Builds response dicts for rows (or plain objects) of one GraphQL object type, a level at a time."""

    def __init__(self, ctx: Any, planner: Planner) -> None:
        self.ctx = ctx
        self.planner = planner

    async def objects(
        self, object_type: GraphQLObjectType, nodes: Sequence[FieldNode], sources: list[Any]
    ) -> list[dict[str, Any] | None]:
        """Response dicts for ``sources`` (None stays None); ``Planner.check`` has vouched for every field."""
        results: list[dict[str, Any] | None] = [None if s is None else {} for s in sources]
        present = [(i, s) for i, s in enumerate(sources) if s is not None]
        for selection in self.planner.selections(object_type, nodes):
            values = await self.values(selection, [s for _, s in present])
            for (i, _), value in zip(present, values, strict=True):
                results[i][selection.key] = value  # type: ignore[index]
        return results

    async def values(self, selection: Selection, sources: list[Any]) -> list[Any]:
        if selection.name == "__typename":
            return [selection.typename] * len(sources)
        strawberry_field = selection.strawberry_field
        spec = strawberry_field.metadata.get(FAST)
        if spec is None:  # a plain attribute
            return await self.complete(selection, [getattr(s, strawberry_field.python_name) for s in sources])
        return await spec.fast(self, selection, sources)

    async def complete(self, selection: Selection, values: list[Any]) -> list[Any]:
        """Values of plain Python objects or scalars, in their response form."""
        graphql_type = get_nullable_type(selection.graphql_type)
        if is_list_type(graphql_type):
            item_type = get_nullable_type(graphql_type.of_type)
            if is_leaf_type(item_type):
                return [
                    None if v is None else [None if i is None else item_type.serialize(i) for i in v] for v in values
                ]
            flat = [item for v in values if v is not None for item in v]
            done = iter(await self.objects(object_type_of(item_type), selection.nodes, flat))
            return [None if v is None else [next(done) for _ in v] for v in values]
        if is_leaf_type(graphql_type):
            serialize = serializer(graphql_type)
            return [None if v is None else serialize(v) for v in values]
        return await self.objects(object_type_of(graphql_type), selection.nodes, values)

    async def connections(
        self,
        selection: Selection,
        model: type[Model],
        rows: Any,
        order: Order,
        request: Any,
        parent: tuple[str, list[Any]] | None = None,
    ) -> list[Any]:
        """``Connection`` objects in response form: one page per parent (or the one root page)."""
        from kamgraph.api.connections import encode_cursor
        from kamgraph.db.sql import cursor_values

        connection_type = object_type_of(selection.graphql_type)
        parts = self.planner.selections(connection_type, selection.nodes)
        node_type, node_nodes, wants_cursors = None, [], any(p.name == "pageInfo" for p in parts)
        for part in parts:
            if part.name == "edges":
                edge_type = object_type_of(part.graphql_type)
                for edge_part in self.planner.selections(edge_type, part.nodes):
                    wants_cursors = wants_cursors or edge_part.name == "cursor"
                    if edge_part.name == "node":
                        node_type = object_type_of(edge_part.graphql_type)
                        node_nodes += edge_part.nodes
            elif part.name == "nodes":
                node_type = object_type_of(part.graphql_type)
                node_nodes += part.nodes
        keys = order.with_pk(model)
        columns = {name for name, _ in keys}
        if node_type is not None:
            columns |= columns_for(self.planner, node_type, node_nodes, model)
        if parent is not None:
            columns.add(parent[0])
            pages_by_parent = await rows.only(columns).pages_by(parent[0], parent[1], order, request)
            pages = [pages_by_parent[pid] for pid in parent[1]]
        else:
            pages = [await rows.only(columns).page(order, request)]
        every_row = [row for page in pages for row in page.rows]
        done = iter(await self.objects(node_type, node_nodes, every_row)) if node_type is not None else iter(())
        counts = None
        if any(p.name == "totalCount" for p in parts):
            counts = await rows.count_by(parent[0], parent[1]) if parent is not None else {None: await rows.count()}
        results = []
        for index, page in enumerate(pages):
            rendered = [next(done) for _ in page.rows] if node_type is not None else [None] * len(page.rows)
            cursors = [
                encode_cursor(cursor_values(row, page.keys), page.keys) if wants_cursors else "" for row in page.rows
            ]
            connection: dict[str, Any] = {}
            for part in parts:
                if part.name == "__typename":
                    connection[part.key] = connection_type.name
                elif part.name == "edges":
                    connection[part.key] = [
                        self.edge(part, node, cursor) for node, cursor in zip(rendered, cursors, strict=True)
                    ]
                elif part.name == "nodes":
                    connection[part.key] = rendered
                elif part.name == "pageInfo":
                    connection[part.key] = self.page_info(part, page, cursors)
                elif part.name == "totalCount":
                    connection[part.key] = counts[parent[1][index] if parent is not None else None]
                else:
                    raise Unsupported(f"connection field {part.name}")
            results.append(connection)
        return results

    def edge(self, part: Selection, node: Any, cursor: str) -> dict[str, Any]:
        out = {}
        for edge_part in self.planner.selections(object_type_of(part.graphql_type), part.nodes):
            if edge_part.name == "node":
                out[edge_part.key] = node
            elif edge_part.name == "cursor":
                out[edge_part.key] = cursor
            elif edge_part.name == "__typename":
                out[edge_part.key] = object_type_of(part.graphql_type).name
            else:
                raise Unsupported(f"edge field {edge_part.name}")
        return out

    def page_info(self, part: Selection, page: Any, cursors: list[str]) -> dict[str, Any]:
        values = {
            "hasNextPage": page.has_next,
            "hasPreviousPage": page.has_previous,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
            "__typename": "PageInfo",
        }
        return {p.key: values[p.name] for p in self.planner.selections(object_type_of(part.graphql_type), part.nodes)}


# --- entry points -------------------------------------------------------------------------------------


def _planner(info: Any) -> Planner | None:
    if not info.context.settings.fast_path:
        return None
    return Planner(raw_info(info), info.schema)


async def fast_connection(info: Any, rows: Any, order: Order, request: Any) -> Precompleted | None:
    """The root list ``info`` resolves, in response form; None when its selection needs the ordinary path."""
    planner = _planner(info)
    if planner is None:
        return None
    raw = planner.info
    if not supported(planner, raw.return_type, rows.model):
        return None
    selection = Selection("", raw.field_name, raw.return_type, None, {}, list(raw.field_nodes))
    [connection] = await Resolver(info.context, planner).connections(selection, rows.model, rows, order, request)
    return Precompleted(connection)


async def fast_object(info: Any, row: Any) -> Any:
    """One row as the object ``info`` resolves, in response form; the row itself when the selection needs
    the ordinary path (or the return type is abstract)."""
    planner = _planner(info)
    if planner is None or row is None:
        return row
    raw = planner.info
    if not supported(planner, raw.return_type, None):
        return row
    [rendered] = await Resolver(info.context, planner).objects(object_type_of(raw.return_type), raw.field_nodes, [row])
    return Precompleted(rendered)
