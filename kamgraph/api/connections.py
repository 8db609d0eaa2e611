"""Connections with keyset cursors and ``totalCount`` (API.md "Lists are connections").

A cursor encodes the sort key values and the id of its row, so page 10,000 costs what page 1 costs.
Root lists use :func:`list_connection`; nested lists use :func:`child_connection`, which batches
every parent of the same field into one statement.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info
from tortoise import fields as orm
from tortoise.models import Model

from kamgraph.api.context import Context
from kamgraph.api.errors import RequestError
from kamgraph.api.fastpath import fast_connection
from kamgraph.db.sql import Order, cursor_values
from kamgraph.ids import MAX_KEY
from kamgraph.security.scope import Page, PageRequest, Rows

T = TypeVar("T")


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


def order_input(name: str, fields: type[Enum]) -> type:
    """``<name>: { field: <Fields>!, direction: OrderDirection = ASC }``, the element of ``orderBy``.

    ``fields`` is a strawberry enum whose values are model field names (``SIGNED_AT = "signed_on"``).
    """
    namespace = {"__annotations__": {"field": fields, "direction": OrderDirection}, "direction": OrderDirection.ASC}
    return strawberry.input(type(name, (), namespace), name=name)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type  # described per list by kamgraph.api.conventions: "A page of accounts, ..."
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list has, across all pages (one COUNT when asked for).")
    async def total_count(self) -> int:
        return await self.count()

    @strawberry.field(description="The items of this page, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


# --- cursors ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime | Decimal):
        return str(value)
    return value


def encode_cursor(values: Sequence[Any], keys: Sequence[tuple[str, bool]]) -> str:
    payload = json.dumps(
        [[name for name, _ in keys], [_plain(v) for v in values]], separators=(",", ":"), ensure_ascii=False
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keys: Sequence[tuple[str, bool]]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        names, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise RequestError(f"{cursor!r} is not a cursor of this list") from exc
    if names != [name for name, _ in keys] or len(values) != len(keys):
        raise RequestError("the cursor belongs to another ordering of this list; start again without after/before")
    decoded = []
    for (name, _), value in zip(keys, values, strict=True):
        field = model._meta.fields_map[name]
        if hasattr(field, "source_field") and field.source_field and name != field.source_field:
            field = model._meta.fields_map[field.source_field]
        try:
            decoded.append(None if value is None else _cursor_value(field, value))
        except (ValueError, TypeError, ArithmeticError) as exc:  # a cursor made by hand: not one we issued
            raise RequestError(f"{cursor!r} is not a cursor of this list") from exc
    return decoded


def _cursor_value(field: Any, value: Any) -> Any:
    """A cursor's value for ``field``, of exactly the kind we encode (a forged one never reaches SQL)."""
    if isinstance(field, orm.IntField | orm.BigIntField | orm.SmallIntField):
        if type(value) is not int or not -MAX_KEY <= value <= MAX_KEY:
            raise ValueError("not an integer key")
        return value
    if isinstance(field, orm.BooleanField):
        if type(value) is not bool:
            raise ValueError("not a boolean")
        return value
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("not a plain value")
    if isinstance(field, orm.DecimalField):
        return Decimal(str(value))
    if isinstance(field, orm.DatetimeField):
        return datetime.fromisoformat(str(value))
    if isinstance(field, orm.DateField):
        return date.fromisoformat(str(value))
    if not isinstance(value, str):
        raise ValueError("not text")
    return field.to_python_value(value)


# --- arguments -------------------------------------------------------------------------------------


def order_from(order_by: Sequence[Any] | None) -> Order:
    """``[XOrder!]`` inputs (``field`` enum whose value is a model field, ``direction``) to an Order."""
    return Order(tuple((o.field.value, o.direction is OrderDirection.DESC) for o in order_by or ()))


def page_request(
    ctx: Context,
    model: type[Model],
    order: Order,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    cap = ctx.settings.max_page_size
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise RequestError(f"{name} cannot be negative")
        if value is not None and value > cap:
            raise RequestError(
                f"{name} is {value}, above the page size limit of {cap}", code="LIMIT_EXCEEDED", limit=cap
            )
    if first is not None and last is not None:
        raise RequestError("give first or last, not both")
    if first is None and last is None:
        first = ctx.settings.default_page_size
    keys = order.with_pk(model)
    return PageRequest(
        first=first,
        after=decode_cursor(after, model, keys) if after else None,
        last=last,
        before=decode_cursor(before, model, keys) if before else None,
    )


def to_connection(page: Page, count: Callable[[], Awaitable[int]]) -> Connection:
    edges = [Edge(cursor=encode_cursor(cursor_values(row, page.keys), page.keys), node=row) for row in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


async def list_connection(
    info: Info,
    rows: Rows,
    *,
    order_by: Sequence[Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection:
    """A root list: one statement for the page, one more for ``totalCount`` only if it is asked for."""
    ctx: Context = info.context
    order = order_from(order_by)
    request = page_request(ctx, rows.model, order, first, after, last, before)
    if (fast := await fast_connection(info, rows, order, request)) is not None:
        return fast
    page = await rows.page(order, request)  # a bad filter raises FilterError: a BAD_REQUEST (api/errors.py)
    return to_connection(page, rows.count)


async def child_connection(
    info: Info,
    model: type[Model],
    parent_field: str,
    parent_id: Any,
    *,
    filter: Any = None,
    order_by: Sequence[Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    live_only: bool = False,
) -> Connection:
    """A nested list (e.g. ``account.contracts``): all parents of one field share one statement."""
    ctx: Context = info.context
    order = order_from(order_by)
    request = page_request(ctx, model, order, first, after, last, before)
    rows = ctx.rows(model).filter(filter)
    if live_only:
        rows = rows.live()
    signature = (model, parent_field, repr(filter), order, repr(request), live_only)

    async def load_pages(parent_ids: list[Any]) -> list[Page]:
        pages = await rows.pages_by(parent_field, parent_ids, order, request)
        return [pages[pid] for pid in parent_ids]

    async def load_counts(parent_ids: list[Any]) -> list[int]:
        counts = await rows.count_by(parent_field, parent_ids)
        return [counts[pid] for pid in parent_ids]

    page = await ctx.loader(("pages", *signature), load_pages).load(parent_id)
    counter = ctx.loader(("counts", *signature), load_counts)
    return to_connection(page, lambda: counter.load(parent_id))
