"""Query limits, each configurable, with the defaults of OWASP's GraphQL cheat sheet and GraphQL Armor:
depth 10, aliases 15, tokens 2,000, page size 100 (in connections), and a cost limit on the rows a query
can ask for (``first`` multiplied down the nesting). All are checked before any resolver runs; a refusal
is a top-level error with the code ``LIMIT_EXCEEDED``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    parse,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)

from kamgraph.api.internals import coerced_variables, core_schema
from kamgraph.settings import Settings

#: parsed and validated documents kept: clients send the same few queries over and over
DOCUMENTS_CACHED = 512


def limit_error(message: str, limit: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "LIMIT_EXCEEDED", "limit": limit})


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> Iterator[FieldNode]:
    """The fields of a selection set, looking through fragments (each fragment once per path)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                yield from _fields(fragments[name].selection_set, fragments, seen | {name})


def _depth(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]) -> int:
    fields = [f for f in _fields(selection_set, fragments) if not f.name.value.startswith("__")]
    return max((1 + _depth(f.selection_set, fragments) for f in fields), default=0)


def _aliases(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]) -> int:
    return sum((1 if f.alias else 0) + _aliases(f.selection_set, fragments) for f in _fields(selection_set, fragments))


def _document_rule(check: Any) -> type[ValidationRule]:
    """A validation rule that runs ``check(operation, fragments)`` once per operation."""

    class Rule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            fragments = {
                d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)
            }
            error = check(node, fragments)
            if error is not None:
                self.report_error(error)

    return Rule


def depth_rule(limit: int) -> type[ValidationRule]:
    def check(operation: OperationDefinitionNode, fragments: dict) -> GraphQLError | None:
        depth = _depth(operation.selection_set, fragments)
        return limit_error(f"the query is {depth} levels deep; the limit is {limit}", limit) if depth > limit else None

    return _document_rule(check)


def alias_rule(limit: int) -> type[ValidationRule]:
    def check(operation: OperationDefinitionNode, fragments: dict) -> GraphQLError | None:
        count = _aliases(operation.selection_set, fragments)
        return limit_error(f"the query uses {count} aliases; the limit is {limit}", limit) if count > limit else None

    return _document_rule(check)


def query_cost(
    schema: GraphQLSchema,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode | None,
    fragments: dict,
    variables: dict[str, Any],
    default_page: int,
    multiplier: int = 1,
    max_page: int | None = None,
) -> int:
    """Rows a query may return: each connection (or ``nodes``) costs its page size times the pages above it."""
    cost = 0
    for field, owner in _typed_fields(schema, parent, selection_set, fragments):
        definition = getattr(owner, "fields", {}).get(field.name.value)
        if definition is None:
            continue
        returned = get_named_type(definition.type)
        size = _page_size(field, returned, variables, default_page)
        if max_page is not None and size is not None and size > max_page:
            raise limit_error(f"{field.name.value} asks for {size} items; a page holds at most {max_page}", max_page)
        rows = multiplier if size is None else multiplier * size
        cost += 0 if size is None else rows
        cost += query_cost(schema, returned, field.selection_set, fragments, variables, default_page, rows, max_page)
    return cost


def _typed_fields(
    schema: GraphQLSchema, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, fragments: dict
) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        else:
            fragment = fragments.get(selection.name.value) if isinstance(selection, FragmentSpreadNode) else selection
            if fragment is None:
                continue
            condition = fragment.type_condition
            owner = schema.get_type(condition.name.value) if condition is not None else parent
            yield from _typed_fields(schema, owner or parent, fragment.selection_set, fragments)


def _page_size(
    field: FieldNode, returned: GraphQLNamedType, variables: dict[str, Any], default_page: int
) -> int | None:
    arguments = {a.name.value: a.value for a in field.arguments or ()}
    if field.name.value == "nodes" and "ids" in arguments:
        value = arguments["ids"]
        ids = variables.get(value.name.value) if isinstance(value, VariableNode) else getattr(value, "values", [])
        return len(ids or [])
    if not returned.name.endswith("Connection"):
        return None
    for name in ("first", "last"):
        value = arguments.get(name)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode) and variables.get(value.name.value) is not None:
            return int(variables[value.name.value])
    return default_page


