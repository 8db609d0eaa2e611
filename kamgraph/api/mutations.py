"""Mutations: payload types and the one way a mutation writes (API.md "Mutations and errors").

``write(info, Payload, action)`` runs ``action`` in one write transaction. If the action raises
``Refused`` (or the database refuses a constraint) the transaction rolls back and the payload carries
``userErrors`` only: a payload with user errors changed nothing. Events reach ``on_event`` after commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from kamgraph.api.context import Context
from kamgraph.api.errors import UserError, user_error
from kamgraph.errors import Code, Problem, Refused
from kamgraph.events import UnitOfWork, unit_of_work
from kamgraph.security.permissions import require


def payload_type(name: str, description: str = "", **fields: Any) -> type:
    """``<name>Payload`` with the given optional object fields and ``userErrors``."""
    annotations = {field: typ | None for field, typ in fields.items()}
    annotations["user_errors"] = list[UserError]
    namespace: dict[str, Any] = {"__annotations__": annotations, **{field: None for field in fields}}
    namespace["user_errors"] = strawberry.field(default_factory=list)
    cls = type(f"{name}Payload", (), namespace)
    return strawberry.type(cls, description=description or f"The result of {name[0].lower()}{name[1:]}.")


async def write(
    info: Info, payload: type, action: Callable[[UnitOfWork], Awaitable[dict[str, Any]]], permission: str | None = None
) -> Any:
    """Run ``action`` in one write transaction, after checking ``permission`` (FORBIDDEN without it)."""
    ctx: Context = info.context
    try:
        if permission:
            require(ctx.actor, permission)
        async with unit_of_work(
            ctx.pm, ctx.actor, ctx.settings, ctx.event_types, ctx.request_id, info.operation.name.value if info.operation.name else None
        ) as unit:
            result = await action(unit)
    except Refused as refused:
        return payload(user_errors=[user_error(p) for p in refused.problems])
    except IntegrityError as exc:
        problem = Problem((), Code.CONFLICT, f"the write collided with existing data ({_constraint(exc)}); nothing was changed")
        return payload(user_errors=[user_error(problem)])
    ctx.loaders.clear()  # rows cached before the write are stale now
    return payload(user_errors=[], **result)


def _constraint(exc: IntegrityError) -> str:
    return str(exc).splitlines()[0][:200]
