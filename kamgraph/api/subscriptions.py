"""``subscription { events(types: [...]) }``: committed events, live, within the subscriber's row scope.

Over WebSocket with the graphql-transport-ws or the legacy graphql-ws protocol, in text frames; the client
authenticates in ``connection_init`` (``{"Authorization": "Bearer <token>"}``, any case) or with the
Authorization header of the upgrade request (kamgraph.app.KamgraphGraphQL.on_ws_connect).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from kamgraph.api.context import Context
from kamgraph.api.errors import RequestError
from kamgraph.events.feed import FeedOverflow
from kamgraph.metrics import open_subscription
from kamgraph.security.auth import still_valid
from kamgraph.security.models import OutboxEvent

RECHECK_SECONDS = 30


@strawberry.type(description="Something that happened, after its transaction committed.")
class DomainEvent:
    id: str = strawberry.field(description="Unique; webhooks carry the same id for the same event.")
    type: str = strawberry.field(description="The event type, e.g. contract.signed (see eventTypes).")
    subject: strawberry.ID = strawberry.field(description="The global id of what the event is about.")
    data: JSON = strawberry.field(
        description="Type-specific details (see eventTypes); values that need a permission are not copied here."
    )
    actor: str = strawberry.field(
        description='Who caused it: a member of staff\'s name, "api key <name>", or the platform (system, or a '
        "plugin reacting to an event)."
    )
    occurred_at: datetime = strawberry.field(description="When the change it reports happened.")

    @classmethod
    def from_row(cls, row: OutboxEvent) -> DomainEvent:
        return cls(
            id=row.event_id,
            type=row.type,
            subject=strawberry.ID(row.subject),
            data=json.loads(row.data),
            actor=row.actor,
            occurred_at=row.occurred_at,
        )


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        description="Events as they commit, of the given types (all when omitted), for the accounts you may see."
    )
    async def events(
        self,
        info: Info,
        types: Annotated[
            list[str] | None,
            strawberry.argument(
                description="The event types to receive (see eventTypes); every type when omitted. An unknown type "
                "is refused."
            ),
        ] = None,
    ) -> AsyncGenerator[DomainEvent, None]:
        ctx: Context = info.context
        unknown = sorted(set(types or ()) - set(ctx.event_types))
        if unknown:
            raise RequestError(f"unknown event types: {', '.join(unknown)} (see eventTypes)", code="BAD_REQUEST")
        with open_subscription():
            async with ctx.feed.subscribe(ctx.actor, types or ()) as queue:
                while True:
                    try:
                        item = await asyncio.wait_for(queue.get(), timeout=RECHECK_SECONDS)
                    except TimeoutError:  # a logout or a revoked key ends the subscription too
                        if not await still_valid(ctx.actor):
                            raise RequestError(
                                "your session or key is no longer valid; log in again", code="UNAUTHENTICATED"
                            ) from None
                        continue
                    if isinstance(item, FeedOverflow):
                        raise RequestError(str(item), code="LIMIT_EXCEEDED")
                    if not await still_valid(ctx.actor):  # nothing more after a logout, however busy the feed
                        raise RequestError(
                            "your session or key is no longer valid; log in again", code="UNAUTHENTICATED"
                        )
                    yield DomainEvent.from_row(item)
