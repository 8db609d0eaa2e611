"""Rate limits per client address and per credential, in process.

Each server process counts requests in fixed one-minute windows. With several workers, each enforces the
limit on its own share of the traffic: divide the limits by the number of workers, or rate-limit at the
reverse proxy in front of them (for example nginx ``limit_req``), which sees every request.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from kamgraph.security.auth import bearer_token

WINDOW_SECONDS = 60
MAX_TRACKED = 50_000


@dataclass
class Windows:
    limit: int
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (window number, requests)

    def hit(self, key: str, now: float) -> int | None:
        """Count a request; return the seconds to wait when the key is over its limit."""
        window = int(now // WINDOW_SECONDS)
        seen_window, count = self.counts.get(key, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self.counts) > MAX_TRACKED:
            self.counts = {k: v for k, v in self.counts.items() if v[0] == window}
        self.counts[key] = (window, count)
        if count > self.limit:
            return int((window + 1) * WINDOW_SECONDS - now) + 1
        return None


class RateLimit:
    """ASGI middleware answering 429 with Retry-After once an address or a credential is over its limit."""

    def __init__(self, app: ASGIApp, per_address: int, per_credential: int) -> None:
        self.app = app
        self.addresses = Windows(per_address) if per_address else None
        self.credentials = Windows(per_credential) if per_credential else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        wait = None
        if self.addresses:
            client = scope.get("client")
            wait = self.addresses.hit(client[0] if client else "unknown", now)
        authorization = dict(scope.get("headers") or []).get(b"authorization")
        if wait is None and self.credentials and authorization:
            credential = bearer_token(authorization) or authorization.decode("latin-1")  # `bearer T` is `Bearer T`
            wait = self.credentials.hit(hashlib.sha256(credential.encode()).hexdigest(), now)
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
