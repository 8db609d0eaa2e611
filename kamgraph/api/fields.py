"""Field factories for the three shapes every object type repeats: fetch one, list all, list children.

    account = node_field(Account, AccountType)
    accounts = list_field(Account, AccountType, AccountFilter, AccountOrder)
    contracts = child_list_field(Contract, "account", ContractType, ContractFilter, ContractOrder)

Each takes the model (so rows come through the scoped accessor) and the GraphQL types; the arguments
(``first after last before filter orderBy``) are the same everywhere, as API.md asks.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from kamgraph.api.connections import Connection, child_connection, list_connection
from kamgraph.api.context import Context
from kamgraph.api.nodes import resolve_global_ids


def node_field(model: type[Model], node_type: Any, description: str | None = None) -> Any:
    """``thing(id: ID!): Thing``: null when the id is unknown, of another type, or outside the caller's scope."""

    async def resolve(info: Info, id: strawberry.ID) -> Any:
        found = (await resolve_global_ids(info, [id]))[0]
        return found if isinstance(found, model) else None

    resolve.__annotations__ = {"info": Info, "id": strawberry.ID, "return": node_type | None}
    name = model.__name__
    return strawberry.field(resolver=resolve, description=description or f"One {name} by id; null when absent or outside your scope.")


def list_field(model: type[Model], node_type: Any, filter_type: Any, order_type: Any, description: str | None = None) -> Any:
    """``things(first, after, last, before, filter, orderBy, includeArchived): ThingConnection!``."""

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
            info, rows if include_archived else rows.live(), order_by=order_by, first=first, after=after, last=last, before=before
        )

    resolve.__annotations__ = _list_annotations(node_type, filter_type, order_type) | {"include_archived": bool}
    return strawberry.field(
        resolver=resolve,
        description=description or f"The {model.__name__} rows you may see. Archived ones only with includeArchived.",
    )


def child_list_field(
    model: type[Model], parent_fk: str, node_type: Any, filter_type: Any, order_type: Any, description: str | None = None
) -> Any:
    """A nested connection (``account.contracts``): all parents of one field share one SQL statement."""

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
            info, model, parent_fk, root.pk, filter=filter, order_by=order_by,
            first=first, after=after, last=last, before=before, live_only=True,
        )

    resolve.__annotations__ = {"root": Any} | _list_annotations(node_type, filter_type, order_type)
    return strawberry.field(resolver=resolve, description=description)


def sensitive_field(name: str, value_type: Any, description: str | None = None) -> Any:
    """A field whose value needs a permission (the model's ``sensitive_fields``): null without it,
    and every read that returns it goes to the audit trail."""

    def resolve(root: Any, info: Info) -> Any:
        return info.context.sensitive(root, name)

    resolve.__annotations__ = {"root": Any, "info": Info, "return": value_type | None}
    return strawberry.field(resolver=resolve, description=description)


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
