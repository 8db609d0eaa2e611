"""Rate limits per client address and per credential, in one-minute windows.

Each server process counts the requests it serves. On PostgreSQL the processes also share their counts:
every second each pushes its new hits to ``rate_counter`` and reads back the totals, so that four workers or
two servers behind a load balancer do not multiply the limits (a burst may overshoot by what the processes
serve in that second). On SQLite, which serves one machine, each process counts alone: with several
workers each enforces the limits on its own share, so divide them by the number of workers, or limit at the
reverse proxy in front (for example nginx ``limit_req``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from kamgraph.security.auth import bearer_token

WINDOW_SECONDS = 60
MAX_TRACKED = 50_000
SYNC_SECONDS = 1.0

log = logging.getLogger("kamgraph.ratelimit")


@dataclass
class Windows:
    """The hits of one kind of key: this process's since its last sync, and everyone's as the database last
    said (``shared``, on PostgreSQL)."""

    limit: int
    prefix: str
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (window number, local hits)
    shared: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (window number, total hits)

    def hit(self, key: str, now: float) -> int | None:
        """Count a request; return the seconds to wait when the key is over its limit."""
        window = int(now) // WINDOW_SECONDS
        seen_window, count = self.counts.get(key, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self.counts) > MAX_TRACKED:
            self.counts = {k: v for k, v in self.counts.items() if v[0] == window}
            self.shared = {k: v for k, v in self.shared.items() if v[0] == window}
        self.counts[key] = (window, count)
        shared_window, everyone = self.shared.get(key, (window, 0))
        total = count + (everyone if shared_window == window else 0)
        if total > self.limit:
            return int((window + 1) * WINDOW_SECONDS - now) + 1
        return None


class RateLimits:
    """The counters of one app (its middleware counts, its lifespan syncs them)."""

    def __init__(self, per_address: int, per_credential: int) -> None:
        self.addresses = Windows(per_address, "a:") if per_address else None
        self.credentials = Windows(per_credential, "c:") if per_credential else None
        self.pruned: int | None = None  # the window whose predecessors were last deleted

    async def sync(self, now: float | None = None) -> None:
        """Push this process's new hits of the current window and read back everyone's.

        The app runs it on PostgreSQL only; the statements are those of both dialects, so the suite tests it on both.
        """
        from kamgraph.db import db
        from kamgraph.db.sql import Params, quote

        now = time.time() if now is None else now
        window = int(now) // WINDOW_SECONDS
        table, column = quote("rate_counter"), quote("window")
        for windows in (w for w in (self.addresses, self.credentials) if w is not None):
            for key, (seen, hits) in list(windows.counts.items()):
                if seen != window or hits == 0:
                    continue
                params = Params()
                values = params.add_all([windows.prefix + key, window, hits])
                upsert = (
                    f"INSERT INTO {table} (key, {column}, hits) VALUES ({values}) ON CONFLICT (key, {column}) "
                    f"DO UPDATE SET hits = {table}.hits + EXCLUDED.hits RETURNING hits"
                )
                rows = await db().execute_query_dict(upsert, params.values)  # fetches RETURNING
                windows.counts[key] = (window, windows.counts[key][1] - hits)  # what arrived meanwhile stays local
                windows.shared[key] = (window, int(rows[0]["hits"]))  # everyone's, this process's pushed hits included
        if window != self.pruned:  # old windows go once a minute, not on every sync
            params = Params()
            await db().execute_query(f"DELETE FROM {table} WHERE {column} < {params.add(window - 1)}", params.values)
            self.pruned = window

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sync()
            except Exception:  # noqa: BLE001 - the limits fall back to this process's counts, never stop serving
                log.exception("could not share the rate-limit counts")
            try:
                await asyncio.wait_for(stop.wait(), timeout=SYNC_SECONDS)
            except TimeoutError:
                pass


class RateLimit:
    """ASGI middleware answering 429 with Retry-After once an address or a credential is over its limit."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = time.time()
        wait = None
        if self.limits.addresses:
            client = scope.get("client")
            wait = self.limits.addresses.hit(client[0] if client else "unknown", now)
        authorization = dict(scope.get("headers") or []).get(b"authorization")
        if wait is None and self.limits.credentials and authorization:
            credential = bearer_token(authorization) or authorization.decode("latin-1")  # `bearer T` is `Bearer T`
            wait = self.limits.credentials.hit(hashlib.sha256(credential.encode()).hexdigest(), now)
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": f"too many requests; retry in {wait} seconds",
                        "extensions": {"code": "RATE_LIMITED", "retryAfter": wait},
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", str(wait).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
