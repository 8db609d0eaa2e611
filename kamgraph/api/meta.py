"""What this deployment runs: enabled plugins and the event types they emit, for clients to discover."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from kamgraph.api.context import Context


@strawberry.type(description="An enabled plugin.")
class Plugin:
    name: str = strawberry.field(description='The plugin\'s name, e.g. "core" or "risk".')
    version: str = strawberry.field(description="The plugin's version.")
    requires: list[str] = strawberry.field(description="The names of the plugins it needs enabled too.")


@strawberry.type(description="A kind of event that webhooks, subscriptions and plugins can receive.")
class EventType:
    name: str = strawberry.field(
        description="The event type, <object>.<verb> for the core's (account.created) and <plugin>.<object>.<verb> "
        "for a plugin's."
    )
    description: str = strawberry.field(description="When the event is emitted and what its data holds.")


@strawberry.type
class MetaQueries:
    @strawberry.field(description="The plugins enabled in this deployment (the core included).")
    def plugins(self, info: Info) -> list[Plugin]:
        ctx: Context = info.context
        return [Plugin(name=i.name, version=i.version, requires=list(i.requires)) for i in ctx.pm.infos.values()]

    @strawberry.field(description="Every event type the enabled plugins emit.")
    def event_types(self, info: Info) -> list[EventType]:
        ctx: Context = info.context
        return [EventType(name=name, description=text) for name, text in sorted(ctx.event_types.items())]
