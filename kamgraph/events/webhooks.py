"""Webhooks: events from the transactional outbox, posted signed to every matching endpoint.

``fan_out`` turns new outbox events into one delivery per matching webhook whose owner may see the
event's account (the owner's row scope, as everywhere). ``deliver_due`` posts what is due, signed as
API.md says (``X-Kamgraph-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``), follows no
redirect, never to private, loopback or link-local addresses unless allowed, and retries with
exponential backoff and jitter (10 s doubling, 8 tries); a 4xx other than 408 and 429 is final.
Deliveries are at least once: a receiver deduplicates by the event id in the body.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx

from kamgraph.background import repeat
from kamgraph.core.people.models import Person
from kamgraph.db import write_transaction
from kamgraph.events.feed import visible_events
from kamgraph.metrics import WEBHOOK_DELIVERIES
from kamgraph.security.auth import staff_actor
from kamgraph.security.models import OutboxEvent, Webhook, WebhookDelivery
from kamgraph.security.permissions import Permissions
from kamgraph.settings import Settings

log = logging.getLogger("kamgraph.webhooks")

FIRST_RETRY_SECONDS = 10
MAX_ATTEMPTS = 8
RETRYABLE_4XX = {408, 429}
BATCH = 100


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def target_problem(url: str, allow_private: bool) -> str | None:
    """Why kamgraph will not post to ``url`` (not http(s), or an internal address), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a webhook URL is http:// or https:// with a host"
    if allow_private:
        return None
    try:
        addresses = {
            info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        }
    except socket.gaierror:
        return f"the host {parts.hostname} does not resolve"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_reserved
            or ip.is_multicast
            or ip.is_unspecified
        ):
            return f"{parts.hostname} resolves to {ip}, an internal address; webhooks go to public endpoints"
    return None


def backoff(attempts: int, first: float = FIRST_RETRY_SECONDS) -> timedelta:
    """10 s, 20 s, 40 s ... with up to 25 % jitter either way, so retries do not arrive in waves."""
    return timedelta(seconds=first * 2 ** (attempts - 1) * random.uniform(0.75, 1.25))


async def fan_out(permissions: Permissions) -> int:
    """One delivery per new outbox event and matching webhook whose owner may see it; returns how many.
    The events are claimed in the transaction that creates their deliveries, so two workers never both
    fan out one event, and a crash repeats both steps or neither."""
    async with write_transaction():
        events = await OutboxEvent.filter(fanned_out=False).order_by("id").limit(500).select_for_update()
        if not events:
            return 0
        now = datetime.now(UTC)
        deliveries = []
        for hook in await Webhook.filter(disabled_at__isnull=True):
            owner = await _owner(hook, permissions)
            types = hook.event_types.split()
            wanted = [e for e in events if not types or e.type in types]
            if owner is not None and wanted:
                deliveries += [
                    WebhookDelivery(webhook_id=hook.id, event_id=e.id, next_attempt_at=now)
                    for e in await visible_events(owner, wanted)
                ]
        await WebhookDelivery.bulk_create(deliveries)
        await OutboxEvent.filter(id__in=[e.id for e in events]).update(fanned_out=True)
    return len(deliveries)


async def _owner(hook: Webhook, permissions: Permissions):
    if hook.owner_person_id is not None:
        person = await Person.get_or_none(id=hook.owner_person_id, archived_at__isnull=True)
        return None if person is None else await staff_actor(person, permissions)
    if hook.owner_api_key_id is not None:
        from kamgraph.security.auth import api_key_actor

        return await api_key_actor(hook.owner_api_key_id, permissions)
    return None


def payload(event: OutboxEvent) -> bytes:
    return json.dumps(
        {
            "id": event.event_id,
            "type": event.type,
            "subject": event.subject,
            "data": json.loads(event.data),
            "actor": event.actor,
            "occurredAt": event.occurred_at.isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


async def deliver_due(settings: Settings, client: httpx.AsyncClient) -> int:
    """Post every delivery that is due; returns how many were attempted."""
    now = datetime.now(UTC)
    due = (
        await WebhookDelivery.filter(status="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .limit(BATCH)
    )
    attempted = 0
    for delivery in due:
        lease = now + timedelta(seconds=60)  # claim it, so a second worker process does not send it too
        if not await WebhookDelivery.filter(
            id=delivery.id, next_attempt_at=delivery.next_attempt_at, status="pending"
        ).update(next_attempt_at=lease):
            continue
        await _attempt(delivery, settings, client)
        attempted += 1
    return attempted


async def _attempt(delivery: WebhookDelivery, settings: Settings, client: httpx.AsyncClient) -> None:
    hook = await Webhook.get(id=delivery.webhook_id)
    event = await OutboxEvent.get(id=delivery.event_id)
    body = payload(event)
    attempts = delivery.attempts + 1
    problem = target_problem(hook.url, settings.webhook_allow_private)
    status_code, error = None, problem
    if problem is None:
        headers = {
            "Content-Type": "application/json",
            "X-Kamgraph-Event": event.type,
            "X-Kamgraph-Delivery": str(delivery.id),
            "X-Kamgraph-Signature": sign(hook.secret, int(time.time()), body),
        }
        try:
            response = await client.post(hook.url, content=body, headers=headers)
            status_code = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    now = datetime.now(UTC)
    if status_code is not None and 200 <= status_code < 300:
        await WebhookDelivery.filter(id=delivery.id).update(
            status="delivered", attempts=attempts, last_status_code=status_code, last_error=None, delivered_at=now
        )
        WEBHOOK_DELIVERIES.labels("delivered").inc()
        return
    final = (
        problem is not None
        or attempts >= MAX_ATTEMPTS
        or (status_code is not None and 400 <= status_code < 500 and status_code not in RETRYABLE_4XX)
    )
    await WebhookDelivery.filter(id=delivery.id).update(
        status="failed" if final else "pending",
        attempts=attempts,
        last_status_code=status_code,
        last_error=error or f"HTTP {status_code}",
        next_attempt_at=now if final else now + backoff(attempts, settings.webhook_first_retry_seconds),
    )
    WEBHOOK_DELIVERIES.labels("failed" if final else "retry").inc()


async def run_once(settings: Settings, permissions: Permissions, client: httpx.AsyncClient) -> tuple[int, int]:
    return await fan_out(permissions), await deliver_due(settings, client)


async def worker(settings: Settings, permissions: Permissions, stop: asyncio.Event, interval: float = 1.0) -> None:
    """Fan out and deliver until ``stop`` is set."""
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
        await repeat(lambda: run_once(settings, permissions, client), stop, interval, "a webhook delivery round")
