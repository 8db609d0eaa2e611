"""SQL for reads: filters, keyset pages, per-parent pages and aggregates, on SQLite and PostgreSQL.

The GraphQL read path compiles each list into one statement here, so that the number of statements
per request depends on the query's depth and never on its page size. Rows come back as tortoise model
instances (``Model._init_from_db``), so values are converted exactly as tortoise converts them.

Nothing here knows about GraphQL or actors: filters arrive as plain objects whose attributes name
model fields, and the row scope arrives as a ``Scope`` from :mod:`kamgraph.security.scope`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from tortoise.exceptions import ValidationError
from tortoise.fields import CharField, DecimalField, TextField
from tortoise.fields.relational import BackwardFKRelation, ForeignKeyFieldInstance
from tortoise.models import Model

from kamgraph.crypto import SealedTextField, keyring
from kamgraph.db import db, dialect
from kamgraph.db.light import light_rows


class Scope(Protocol):
    """What the caller may see, as the SQL compiler needs it (implemented in kamgraph.security.scope)."""

    def condition(self, model: type[Model], params: Params, alias: str) -> str | None:
        """The SQL condition limiting ``alias`` to visible rows of ``model``, or None for all rows."""

    def check_field(self, model: type[Model], name: str) -> None:
        """Raise ``FilterError`` when the caller may not filter or sort on ``model.name``."""


#: Operators of API.md "Filters and sorting": attribute name on the operator input -> SQL operator.
COMPARISONS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
LIKES = {"contains": "%{}%", "starts_with": "{}%", "ends_with": "%{}"}
LIST_OPERATORS = {"in_": "IN", "not_in": "NOT IN"}
COMBINATORS = {"and_", "or_", "not_"}


class FilterError(ValueError):
    """A filter that cannot be compiled (e.g. an id of the wrong type); reported as a user error."""


class Params:
    """Collects bound values; renders the placeholder style of the current dialect."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.numbered = dialect() == "postgres"

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"

    def add_all(self, values: Iterable[Any]) -> str:
        return ", ".join(self.add(value) for value in values) or "NULL"


def quote(name: str) -> str:
    return f'"{name}"'


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    """The database column of a model field (``owner`` -> ``owner_id``)."""
    field = model._meta.fields_map[name]
    return quote(getattr(field, "source_field", None) or name)


def expr(model: type[Model], name: str, alias: str) -> str:
    """The column as an SQL expression that compares and sorts by value.

    tortoise stores DECIMAL as text on SQLite, where text compares letter by letter ("9" > "10");
    a NUMERIC cast makes comparisons and ordering numeric there. PostgreSQL has real NUMERIC columns.
    """
    col = f"{alias}.{column(model, name)}"
    if isinstance(model._meta.fields_map[name], DecimalField) and dialect() == "sqlite":
        return f"CAST({col} AS NUMERIC)"
    return col


def to_db(model: type[Model], name: str, value: Any) -> Any:
    """Convert a filter or cursor value the way tortoise does when it writes ``name``.

    Text is compared as given (a value longer than the column simply matches nothing, it is not an
    error); a value the column cannot hold at all is a ``FilterError``, reported to the client.
    """
    if isinstance(value, Enum):
        return value.value
    field = model._meta.fields_map[name]
    if isinstance(field, ForeignKeyFieldInstance):
        field = model._meta.fields_map[field.source_field]
    if value is None:
        return None
    if isinstance(field, CharField | TextField) and not isinstance(field, SealedTextField):
        return str(value)
    try:
        return field.to_db_value(value, None)
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise FilterError(f"{model.__name__}.{name} cannot be {value!r}") from exc


def money_sum(expression: str) -> str:
    """A money total computed in SQL, exactly.

    PostgreSQL sums NUMERIC exactly. SQLite stores DECIMAL columns with NUMERIC affinity, so each value
    is rounded to whole cents before summing as integers; the caller divides by 100.
    """
    if dialect() == "postgres":
        return f"COALESCE(SUM({expression}), 0)"
    return f"COALESCE(SUM(CAST(ROUND(({expression}) * 100) AS INTEGER)), 0)"


def seconds_between(start: str, end: str) -> str:
    """SQL for the seconds from the timestamp expression ``start`` to ``end`` (time zones respected)."""
    if dialect() == "postgres":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"((julianday({end}) - julianday({start})) * 86400)"


def money_from_sum(value: Any) -> Decimal:
    if dialect() == "postgres":
        return Decimal(value).quantize(Decimal("0.01"))
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


# --- filters ----------------------------------------------------------------------------------------


