"""The per-request context: who is calling, the plugin manager, settings and the request's loaders."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info
from tortoise.models import Model

from kamgraph.security.audit import ReadLog, read_guarded
from kamgraph.security.scope import Rows, visible

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

    from kamgraph.events.feed import EventFeed
    from kamgraph.health import HealthSignal
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.actors import Actor
    from kamgraph.security.audit import GroupCommit
    from kamgraph.security.permissions import Permissions
    from kamgraph.settings import Settings


@dataclass
class Context:
    #: who is calling; None until authenticated (then only ``login`` runs)
    actor: Actor | None
    pm: PluginManager
    settings: Settings
    permissions: Permissions
    request: HTTPConnection | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: the caller's own X-Request-Id (8 to 64 plain characters), kept beside ours for their logs; never our id,
    #: so that the audit trail's request ids are the server's, not a caller's choice
    client_request_id: str | None = None
    loaders: dict[Hashable, DataLoader] = field(default_factory=dict)
    #: GraphQL type name -> model, from ``register_node_types``: what ``node(id:)`` can resolve.
    node_types: dict[str, type[Model]] = field(default_factory=dict)
    #: event type -> description, from ``register_event_types``: what a write may emit.
    event_types: dict[str, str] = field(default_factory=dict)
    #: the enabled plugins' health signals (``register_health_signals``)
    health_signals: list[HealthSignal] = field(default_factory=list)
    #: sensitive values read by this request, written to the audit trail when it ends
    reads: ReadLog = field(default_factory=ReadLog)
    #: committed events for subscriptions (one feed per server process)
    feed: EventFeed | None = None
    #: writes the audit of reads for concurrent requests together (one per server process)
    read_audit: GroupCommit | None = None
    #: the payload of a WebSocket ``connection_init`` (strawberry sets it)
    connection_params: dict[str, Any] = field(default_factory=dict)

    def sensitive(self, row: Model, name: str, value: Any = None) -> Any:
        """``row.name`` (or ``value``) if the caller holds its permission, else None; a read is audited."""
        return read_guarded(self.actor, self.reads, row, name, value)

    def may_total(self, model: type[Model], name: str) -> bool:
        """May the caller see totals of a sensitive field? A yes is audited like a read of the values."""
        permission = model.sensitive_fields.get(name)
        if permission is None:
            return True
        if self.actor is None or not self.actor.can(permission):
            return False
        self.reads.add(None, name, subject_type=f"{model.__name__} totals")
        return True

    def rows(self, model: type[Model]) -> Rows:
        """The rows of ``model`` this request's actor may see (the scoped accessor)."""
        return replace(visible(model, self.actor), reads=self.reads)

    def loader(self, key: Hashable, load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader:
        """A per-request DataLoader, created on first use for ``key``: one statement per batch."""
        found = self.loaders.get(key)
        if found is None:
            found = self.loaders[key] = DataLoader(load_fn=load, cache=True)
        return found

    def by_id(self, model: type[Model]) -> DataLoader:
        """Rows of ``model`` by primary key, scoped; a row the actor may not see loads as None."""

        async def load(ids: list[Any]) -> list[Model | None]:
            found = await self.rows(model).get_many(ids)
            return [found.get(i) for i in ids]

        return self.loader(("by_id", model), load)


def context(info: Info) -> Context:
    return info.context
