"""Mutations: payload types and the one way a mutation writes (API.md "Mutations and errors").

``write(info, Payload, action)`` runs ``action`` in one write transaction. If the action raises
``Refused`` (or the database refuses a constraint) the transaction rolls back and the payload carries
``userErrors`` only: a payload with user errors changed nothing. Events reach ``on_event`` after commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from kamgraph.api.context import Context
from kamgraph.api.errors import RequestError, UserError, user_error
from kamgraph.core.writes import upsert_each
from kamgraph.errors import Code, Problem, Refused, invalid
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
            ctx.pm,
            ctx.actor,
            ctx.settings,
            ctx.event_types,
            ctx.request_id,
            info.operation.name.value if info.operation.name else None,
        ) as unit:
            result = await action(unit)
    except Refused as refused:
        return payload(user_errors=[user_error(p) for p in refused.problems])
    except IntegrityError as exc:
        problem = Problem(
            (), Code.CONFLICT, f"the write collided with existing data ({_constraint(exc)}); nothing was changed"
        )
        return payload(user_errors=[user_error(problem)])
    ctx.loaders.clear()  # rows cached before the write are stale now
    return payload(user_errors=[], **result)


MAX_UPSERT = 500


@strawberry.enum(description="What a bulk upsert did with one record.")
class UpsertStatus(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    FAILED = "FAILED"


@strawberry.type
class UpsertCounts:
    created: int
    updated: int
    unchanged: int
    failed: int


def upsert_payload_type(noun: str, field: str, node_type: type, plural: str | None = None) -> type:
    """``Upsert<plural>Payload`` (plural defaults to noun + s): one ``<Noun>UpsertResult`` per record (``field`` holds the row), and counts."""
    result = strawberry.type(
        type(
            f"{noun}UpsertResult",
            (),
            {
                "__annotations__": {
                    "index": int,
                    "external_id": str,
                    "status": UpsertStatus,
                    field: node_type | None,
                    "user_errors": list[UserError],
                },
            },
        ),
        description="The outcome of one record: a failed record changed nothing.",
    )

    def counts(self: Any) -> UpsertCounts:
        return UpsertCounts(**{s.value.lower(): sum(r.status is s for r in self.results) for s in UpsertStatus})

    payload = type(
        f"Upsert{plural or noun + 's'}Payload",
        (),
        {
            "__annotations__": {"results": list[result], "user_errors": list[UserError]},
            "results": strawberry.field(default_factory=list),
            "user_errors": strawberry.field(default_factory=list),
            "counts": strawberry.field(resolver=counts),
        },
    )
    payload = strawberry.type(
        payload, description="Per-record results; the good records were applied, the bad ones reported."
    )
    payload.result_type, payload.row_field = result, field
    return payload


async def bulk_upsert(
    info: Info,
    payload: type,
    source: str,
    records: Sequence[Any],
    path: str,
    apply: Callable[[UnitOfWork, str, Any], Awaitable[tuple[str, Any]]],
    permission: str | None = None,
) -> Any:
    """Upsert up to ``MAX_UPSERT`` records from ``source`` in one transaction, each in a savepoint of its own:
    ``apply(unit, source, record)`` returns the outcome and the row; a record it refuses is rolled back whole."""
    if len(records) > MAX_UPSERT:
        raise RequestError(
            f"a bulk upsert takes at most {MAX_UPSERT} records a call", code="LIMIT_EXCEEDED", limit=MAX_UPSERT
        )
    source = source.strip()

    async def action(unit: UnitOfWork) -> dict[str, Any]:
        if not source:
            raise Refused([invalid(("source",), "a source names the system the external ids come from")])
        results = await upsert_each(unit, list(records), lambda record: apply(unit, source, record), path)
        return {
            "results": [
                payload.result_type(
                    index=r.index,
                    external_id=r.external_id,
                    status=UpsertStatus(r.status),
                    user_errors=[user_error(p) for p in r.problems],
                    **{payload.row_field: r.row},
                )
                for r in results
            ]
        }

    return await write(info, payload, action, permission)


def _constraint(exc: IntegrityError) -> str:
    return str(exc).splitlines()[0][:200]
