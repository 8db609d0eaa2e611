"""``Idempotency-Key`` (API.md "Writes that integrations can trust"), as ASGI middleware around /graphql.

A request sent with the header is executed once per key and credential: a retry with the same request
(as parsed JSON) gets the first response again (kept 24 hours, marked ``Idempotent-Replayed: true``); the
same key with another request is refused; duplicates that arrive while the first is running wait for its response. The key is
claimed in the database before the request runs, so this holds across server processes.

A server that dies between running a request and storing its response leaves the key pending; after
``ABANDONED`` the key may be claimed again, so such a request can run twice. Mutations whose effect must
never repeat also carry ``expectedVersion`` or an ``externalId``.

A stored response holds what the request returned (decrypted phones, a login's token): it is sealed with the
data key like every encrypted column. A replay goes only to a credential that still works (never after a
logout or a revocation), and the guarded reads of the original are audited again as reads of the replay.
The key is the credential's token (``bearer_token``), not the header's spelling.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import IntegrityError

from kamgraph.crypto import PREFIX, keyring
from kamgraph.security.auth import authenticate, bearer_token
from kamgraph.security.auth import now as clock  # one clock for credentials and keys, frozen in tests
from kamgraph.security.models import AuditRecord, IdempotencyRecord

KEPT = timedelta(hours=24)
ABANDONED = timedelta(minutes=5)
WAIT_SECONDS = 30.0
HEADER = b"idempotency-key"


def _error(status: int, code: str, message: str) -> tuple[int, bytes]:
    return status, json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


class Idempotency:
    def __init__(self, app: ASGIApp, permissions: Any = None) -> None:
        self.app = app
        self.permissions = permissions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        key = headers.get(HEADER)
        if key is None or scope.get("method") != "POST" or scope.get("path") != "/graphql":
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            await _respond(send, *_error(400, "BAD_REQUEST", "an Idempotency-Key has 1 to 255 characters"))
            return
        body = await _read_body(receive)
        token = bearer_token(headers.get(b"authorization"))
        credential = token.encode() if token else headers.get(b"authorization", b"")
        key_hash = hashlib.sha256(credential + b"\0" + key).hexdigest()
        request_hash = request_digest(body)
        if await _claim(key_hash, request_hash):
            status, response_headers, response_body = await _run(self.app, scope, body)
            request_id = dict(response_headers).get(b"x-request-id", b"").decode()
            stored = json.dumps({"body": response_body.decode("utf-8", "replace"), "requestId": request_id})
            await IdempotencyRecord.filter(key_hash=key_hash).update(
                status="done", status_code=status, response=keyring().seal(stored)
            )
            await _respond(send, status, response_body, response_headers)
            return
        actor = None
        if token is not None:  # a replay goes to a credential that still works, never after logout
            actor = await authenticate(token, self.permissions) if self.permissions is not None else None
            if actor is None:
                await _respond(send, *_error(401, "UNAUTHENTICATED", "this credential has ended; log in again"))
                return
        await _replay(key_hash, request_hash, send, actor)


def request_digest(body: bytes) -> str:
    """What a retry must repeat: the request as parsed (canonical JSON: keys sorted, no spacing), so that a
    client that serialises the same request again, in another key order or spacing, is a retry; a body that
    is not JSON is compared as it is (GraphQL refuses it either way)."""
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


async def _claim(key_hash: str, request_hash: str) -> bool:
    """Claim the key for this request; False when another request holds or held it (and still counts)."""
    now = clock()
    existing = await IdempotencyRecord.get_or_none(key_hash=key_hash)
    if existing is not None:
        expired = existing.created_at + KEPT < now
        abandoned = existing.status == "pending" and existing.created_at + ABANDONED < now
        if not (expired or abandoned):
            return False
        await IdempotencyRecord.filter(key_hash=key_hash).delete()
    try:
        await IdempotencyRecord.create(key_hash=key_hash, request_hash=request_hash, created_at=now)
    except IntegrityError:  # a concurrent duplicate claimed it first
        return False
    return True


async def _replay(key_hash: str, request_hash: str, send: Send, actor: Any) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while True:
        record = await IdempotencyRecord.get_or_none(key_hash=key_hash)
        if record is not None and record.request_hash != request_hash:
            await _respond(
                send, *_error(422, "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request")
            )
            return
        if record is not None and record.status == "done":
            body, request_id = _opened(record.response)  # a done record has its response
            replay_id = uuid.uuid4().hex
            if request_id and actor is not None:
                await _audit_replay(request_id, replay_id, actor)
            await _respond(
                send,
                record.status_code,
                body.encode(),
                [
                    (b"content-type", b"application/json"),
                    (b"idempotent-replayed", b"true"),
                    (b"x-request-id", replay_id.encode()),
                ],
            )
            return
        if asyncio.get_running_loop().time() > deadline:
            await _respond(
                send,
                *_error(
                    409, "IDEMPOTENCY_KEY_IN_USE", "a request with this Idempotency-Key is still running; retry later"
                ),
            )
            return
        await asyncio.sleep(0.05)


def _opened(stored: str) -> tuple[str, str | None]:
    """The response body and the request id of a stored response (sealed; a record from before sealing is
    kept as it was, and names no request)."""
    if not stored.startswith(PREFIX + "."):
        return stored, None
    opened = json.loads(keyring().open(stored))
    return opened["body"], opened["requestId"]


async def _audit_replay(request_id: str, replay_id: str, actor: Any) -> None:
    """The guarded values a replay hands out again are read again: the original's reads, under the replay's id."""
    reads = await AuditRecord.filter(request_id=request_id, action="read")
    await AuditRecord.bulk_create(
        [
            AuditRecord(
                actor=actor.name,
                actor_person_id=actor.person_id,
                actor_via=actor.via,
                action="read",
                subject_type=read.subject_type,
                subject_ids=read.subject_ids,
                account_id=read.account_id,
                fields_read=read.fields_read,
                operation_name=f"replay of {request_id}",
                request_id=replay_id,
            )
            for read in reads
        ]
    )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _run(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the request with its buffered body; capture the response instead of sending it."""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, headers, chunks = 500, [], []

    async def capture(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return status, headers, b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [h for h in (headers or [(b"content-type", b"application/json")]) if h[0].lower() != b"content-length"]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
