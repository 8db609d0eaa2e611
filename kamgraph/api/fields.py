"""Field factories for the shapes every object type repeats: fetch one, list all, list children, follow a
key, a small child list, a guarded value, a computed value. Each nested factory owns both of its paths, side
by side: the ordinary resolver, and a ``FastField`` that computes the same values for a whole level at once
on the fast path (``kamgraph/api/fastpath.py``), so a type built from them is resolved there in one pass.

    account = node_field(Account, AccountType)
    accounts = list_field(Account, AccountType, AccountFilter, AccountOrder)
    contracts = child_list_field(Contract, "account", ContractType, ContractFilter, ContractOrder)

Each takes the model (so rows come through the scoped accessor) and the GraphQL types; the arguments
(``first after last before filter orderBy``) are the same everywhere, as API.md asks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from kamgraph.api.connections import (
    Connection,
    child_connection,
    list_connection,
    order_from,
    page_request,
)
from kamgraph.api.context import Context
from kamgraph.api.fastpath import (
    FAST,
    FastField,
    Resolver,
    Selection,
    columns_for,
    fast_object,
    object_type_of,
)
from kamgraph.api.nodes import load_children, load_one, resolve_global_ids
from kamgraph.db.sql import Order
from kamgraph.security.audit import read_guarded


def node_field(model: type[Model], node_type: Any, description: str | None = None, *, name: str | None = None) -> Any:
    """``thing(id: ID!): Thing``: null when the id is unknown, of another type, or outside the caller's scope."""

    async def resolve(info: Info, id: strawberry.ID) -> Any:
        found = (await resolve_global_ids(info, [id]))[0]
        return await fast_object(info, found) if isinstance(found, model) else None

    resolve.__annotations__ = {"info": Info, "id": strawberry.ID, "return": node_type | None}
    return strawberry.field(
        resolver=resolve,
        name=name,
        description=description or f"One {model.__name__} by id; null when absent or outside your scope.",
    )


def list_field(
    model: type[Model],
    node_type: Any,
    filter_type: Any,
    order_type: Any,
    description: str | None = None,
    *,
    default_order: list[Any] | None = None,
    name: str | None = None,
) -> Any:
    """``things(first, after, last, before, filter, orderBy, includeArchived): ThingConnection!``, ordered by
    ``default_order`` (``XOrder`` inputs) when no order is asked for; ``includeArchived`` only where rows can be
    archived."""

    async def resolve(
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
        include_archived: bool = False,
    ) -> Any:
        ctx: Context = info.context
        rows = ctx.rows(model).filter(filter)
        return await list_connection(
            info,
            rows if include_archived else rows.live(),
            order_by=order_by or default_order,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    resolve.__annotations__ = _list_annotations(node_type, filter_type, order_type) | {"include_archived": bool}
    if "archived_at" not in model._meta.fields_map:  # nothing to include: no such argument
        signature = inspect.signature(resolve)
        resolve.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p for p in signature.parameters.values() if p.name != "include_archived"]
        )
        del resolve.__annotations__["include_archived"]
    return strawberry.field(
        resolver=resolve,
        name=name,
        description=description or f"The {model.__name__} rows you may see. Archived ones only with includeArchived.",
    )