def set_attributes(obj: Any) -> Iterable[tuple[str, Any]]:
    """The attributes of a filter input that the client actually set."""
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if value is not None and value is not dataclasses.MISSING and not _is_unset(value):
            yield field.name, value


def _is_unset(value: Any) -> bool:
    return type(value).__name__ == "UnsetType"


#: how deeply and/or/not and relation filters may nest (each level is a sub-expression or sub-select)
MAX_FILTER_DEPTH = 8
#: how many conditions an and/or list holds, and values an in/notIn list: variables are not counted by the
#: token limit, so a filter is bounded here, whatever way it arrives
MAX_FILTER_ITEMS = 100
MAX_IN_VALUES = 2000


def compile_filter(
    model: type[Model], spec: Any, params: Params, alias: str, scope: Scope, depth: int = 0
) -> str | None:
    """Compile a filter input into a SQL condition on ``alias``; None when it sets nothing."""
    if depth > MAX_FILTER_DEPTH:
        raise FilterError(f"filters nest at most {MAX_FILTER_DEPTH} levels deep (and, or, not and relations)")
    parts: list[str] = []
    for name, value in set_attributes(spec):
        if name in COMBINATORS:
            parts.append(_combine(model, name, value, params, alias, scope, depth))
            continue
        resolve = getattr(spec, "resolve_" + name, None)
        if resolve is not None:  # a filter field that is not a plain column (e.g. a global id)
            name, value = resolve(value)
        field = model._meta.fields_map[name]
        scope.check_field(model, name)
        if isinstance(field, ForeignKeyFieldInstance | BackwardFKRelation):
            parts.append(_relation(model, name, field, value, params, alias, scope, depth))
        else:
            parts.extend(_operators(model, name, value, params, alias))
    parts = [part for part in parts if part]
    return " AND ".join(f"({part})" for part in parts) if parts else None


def _combine(model: type[Model], name: str, value: Any, params: Params, alias: str, scope: Scope, depth: int) -> str:
    if name == "not_":
        inner = compile_filter(model, value, params, alias, scope, depth + 1)
        return f"NOT ({inner})" if inner else ""
    joiner = " AND " if name == "and_" else " OR "
    if len(value) > MAX_FILTER_ITEMS:
        raise FilterError(f"{name.rstrip('_')} holds at most {MAX_FILTER_ITEMS} conditions, not {len(value)}")
    compiled = [compile_filter(model, item, params, alias, scope, depth + 1) or "1=1" for item in value]
    if not compiled:
        return "1=1" if name == "and_" else "1=0"
    return joiner.join(f"({part})" for part in compiled)


def _relation(
    model: type[Model], name: str, field: Any, value: Any, params: Params, alias: str, scope: Scope, depth: int
) -> str:
    """A filter through a relation becomes a scoped sub-select, so it can nest any number of hops."""
    target: type[Model] = field.related_model
    inner_alias = f"{alias}_{name}"[:60]
    conditions = [
        c
        for c in (
            scope.condition(target, params, inner_alias),
            compile_filter(target, value, params, inner_alias, scope, depth + 1),
        )
        if c
    ]
    where = " AND ".join(f"({c})" for c in conditions) or "1=1"
    if isinstance(field, ForeignKeyFieldInstance):
        pk = quote(target._meta.db_pk_column)
        return (
            f"{alias}.{column(model, name)} IN "
            f"(SELECT {inner_alias}.{pk} FROM {table(target)} {inner_alias} WHERE {where})"
        )
    # to-many: "has at least one related row matching"
    back = quote(field.relation_field)
    own_pk = quote(model._meta.db_pk_column)
    return f"{alias}.{own_pk} IN (SELECT {inner_alias}.{back} FROM {table(target)} {inner_alias} WHERE {where})"


#: what an encrypted column supports: exact matches through its blind index
EXACT_OPERATORS = frozenset({"eq", "neq", "in_", "not_in", "is_null"})


