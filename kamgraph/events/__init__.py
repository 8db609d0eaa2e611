"""Domain events, emitted inside a write and delivered only after its transaction commits.

A service calls :func:`emit` while it writes; :func:`unit_of_work` opens the write transaction and,
once it has committed, hands each event to every plugin's ``on_event``. A write that is refused or
fails emits nothing. (The transactional outbox and webhooks build on this; see issue "Integrations".)
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.models import Model

from kamgraph.db import write_transaction
from kamgraph.errors import Refused
from kamgraph.events import feed
from kamgraph.plugin_manager import await_me_maybe
from kamgraph.security.audit import AuditEntry
from kamgraph.security.audit import entry as audit_entry
from kamgraph.security.audit import store as store_audit

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.actors import Actor
    from kamgraph.settings import Settings

log = logging.getLogger("kamgraph.events")


@dataclass(frozen=True)
class Event:
    """Something that happened: ``type`` (``contract.signed``), the global id of its subject, and data."""

    type: str
    subject: str
    data: Mapping[str, Any]
    actor: str
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class UnknownEventType(RuntimeError):
    pass


@dataclass
class UnitOfWork:
    """One write: who makes it, under which settings, and the events it will deliver after commit."""

    actor: Actor
    settings: Settings
    event_types: Mapping[str, Any]
    request_id: str | None = None
    operation_name: str | None = None
    #: the plugins, for rule hooks a service consults inside the write (``contract_transition_problems``)
    pm: PluginManager | None = None
    events: list[Event] = field(default_factory=list)
    audits: list[AuditEntry] = field(default_factory=list)

    def audit(self, action: str, row: Model, *, changes: dict[str, Any] | None = None, account_id: Any = ...) -> None:
        """Record a write for the audit trail; stored with the change, in the same transaction."""
        self.audits.append(audit_entry(action, row, changes=changes, account_id=account_id))

    def emit(self, type: str, subject: str, **data: Any) -> Event:
        if type not in self.event_types:
            raise UnknownEventType(f"event type {type!r} is not registered by any plugin (register_event_types)")
        event = Event(type=type, subject=subject, data=data, actor=self.actor.name)
        self.events.append(event)
        return event


_current: ContextVar[UnitOfWork | None] = ContextVar("kamgraph_unit_of_work", default=None)


def current_unit() -> UnitOfWork:
    unit = _current.get()
    if unit is None:
        raise RuntimeError("writes happen inside unit_of_work() (kamgraph.api.write does that for mutations)")
    return unit


def emit(type: str, subject: str, **data: Any) -> Event:
    """Record an event of the current write; it is delivered after the write commits."""
    unit = _current.get()
    if unit is None:
        raise RuntimeError("emit() is only possible inside unit_of_work()")
    return unit.emit(type, subject, **data)


@contextlib.asynccontextmanager
async def unit_of_work(
    pm: PluginManager,
    actor: Actor,
    settings: Settings,
    event_types: Mapping[str, Any],
    request_id: str | None = None,
    operation_name: str | None = None,
) -> AsyncIterator[UnitOfWork]:
    """One write transaction with its audit records; its events go to ``on_event`` after it commits."""
    unit = UnitOfWork(
        actor=actor,
        settings=settings,
        event_types=event_types,
        request_id=request_id,
        operation_name=operation_name,
        pm=pm,
    )
    token = _current.set(unit)
    try:
        async with write_transaction():
            yield unit
            await store_audit(unit.audits, actor, request_id, operation_name)
            await write_outbox(unit.events)
            await feed.announce(unit.events)
    finally:
        _current.reset(token)
    await deliver(pm, unit.events, unit)


def account_of_event(event: Event) -> int | None:
    """The account an event concerns: its subject, or the account its data names."""
    from kamgraph.ids import InvalidId, from_global_id

    for candidate in (event.subject, event.data.get("accountId")):
        try:
            kind, key = from_global_id(candidate) if candidate else ("", "")
        except InvalidId:
            continue
        if kind == "Account" and key.isdigit():
            return int(key)
    return None


async def accounts_of_subjects(events: list[Event]) -> dict[str, int]:
    """The account of each event's subject that hangs off one (a contract, a contact, an opportunity...),
    found through the model's declared ``scope_via``: one statement per kind of subject. Every event about
    an account-owned object carries its account, so that the row scope decides who receives it."""
    from tortoise import Tortoise

    from kamgraph.ids import InvalidId, from_global_id, int_key

    models = {name: model for app in Tortoise.apps.values() for name, model in app.items()}
    wanted: dict[str, dict[int, str]] = {}
    for event in events:
        try:
            kind = from_global_id(event.subject)[0]
            model = models.get(kind)
            if model is not None and getattr(model, "scope_via", None):
                wanted.setdefault(kind, {})[int_key(event.subject, kind)] = event.subject
        except InvalidId:
            continue
    found: dict[str, int] = {}
    for kind, subjects in wanted.items():
        *hops, last = models[kind].scope_via
        column = "__".join([*hops, f"{last}_id"])
        for key, account_id in await models[kind].filter(id__in=list(subjects)).values_list("id", column):
            if account_id is not None:
                found[subjects[key]] = account_id
    return found


async def write_outbox(events: list[Event]) -> None:
    """Events go into the outbox in the transaction of their change: committed together or not at all."""
    if not events:
        return
    from kamgraph.security.models import OutboxEvent

    subject_accounts = await accounts_of_subjects([e for e in events if account_of_event(e) is None])

    await OutboxEvent.bulk_create(
        [
            OutboxEvent(
                event_id=e.id,
                type=e.type,
                subject=e.subject,
                data=json.dumps(dict(e.data), ensure_ascii=False, default=str),
                actor=e.actor,
                occurred_at=e.occurred_at,
                account_id=account_of_event(e) or subject_accounts.get(e.subject),
            )
            for e in events
        ]
    )


#: how deep reactions may cause reactions: an event whose reaction emits events whose reactions emit...
MAX_REACTION_DEPTH = 5
_reaction_depth: ContextVar[int] = ContextVar("kamgraph_reaction_depth", default=0)


async def deliver(pm: PluginManager, events: list[Event], cause: UnitOfWork | None = None) -> None:
    """Hand events to every ``on_event``; a failing plugin is logged and does not stop the others.

    An implementation that takes ``unit`` reacts inside a unit of work of its own, as the system acting for
    the plugin: what it writes is audited and committed together, its events are delivered in turn, and a
    refused or failing reaction changes nothing."""
    depth = _reaction_depth.get()
    for event in events:
        for impl in pm.hook.on_event.get_hookimpls():  # registration order: the core first
            plugin = pm.get_name(impl.plugin)
            try:
                if "unit" not in impl.argnames:
                    await await_me_maybe(impl.function(event=event))
                elif cause is None:
                    log.error("plugin %s reacts with a unit of work, but event %s came without one", plugin, event.id)
                elif depth >= MAX_REACTION_DEPTH:
                    log.error(
                        "reactions to %s stop at depth %d (plugin %s): a reaction loop?", event.type, depth, plugin
                    )
                else:
                    await _react(pm, impl, plugin, event, cause, depth)
            except Refused as refused:
                log.warning(
                    "plugin %s refused its reaction to %s (%s): %s", plugin, event.type, event.id, refused.problems
                )
            except Exception:
                log.exception("plugin %s failed on event %s (%s)", plugin, event.type, event.id)


async def _react(pm: PluginManager, impl: Any, plugin: str, event: Event, cause: UnitOfWork, depth: int) -> None:
    from kamgraph.security.actors import SYSTEM_ACTOR

    actor = replace(SYSTEM_ACTOR, name=f"{plugin} (on {event.type})")
    token = _reaction_depth.set(depth + 1)
    try:
        async with unit_of_work(
            pm, actor, cause.settings, cause.event_types, cause.request_id, f"on_event:{plugin}"
        ) as unit:
            await await_me_maybe(impl.function(event=event, unit=unit))
    finally:
        _reaction_depth.reset(token)
