"""Operator inputs for ``XFilter`` types (API.md "Filters and sorting").

A filter input's attributes name model fields; an attribute holding one of these operator inputs
filters that column, an attribute holding another ``XFilter`` filters through that relation, and
``and``/``or``/``not`` combine. :func:`kamgraph.db.sql.compile_filter` turns them into SQL.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

import strawberry

from kamgraph.api.internals import enum_name
from kamgraph.ids import InvalidId, int_key


@strawberry.input(description="Text operators; contains/startsWith/endsWith ignore case.")
class StringFilter:
    eq: str | None = None
    neq: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    not_in: list[str] | None = None
    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None
    is_null: bool | None = None


def _ordered(name: str, scalar: Any, description: str) -> type:
    namespace = {
        "__annotations__": {op: scalar | None for op in ("eq", "neq", "gt", "gte", "lt", "lte")}
        | {"in_": list[scalar] | None, "is_null": bool | None},
        **{op: None for op in ("eq", "neq", "gt", "gte", "lt", "lte", "is_null")},
        "in_": strawberry.field(default=None, name="in"),
    }
    return strawberry.input(type(name, (), namespace), description=description)


IntFilter = _ordered("IntFilter", int, "Integer operators.")
DecimalFilter = _ordered("DecimalFilter", Decimal, "Decimal (money) operators; values are decimal strings.")
DateFilter = _ordered("DateFilter", datetime.date, "Date operators (ISO 8601, YYYY-MM-DD).")
DateTimeFilter = _ordered("DateTimeFilter", datetime.datetime, "Timestamp operators (ISO 8601, UTC).")


@strawberry.input(description="Boolean operator.")
class BooleanFilter:
    eq: bool | None = None


@cache
def enum_filter(enum: type[Enum]) -> type:
    """``<Enum>Filter`` with ``eq neq in notIn``, made once per enum."""
    gql_name = enum_name(enum) or enum.__name__
    namespace = {
        "__annotations__": {
            "eq": enum | None,
            "neq": enum | None,
            "in_": list[enum] | None,
            "not_in": list[enum] | None,
        },
        "eq": None,
        "neq": None,
        "in_": strawberry.field(default=None, name="in"),
        "not_in": None,
    }
    return strawberry.input(type(f"{gql_name}Filter", (), namespace), description=f"{gql_name} operators.")


@strawberry.input(description="Global-id operators.")
class IDFilter:
    eq: strawberry.ID | None = None
    in_: list[strawberry.ID] | None = strawberry.field(default=None, name="in")


def id_resolver(type_name: str, field: str = "id"):
    """For an ``XFilter.resolve_<name>`` method: turn global ids into the integer keys of ``field``."""

    def resolve(_self: Any, value: IDFilter) -> tuple[str, Any]:
        try:
            eq = int_key(value.eq, type_name) if value.eq is not None else None
            in_ = [int_key(v, type_name) for v in value.in_] if value.in_ is not None else None
        except InvalidId:
            eq, in_ = -1, None  # an id of another type matches nothing, like an unknown id
        return field, _KeyFilter(eq=eq, in_=in_)

    return resolve


@dataclasses.dataclass(frozen=True)
class _KeyFilter:
    """Integer keys decoded from an IDFilter, shaped like an operator input."""

    eq: int | None = None
    in_: list[int] | None = None
