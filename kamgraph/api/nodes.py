"""The ``Node`` interface and the ``node``/``nodes`` root fields, resolved through the scoped accessor.

kamgraph has its own ``node`` field (not ``relay.node()``, which strawberry can build only once per
process) backed by a registry built from the schema's own types: every type implementing ``Node`` names its
model with ``is_type_of = node_type_of(Model)`` (:func:`node_models`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from kamgraph.api.context import Context
from kamgraph.api.errors import RequestError
from kamgraph.db.sql import Order
from kamgraph.ids import InvalidId, from_global_id, int_key
from kamgraph.plugin_manager import PluginError


@strawberry.interface(description="An object with a global id, fetchable alone with node(id:).")
class Node:
    node_id: strawberry.ID = strawberry.field(name="id", description="Opaque global id.")


def node_type_of(model: type[Model]) -> type[Any]:
    """``is_type_of`` for a strawberry type whose rows are tortoise instances of ``model``."""

    def is_type_of(obj: Any, _info: Any) -> bool:
        return isinstance(obj, model)

    is_type_of.model = model  # type: ignore[attr-defined]  # what node(id:) resolves this type's ids with
    return staticmethod(is_type_of)  # type: ignore[return-value]


def node_models(types: Iterable[type], owner_of: Callable[[Any], str]) -> dict[str, type[Model]]:
    """What ``node(id:)`` resolves, from the object types themselves: each type implementing ``Node`` names
    its model with ``is_type_of = node_type_of(Model)``, and global ids carry the model's name."""
    found: dict[str, type[Model]] = {}
    for cls in types:
        if not (isinstance(cls, type) and issubclass(cls, Node)) or cls is Node:
            continue
        model = getattr(getattr(cls, "is_type_of", None), "model", None)
        if model is None:
            raise PluginError(
                f"plugin {owner_of(cls)!r}: type {cls.__name__} implements Node but names no model; "
                "add is_type_of = node_type_of(YourModel)"
            )
        other = found.setdefault(model.__name__, model)
        if other is not model:
            raise PluginError(
                f"node type {model.__name__!r} is declared by both plugin {owner_of(other)!r} and plugin "
                f"{owner_of(model)!r}; rename one model"
            )
    return found


async def load_one(info: Info, model: type[Model], pk: Any) -> Any:
    """One row by key through the request's batched, scoped loader (None when absent or not visible)."""
    if pk is None:
        return None
    ctx: Context = info.context
    return await ctx.by_id(model).load(pk)


async def load_children(
    info: Info, model: type[Model], parent_fk: str, parent_id: Any, order: tuple[str, ...] = ("id",)
) -> list[Any]:
    """Every row of a small child list (a schedule, a team), batched: one statement for all parents.

    Rows come through the scoped accessor, sorted by the model fields in ``order``. For lists that can
    grow without bound, use a connection (``child_list_field``) instead.
    """
    ctx: Context = info.context

    async def load(parent_ids: list[Any]) -> list[list[Any]]:
        rows = await ctx.rows(model).where(parent_fk, parent_ids).all(Order(tuple((name, False) for name in order)))
        attr = model._meta.fields_map[parent_fk].source_field
        grouped: dict[Any, list[Any]] = {pid: [] for pid in parent_ids}
        for row in rows:
            grouped[getattr(row, attr)].append(row)
        return [grouped[pid] for pid in parent_ids]

    return await ctx.loader(("children", model, parent_fk, order), load).load(parent_id)


async def resolve_global_ids(info: Info, ids: list[str]) -> list[Any]:
    registry: dict[str, type[Model]] = info.context.node_types
    keys: list[tuple[type[Model], int] | None] = []
    for global_id in ids:
        try:
            type_name, _ = from_global_id(global_id)
            model = registry.get(type_name)
            keys.append(None if model is None else (model, int_key(global_id, type_name)))
        except InvalidId:  # malformed, or a key no table can hold: no such object
            keys.append(None)
    return list(await asyncio.gather(*(load_one(info, *k) if k else _none() for k in keys)))


async def _none() -> None:
    return None


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when it does not exist or is not visible to you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return (await resolve_global_ids(info, [id]))[0]

    @strawberry.field(description="Objects by global id, in the order asked; null where absent or not visible.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        limit = info.context.settings.max_page_size
        if len(ids) > limit:
            raise RequestError(f"nodes takes at most {limit} ids", code="LIMIT_EXCEEDED", limit=limit)
        return await resolve_global_ids(info, list(ids))