@dataclass(frozen=True)
class ChildList(FastField):
    """A nested connection: rows of ``model`` whose ``parent_fk`` is the parent's key, one page per parent."""

    model: type[Model]
    parent_fk: str
    default_order: tuple[Any, ...] = ()  # ``XOrder`` inputs used when the query asks for no order
    connection = True

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        arguments, ctx = selection.arguments, resolver.ctx
        order = order_from(arguments.get("order_by") or self.default_order)
        request = page_request(
            ctx,
            self.model,
            order,
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
        rows = ctx.rows(self.model).filter(arguments.get("filter")).live()
        parent = (self.parent_fk, [s.pk for s in sources])
        return await resolver.connections(selection, self.model, rows, order, request, parent=parent)


def child_list_field(
    model: type[Model],
    parent_fk: str,
    node_type: Any,
    filter_type: Any,
    order_type: Any,
    description: str | None = None,
    *,
    default_order: list[Any] | None = None,
    name: str | None = None,
) -> Any:
    """A nested connection (``account.contracts``): all parents of one field share one SQL statement; ordered
    by ``default_order`` when no order is asked for."""

    async def resolve(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
    ) -> Any:
        return await child_connection(
            info,
            model,
            parent_fk,
            root.pk,
            filter=filter,
            order_by=order_by or default_order,
            first=first,
            after=after,
            last=last,
            before=before,
            live_only=True,
        )

    resolve.__annotations__ = {"root": Any} | _list_annotations(node_type, filter_type, order_type)
    spec = ChildList(model, parent_fk, tuple(default_order or ()))
    return strawberry.field(resolver=resolve, name=name, description=description, metadata={FAST: spec})


@dataclass(frozen=True)
class ToOne(FastField):
    """The row of ``model`` whose key is in the attribute ``attr`` (``owner_id``): one statement per level."""

    model: type[Model]
    attr: str

    def columns(self, model: type[Model]) -> set[str]:
        foreign_key = self.attr.removesuffix("_id")  # the key column, by its foreign key's name (owner for owner_id)
        return {foreign_key if foreign_key in model._meta.fields_map else self.attr}

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        keys = [getattr(s, self.attr) for s in sources]
        object_type = object_type_of(selection.graphql_type)
        columns = columns_for(resolver.planner, object_type, selection.nodes, self.model)
        wanted = {k for k in keys if k is not None}
        found = await resolver.ctx.rows(self.model).only(columns).get_many(wanted) if wanted else {}
        return await resolver.objects(object_type, selection.nodes, [found.get(k) for k in keys])


def to_one_field(model: type[Model], attr: str, node_type: Any, description: str | None = None) -> Any:
    """The row whose key is in ``attr`` (``owner = to_one_field(Person, "owner_id", PersonType)``): batched,
    through the scoped accessor, null when absent or outside the caller's scope."""

    async def resolve(root: Any, info: Info) -> Any:
        return await load_one(info, model, getattr(root, attr))

    resolve.__annotations__ = {"root": Any, "info": Info, "return": node_type | None}
    return strawberry.field(resolver=resolve, description=description, metadata={FAST: ToOne(model, attr)})


@dataclass(frozen=True)
class Children(FastField):
    """Every row of ``model`` under the parent, in ``order``; ``last`` keeps the final n when asked."""

    model: type[Model]
    parent_fk: str
    order: tuple[str, ...]

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        object_type = object_type_of(selection.graphql_type)
        columns = columns_for(resolver.planner, object_type, selection.nodes, self.model) | {self.parent_fk}
        parent_ids = [s.pk for s in sources]
        rows = (
            await resolver.ctx.rows(self.model)
            .only(columns)
            .where(self.parent_fk, parent_ids)
            .all(Order(tuple((name, False) for name in self.order)))
        )
        attr = self.model._meta.fields_map[self.parent_fk].source_field
        grouped: dict[Any, list[Any]] = {pid: [] for pid in parent_ids}
        for row in rows:
            grouped[getattr(row, attr)].append(row)
        last = selection.arguments.get("last")
        lists = [grouped[pid][-last:] if last else grouped[pid] for pid in parent_ids]
        done = iter(await resolver.objects(object_type, selection.nodes, [row for group in lists for row in group]))
        return [[next(done) for _ in group] for group in lists]


def children_field(
    model: type[Model],
    parent_fk: str,
    node_type: Any,
    order: tuple[str, ...],
    description: str | None = None,
    *,
    last: bool = False,
) -> Any:
    """Every row of a small child list (a schedule, a team) in ``order``; with ``last``, an argument
    ``last: Int`` keeps the final n. For lists that can grow without bound, use ``child_list_field``."""

    async def every_row(root: Any, info: Info) -> Any:
        return await load_children(info, model, parent_fk, root.pk, order)

    async def final_rows(root: Any, info: Info, last: int | None = None) -> Any:
        rows = await every_row(root, info)
        return rows[-last:] if last else rows

    resolve = final_rows if last else every_row
    resolve.__annotations__ = {"root": Any, "info": Info, "return": list[node_type]} | (
        {"last": int | None} if last else {}
    )
    return strawberry.field(
        resolver=resolve, description=description, metadata={FAST: Children(model, parent_fk, order)}
    )


@dataclass(frozen=True)
class Guarded(FastField):
    """A value needing a permission; ``wrap(row, value)`` shapes it (e.g. into Money), ``needs`` more columns."""

    name: str
    wrap: Callable[[Any, Any], Any] | None = None
    needs: tuple[str, ...] = ()

    def columns(self, model: type[Model]) -> set[str]:  # and what read_guarded and the audit of the read look at
        return {self.name, *self.needs, *getattr(model, "guard_columns", ()), *(model.scope_via or ())[:1]}

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        reads, actor = resolver.ctx.reads, resolver.ctx.actor
        raw = [read_guarded(actor, reads, s, self.name) for s in sources]
        if self.wrap is not None:
            raw = [None if v is None else self.wrap(s, v) for s, v in zip(sources, raw, strict=True)]
        return await resolver.complete(selection, raw)


def sensitive_field(
    name: str,
    value_type: Any,
    description: str | None = None,
    *,
    wrap: Callable[[Any, Any], Any] | None = None,
    needs: tuple[str, ...] = (),
) -> Any:
    """A field whose value needs a permission (the model's ``sensitive_fields``): null without it,
    and every read that returns it goes to the audit trail. ``wrap(row, value)`` shapes the value (into
    ``Money``, say), reading the columns ``needs``."""

    def resolve(root: Any, info: Info) -> Any:
        value = info.context.sensitive(root, name)
        return value if wrap is None or value is None else wrap(root, value)

    resolve.__annotations__ = {"root": Any, "info": Info, "return": value_type | None}
    return strawberry.field(resolver=resolve, description=description, metadata={FAST: Guarded(name, wrap, needs)})


@dataclass(frozen=True)
class Computed(FastField):
    """A pure function of the row's columns ``needs``."""

    function: Callable[[Any], Any]
    needs: tuple[str, ...]

    def columns(self, model: type[Model]) -> set[str]:
        return set(self.needs)

    async def fast(self, resolver: Resolver, selection: Selection, sources: list[Any]) -> list[Any]:
        return await resolver.complete(selection, [self.function(s) for s in sources])


def computed_field(
    function: Callable[[Any], Any], value_type: Any, needs: tuple[str, ...], description: str | None = None
) -> Any:
    """A value computed from the row's columns ``needs`` by a pure function (no database)."""

    def resolve(root: Any) -> Any:
        return function(root)

    resolve.__annotations__ = {"root": Any, "return": value_type}
    return strawberry.field(resolver=resolve, description=description, metadata={FAST: Computed(function, needs)})


def _list_annotations(node_type: Any, filter_type: Any, order_type: Any) -> dict[str, Any]:
    return {
        "info": Info,
        "first": int | None,
        "after": str | None,
        "last": int | None,
        "before": str | None,
        "filter": filter_type | None,
        "order_by": list[order_type] | None,
        "return": Connection[node_type],
    }