def _operators(model: type[Model], name: str, ops: Any, params: Params, alias: str) -> list[str]:
    if isinstance(model._meta.fields_map[name], SealedTextField):
        index = next(f for f in model._meta.fields_map.values() if getattr(f, "source", None) == name)
        col = f"{alias}.{quote(index.model_field_name)}"
        ring = keyring()

        def convert(value: Any) -> Any:
            return ring.blind_index(value, index.purpose)

        allowed: frozenset[str] | None = EXACT_OPERATORS
    else:
        col = expr(model, name, alias)

        def convert(value: Any) -> Any:
            return value if isinstance(value, bool) else to_db(model, name, value)

        allowed = None
    parts: list[str] = []
    for op, value in set_attributes(ops):
        if allowed is not None and op not in allowed:
            raise FilterError(
                f"{model.__name__}.{name} is encrypted: it can be matched exactly (eq, neq, in, notIn), not with {op}"
            )
        if op in COMPARISONS:
            parts.append(f"{col} {COMPARISONS[op]} {params.add(convert(value))}")
        elif op in LIKES:
            parts.append(f"LOWER({col}) LIKE {params.add(LIKES[op].format(_escape_like(value).lower()))} ESCAPE '\\'")
        elif op in LIST_OPERATORS:
            if len(value) > MAX_IN_VALUES:
                raise FilterError(
                    f"{model.__name__}.{name}: {'in' if op == 'in_' else 'notIn'} takes at most {MAX_IN_VALUES} values, "
                    f"not {len(value)}"
                )
            parts.append(f"{col} {LIST_OPERATORS[op]} ({params.add_all(convert(item) for item in value)})")
        elif op == "is_null":
            parts.append(f"{col} IS {'' if value else 'NOT '}NULL")
        else:
            raise FilterError(f"unknown filter operator {op!r}")
    return parts


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- ordering and keyset cursors ----------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """A sort: model field names with directions; the primary key is always the final tie-breaker."""

    keys: tuple[tuple[str, bool], ...] = ()  # (field name, descending)

    def with_pk(self, model: type[Model]) -> tuple[tuple[str, bool], ...]:
        pk = model._meta.pk_attr
        descending = self.keys[0][1] if self.keys else False
        return (*[key for key in self.keys if key[0] != pk], (pk, descending))

    def flipped(self) -> Order:
        return Order(tuple((name, not desc) for name, desc in self.keys))


def order_sql(model: type[Model], keys: Sequence[tuple[str, bool]], alias: str) -> str:
    """NULLs sort last in both directions on both databases."""
    parts = []
    for name, descending in keys:
        col = expr(model, name, alias)
        if model._meta.fields_map[name].null:
            parts.append(f"({col} IS NULL)")
        parts.append(f"{col} {'DESC' if descending else 'ASC'}")
    return ", ".join(parts)


def keyset_after(
    model: type[Model], keys: Sequence[tuple[str, bool]], values: Sequence[Any], params: Params, alias: str
) -> str:
    """Rows strictly after ``values`` in the order ``keys`` (NULLs last), as one condition."""
    (name, descending), *rest = keys
    value, *rest_values = values
    col = expr(model, name, alias)
    nullable = model._meta.fields_map[name].null
    # Placeholders are positional on SQLite: each one is added in the order it appears in the text.
    if value is None:  # we are among the trailing NULLs: only ties on this key remain
        return f"({col} IS NULL AND {keyset_after(model, rest, rest_values, params, alias)})" if rest else "1=0"
    db_value = to_db(model, name, value)
    beyond = f"{col} {'<' if descending else '>'} {params.add(db_value)}"
    if rest:
        tie = f"{col} = {params.add(db_value)}"
        beyond = f"{beyond} OR ({tie} AND {keyset_after(model, rest, rest_values, params, alias)})"
    return f"({beyond}{f' OR {col} IS NULL' if nullable else ''})"


def cursor_values(row: Model, keys: Sequence[tuple[str, bool]]) -> list[Any]:
    values = []
    for name, _ in keys:
        field = row._meta.fields_map[name]
        values.append(getattr(row, field.source_field if isinstance(field, ForeignKeyFieldInstance) else name))
    return values


# --- statements ------------------------------------------------------------------------------------


def rows_to_models(model: type[Model], rows: Iterable[Any]) -> list[Model]:
    init = model._init_from_db
    return [init(**dict(row)) for row in rows]


async def fetch(model: type[Model], sql: str, params: Params, light: bool = False) -> list[Model]:
    """Rows as model instances, or as light rows (``kamgraph.db.light``) for the fast path."""
    _, rows = await db().execute_query(sql, params.values)
    return light_rows(model, rows) if light else rows_to_models(model, rows)


async def fetch_values(sql: str, params: Params) -> list[dict[str, Any]]:
    _, rows = await db().execute_query(sql, params.values)
    return [dict(row) for row in rows]


def select_columns(model: type[Model], alias: str, only: frozenset[str] | None = None) -> str:
    """Every column of ``model``, or those of the fields ``only`` names (a foreign key by its name)."""
    if only is None:
        return ", ".join(f"{alias}.{quote(col)}" for col in model._meta.db_fields)
    projection = model._meta.fields_db_projection
    fields_map = model._meta.fields_map
    names = sorted({getattr(fields_map[n], "source_field", None) or n for n in only})
    return ", ".join(f"{alias}.{quote(projection[n])}" for n in names)