class CostCache:
    """Costs already worked out, per query text, operation and the variables a cost can depend on (page
    sizes are integers; of a list, as ``nodes(ids:)`` takes, only its length): the same few queries come
    again and again."""

    def __init__(self) -> None:
        self.costs: OrderedDict[tuple[Any, ...], int | GraphQLError] = OrderedDict()

    def key(self, execution: Any) -> tuple[Any, ...]:
        variables = execution.variables or {}
        return (
            execution.query,
            execution.operation_name,
            *(
                (name, len(value) if isinstance(value, list) else value)
                for name, value in sorted(variables.items())
                if isinstance(value, int | list) and not isinstance(value, bool)
            ),
        )

    def get(self, key: tuple[Any, ...]) -> int | GraphQLError | None:
        found = self.costs.get(key)
        if found is not None:
            self.costs.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], cost: int | GraphQLError) -> None:
        self.costs[key] = cost
        if len(self.costs) > DOCUMENTS_CACHED:
            self.costs.popitem(last=False)


class CostLimit(SchemaExtension):
    """Refuse, before execution, a query whose cost (rows it can ask for) exceeds the limit."""

    def __init__(self, *, limit: int, default_page: int, max_page: int, cache: CostCache) -> None:
        self.limit = limit
        self.default_page = default_page
        self.max_page = max_page
        self.cache = cache

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.graphql_document is not None and execution.result is None:
            key = self.cache.key(execution)
            cost = self.cache.get(key)
            if cost is None:
                cost = self.cost(execution)
                if cost is not None:  # variables that do not coerce are refused by execution, and not remembered
                    self.cache.put(key, cost)
            if cost is None:
                pass
            elif isinstance(cost, GraphQLError):
                execution.result = GraphQLExecutionResult(data=None, errors=[cost])
            elif cost > self.limit:
                execution.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        limit_error(
                            f"the query may return {cost} rows (page sizes multiplied down the nesting); the limit is {self.limit}",
                            self.limit,
                        )
                    ],
                )
        yield

    def cost(self, execution: Any) -> int | GraphQLError | None:
        """The cost of the operation executed (the largest, when no name picks one), or the page-size error."""
        document = execution.graphql_document
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        schema = core_schema(execution.schema)
        highest = 0
        for operation in (d for d in document.definitions if isinstance(d, OperationDefinitionNode)):
            if execution.operation_name and (
                operation.name is None or operation.name.value != execution.operation_name
            ):
                continue
            root = schema.get_root_type(operation.operation)
            variables = coerced_variables(schema, operation, execution.variables or {})
            if variables is None:  # execution refuses them (BAD_USER_INPUT); nothing runs to cost anything
                return None
            try:
                highest = max(
                    highest,
                    query_cost(
                        schema,
                        root,
                        operation.selection_set,
                        fragments,
                        variables,
                        self.default_page,
                        max_page=self.max_page,
                    ),
                )
            except GraphQLError as too_large:
                return too_large
        return highest


@lru_cache(maxsize=DOCUMENTS_CACHED)
def _parse(query: str, **options: Any) -> Any:
    return parse(query, **options)  # graphql-core refuses a lone surrogate in a string itself


class CachedParse(SchemaExtension):
    """Parse each distinct query text once (clients send the same few again and again), within the token
    limit; graphql-core reports that limit as a syntax error, which gets the code the other limits have."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        try:
            execution.graphql_document = _parse(execution.query, **execution.parse_options)
        except GraphQLError as error:
            if "tokens. Parsing aborted" in error.message:
                error.extensions = {**(error.extensions or {}), "code": "LIMIT_EXCEEDED"}
            raise
        yield


def limit_extensions(settings: Settings) -> list[Any]:
    """The schema extensions enforcing the configured limits (plus production's closed introspection)."""
    rules = [
        depth_rule(settings.max_depth),
        alias_rule(settings.max_aliases),
    ]  # made once: the validation cache keys on them
    costs = CostCache()
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),  # sets the parse option CachedParse uses
        CachedParse,
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=DOCUMENTS_CACHED),
        lambda: CostLimit(
            limit=settings.max_cost,
            default_page=settings.default_page_size,
            max_page=settings.max_page_size,
            cache=costs,
        ),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
    return extensions
