"""Light rows: what the fast path reads instead of tortoise model instances.

Building a model instance converts every column the statement returned through its field, and a date
stored as text by SQLite goes through an ISO-8601 parser written in Python. The fast path selects only the
columns a query needs and makes each row a slotted object of a class that looks like the model where the
read path looks (``pk``, ``node_id``, the columns by attribute name, ``_meta``, ``scope_via``,
``sensitive_fields``, ``is_sensitive``), converting dates with the C ``fromisoformat``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from tortoise.fields import DateField, DatetimeField
from tortoise.models import Model

from kamgraph.ids import to_global_id

#: what a light row class copies from its model: the attributes the read path and the audit consult
COPIED = ("_meta", "scope_via", "scope_public", "read_permission", "sensitive_fields", "guard_columns", "is_sensitive")


@cache
def light_class(model: type[Model]) -> type:
    pk = model._meta.pk_attr
    attributes = tuple(model._meta.fields_db_projection)
    namespace: dict[str, Any] = {name: getattr(model, name) for name in COPIED if hasattr(model, name)}
    namespace.update(
        {
            "__slots__": attributes,
            "__module__": model.__module__,
            "__doc__": f"A light row of {model.__name__} (kamgraph.db.light).",
            "pk": property(lambda self: getattr(self, pk)),
            "node_id": property(lambda self: to_global_id(model.__name__, getattr(self, pk))),
            "model": model,
        }
    )
    return type(model.__name__, (), namespace)


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


@cache
def converter(model: type[Model], column: str) -> tuple[str, Callable[[Any], Any] | None]:
    """The attribute a column fills and how its database value becomes a Python one (None: as it is)."""
    name = model._meta.fields_db_projection_reverse[column]
    field = model._meta.fields_map[name]
    if isinstance(field, DatetimeField):
        return name, _datetime
    if isinstance(field, DateField):
        return name, _date
    if name in {key for key, _, _ in model._meta.db_native_fields}:
        return name, None
    return name, field.to_python_value


def light_rows(model: type[Model], rows: Iterable[Any]) -> list[Any]:
    """Database rows (records with column names) as light rows of ``model``; other columns are skipped."""
    cls = light_class(model)
    columns = model._meta.fields_db_projection_reverse
    new = object.__new__
    made = []
    plan = None
    for row in rows:
        if plan is None:  # per statement: column position, the slot's setter, the conversion
            plan = [
                (position, getattr(cls, name).__set__, convert)
                for position, column in enumerate(row.keys())
                if column in columns
                for name, convert in (converter(model, column),)
            ]
        item = new(cls)
        for position, set_slot, convert in plan:
            value = row[position]
            set_slot(item, value if convert is None or value is None else convert(value))
        made.append(item)
    return made
