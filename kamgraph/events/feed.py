"""The live event feed behind ``subscription { events }``: committed events of every server process.

The outbox is the source. On PostgreSQL the transaction that writes outbox rows also sends
``NOTIFY kamgraph_events`` with their event ids (delivered only if it commits); every process LISTENs and
loads those rows. On SQLite, whose writers take turns, each process reads outbox rows past the last id
it has seen, a few times a second while anyone is subscribed. Either way every process sees every event
once, and each subscriber receives only the events of accounts in its row scope.

The feed is live, not durable: a subscriber that disconnects misses what happens meanwhile. Integrations
that must not miss an event use webhooks, which are delivered from the outbox with retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamgraph import db
from kamgraph.background import repeat
from kamgraph.security.models import OutboxEvent

if TYPE_CHECKING:
    from kamgraph.events import Event
    from kamgraph.security.actors import Actor
    from kamgraph.settings import Settings

log = logging.getLogger("kamgraph.events")

CHANNEL = "kamgraph_events"
NOTIFY_LIMIT = 7900  # bytes of one NOTIFY payload (PostgreSQL allows 8000)
QUEUE_LIMIT = 1000  # events a subscriber may fall behind before it is cut off
POLL_SECONDS = 0.2


async def announce(events: Iterable[Event]) -> None:
    """Inside the write transaction: on PostgreSQL, tell every process which events it commits."""
    ids = [e.id for e in events]
    if not ids or db.dialect() != "postgres":
        return
    per_message = NOTIFY_LIMIT // 33
    for start in range(0, len(ids), per_message):
        await db.db().execute_query("SELECT pg_notify($1, $2)", [CHANNEL, ",".join(ids[start : start + per_message])])


async def visible_events(actor: Actor, events: list[OutboxEvent]) -> list[OutboxEvent]:
    """The events ``actor`` may see: those of accounts in its row scope, about objects it may read (a risk
    warning needs ``risk.read``, as its query does); events of no account need a full scope."""
    from kamgraph.core.accounts.models import Account
    from kamgraph.security.scope import visible

    readable = [e for e in events if _may_read_subject(actor, e.subject)]
    accounts = {e.account_id for e in readable if e.account_id is not None}
    seen = await visible(Account, actor).get_many(accounts) if accounts else {}
    return [e for e in readable if (e.account_id in seen if e.account_id is not None else actor.sees_everything)]


def _may_read_subject(actor: Actor, subject: str) -> bool:
    """Does ``actor`` hold the read permission of the subject's model (the one the scoped accessor checks)? A
    person's own rows (``owned_by``: a sales target) reach only those who may read everyone's."""
    from tortoise import Tortoise

    from kamgraph.ids import InvalidId, from_global_id

    try:
        type_name, _ = from_global_id(subject)
    except InvalidId:
        return True
    for models in Tortoise.apps.values():
        model = models.get(type_name)
        if model is not None:
            permission = getattr(model, "read_permission", None)
            owned_by = getattr(model, "owned_by", None)
            return (permission is None or actor.can(permission)) and (owned_by is None or actor.can(owned_by[1]))
    return True


class FeedOverflow(RuntimeError):
    pass


@dataclass(eq=False)
class Subscriber:
    actor: Actor
    types: frozenset[str]
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))


class EventFeed:
    """One per server process: reads committed events and hands each subscriber what it may see."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.subscribers: set[Subscriber] = set()
        self.last_id: int | None = None  # SQLite: the newest outbox row already handed out
        self._listener = None

    async def run(self, stop: asyncio.Event) -> None:
        """Feed subscribers until ``stop`` is set (a background task of the server)."""
        if self.settings.is_sqlite:
            await repeat(self._poll, stop, POLL_SECONDS, "reading the event feed")
            return
        await repeat(self._listen, stop, 1.0, "listening for events")
        if self._listener is not None:
            await self._listener.close()

    @contextlib.asynccontextmanager
    async def subscribe(self, actor: Actor, types: Iterable[str]) -> AsyncIterator[asyncio.Queue]:
        if self.settings.is_sqlite and self.last_id is None:
            self.last_id = await self._newest_id()  # from now on, not the backlog
        subscriber = Subscriber(actor, frozenset(types))
        self.subscribers.add(subscriber)
        try:
            yield subscriber.queue
        finally:
            self.subscribers.discard(subscriber)

    async def publish(self, events: list[OutboxEvent]) -> None:
        for subscriber in list(self.subscribers):
            wanted = [e for e in events if not subscriber.types or e.type in subscriber.types]
            for event in await visible_events(subscriber.actor, wanted) if wanted else ():
                try:
                    subscriber.queue.put_nowait(event)
                except asyncio.QueueFull:
                    self.subscribers.discard(subscriber)
                    subscriber.queue.put_nowait(FeedOverflow(f"more than {QUEUE_LIMIT} events behind; subscribe again"))
                    break

    async def _poll(self) -> None:
        if not self.subscribers:
            self.last_id = None
            return
        if self.last_id is None:
            self.last_id = await self._newest_id()
        while events := await OutboxEvent.filter(id__gt=self.last_id).order_by("id").limit(500):
            self.last_id = events[-1].id
            await self.publish(events)

    async def _newest_id(self) -> int:
        newest = await OutboxEvent.all().order_by("-id").limit(1).values_list("id", flat=True)
        return newest[0] if newest else 0

    async def _listen(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        import asyncpg

        pending: asyncio.Queue[str] = asyncio.Queue()
        self._listener = await asyncpg.connect(self.settings.database_url)
        await self._listener.add_listener(CHANNEL, lambda _conn, _pid, _channel, payload: pending.put_nowait(payload))
        asyncio.get_running_loop().create_task(self._deliver_notified(pending, self._listener))

    async def _deliver_notified(self, pending: asyncio.Queue[str], listener) -> None:
        while not listener.is_closed():
            try:
                payload = await asyncio.wait_for(pending.get(), timeout=1.0)
            except TimeoutError:
                continue
            if self.subscribers:
                try:
                    await self.publish(await OutboxEvent.filter(event_id__in=payload.split(",")).order_by("id"))
                except Exception:
                    log.exception("could not hand out notified events")
