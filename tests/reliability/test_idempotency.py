"""Idempotency-Key: one execution per key, the first response replayed, another body refused."""

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from factories import account
from kam_testplugin.models import AccountNote

from kamgraph.api import idempotency
from kamgraph.ids import to_global_id
from kamgraph.security.models import IdempotencyRecord

ADD = "mutation($a: ID!, $t: String!) { addAccountNote(input: {accountId: $a, text: $t}) { note { id } userErrors { code } } }"


async def post(gql, body, key):
    return await gql.http.post("/graphql", json=body, headers={"Idempotency-Key": key})


async def test_twenty_concurrent_duplicates_execute_once(gql):
    body = {"query": ADD, "variables": {"a": to_global_id("Account", (await account()).id), "t": "Met the CFO"}}
    responses = await asyncio.gather(*(post(gql, body, "sync-0001") for _ in range(20)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1  # everyone got the first response
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    assert await AccountNote.all().count() == 1


async def test_a_retry_replays_and_another_body_is_refused(gql):
    acme = to_global_id("Account", (await account()).id)
    first = await post(gql, {"query": ADD, "variables": {"a": acme, "t": "one"}}, "sync-0002")
    again = await post(gql, {"query": ADD, "variables": {"a": acme, "t": "one"}}, "sync-0002")
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = await post(gql, {"query": ADD, "variables": {"a": acme, "t": "two"}}, "sync-0002")
    assert other.status_code == 422 and other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    fresh = await post(gql, {"query": ADD, "variables": {"a": acme, "t": "two"}}, "sync-0003")
    assert fresh.status_code == 200 and "replayed" not in str(fresh.headers).lower()
    assert await AccountNote.all().count() == 2


async def test_a_retry_serialised_again_is_a_retry_not_another_request(gql):
    acme = to_global_id("Account", (await account()).id)
    headers = {"Idempotency-Key": "resent-1", "Content-Type": "application/json"}
    first = await gql.http.post(
        "/graphql", content=json.dumps({"query": ADD, "variables": {"a": acme, "t": "one"}}), headers=headers
    )
    # the same request from a client that serialises anew: other key order, other spacing, escaped text
    again = await gql.http.post(
        "/graphql",
        content=json.dumps({"variables": {"t": "one", "a": acme}, "query": ADD}, indent=2, ensure_ascii=True),
        headers=headers,
    )
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    changed = await gql.http.post(
        "/graphql", content=json.dumps({"variables": {"t": "One", "a": acme}, "query": ADD}), headers=headers
    )
    assert changed.status_code == 422
    assert await AccountNote.all().count() == 1


def test_the_digest_is_of_the_parsed_request():
    digest = idempotency.request_digest
    assert digest(b'{"a": 1, "b": [1, 2]}') == digest(b'{"b":[1,2],"a":1}')
    assert digest(rb'{"a": "\u00e9"}') == digest('{"a":"é"}'.encode())  # an escape is the text it stands for
    assert digest(b'{"a": 1}') != digest(b'{"a": 2}')
    assert digest(b'{"a": [1, 2]}') != digest(b'{"a": [2, 1]}')  # order within a list is meaning
    assert digest(b"not json") == hashlib.sha256(b"not json").hexdigest()


def key_hash(key: str) -> str:  # the gql client sends no Authorization header: the key alone
    return hashlib.sha256(b"\0" + key.encode()).hexdigest()


def sha256(body: bytes) -> str:
    return idempotency.request_digest(body)


def refusal(response, status: int, code: str, message: str) -> bool:
    return response.status_code == status and response.json() == {
        "errors": [{"message": message, "extensions": {"code": code}}]
    }


async def note_body(text: str = "Met the CFO") -> bytes:
    variables = {"a": to_global_id("Account", (await account()).id), "t": text}
    return json.dumps({"query": ADD, "variables": variables}).encode()


async def send(gql, body: bytes, key: str):
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    return await gql.http.post("/graphql", content=body, headers=headers)


async def test_a_key_has_1_to_255_characters(gql):
    body = await note_body()
    for key in ("", "k" * 256):
        too = await send(gql, body, key)
        assert refusal(too, 400, "BAD_REQUEST", "an Idempotency-Key has 1 to 255 characters"), key
    assert (await send(gql, body, "k" * 255)).status_code == 200 and (await send(gql, body, "k")).status_code == 200
    assert await AccountNote.all().count() == 2 and await IdempotencyRecord.all().count() == 2


async def test_another_body_is_refused_with_its_reason(gql):
    await send(gql, await note_body("one"), "sync-0004")
    other = await send(gql, await note_body("two"), "sync-0004")
    assert refusal(other, 422, "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request")


async def test_a_duplicate_of_a_running_request_waits_then_is_told_to_retry(gql, monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    body = await note_body()
    running = datetime.now(UTC) - timedelta(minutes=4)  # pending, not yet abandoned
    await IdempotencyRecord.create(key_hash=key_hash("busy"), request_hash=sha256(body), created_at=running)
    busy = await send(gql, body, "busy")
    message = "a request with this Idempotency-Key is still running; retry later"
    assert refusal(busy, 409, "IDEMPOTENCY_KEY_IN_USE", message) and await AccountNote.all().count() == 0


async def test_an_abandoned_or_expired_key_runs_the_request_again(gql):
    body = await note_body()
    abandoned = datetime.now(UTC) - timedelta(minutes=6)  # its server died before storing a response
    expired = datetime.now(UTC) - timedelta(hours=25)
    kept = datetime.now(UTC) - timedelta(hours=23)
    await IdempotencyRecord.create(key_hash=key_hash("abandoned"), request_hash=sha256(body), created_at=abandoned)
    for key, created in (("expired", expired), ("kept", kept)):
        await IdempotencyRecord.create(
            key_hash=key_hash(key),
            request_hash=sha256(body),
            status="done",
            status_code=201,
            response='{"data": "kept as it was"}',  # stored before responses were sealed: replayed as it is
            created_at=created,
        )
    ran = [await send(gql, body, key) for key in ("abandoned", "expired")]
    assert [(r.status_code, "idempotent-replayed" in r.headers) for r in ran] == [(200, False), (200, False)]
    assert await AccountNote.all().count() == 2
    replayed = await send(gql, body, "kept")
    assert (replayed.status_code, replayed.text, replayed.headers["idempotent-replayed"]) == (
        201,
        '{"data": "kept as it was"}',
        "true",
    )
    assert replayed.headers["content-type"] == "application/json" and len(replayed.headers["x-request-id"]) == 32
    assert int(replayed.headers["content-length"]) == len(replayed.content)


async def test_only_posts_to_graphql_are_idempotent(gql):
    query = "{ accounts { totalCount } }"
    fetched = await gql.http.get("/graphql", params={"query": query}, headers={"Idempotency-Key": "get-1"})
    health = await gql.http.get("/healthz", headers={"Idempotency-Key": "get-2"})
    assert fetched.status_code == 200 and health.status_code == 200
    assert await IdempotencyRecord.all().count() == 0


async def test_a_body_sent_in_chunks_is_read_whole(gql):
    body = await note_body()

    async def chunks():
        for start in range(0, len(body), 16):
            yield body[start : start + 16]

    headers = {"Idempotency-Key": "chunked", "Content-Type": "application/json"}
    first = await gql.http.post("/graphql", content=chunks(), headers=headers)
    again = await send(gql, body, "chunked")  # the same bytes in one piece: the same request
    assert first.json()["data"]["addAccountNote"]["userErrors"] == [] and again.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize(
    "status, age, runs_again",
    [
        ("done", idempotency.KEPT, False),  # kept for 24 hours exactly, then no longer
        ("done", idempotency.KEPT + timedelta(microseconds=1), True),
        ("pending", idempotency.ABANDONED, False),  # still running, for all we know
        ("pending", idempotency.ABANDONED + timedelta(microseconds=1), True),
    ],
)
async def test_a_key_is_kept_and_a_pending_one_waited_for_to_the_microsecond(gql, monkeypatch, status, age, runs_again):
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(idempotency, "clock", lambda: now)
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.1)
    body = await note_body()
    await IdempotencyRecord.create(
        key_hash=key_hash("edge"),
        request_hash=sha256(body),
        status=status,
        status_code=200 if status == "done" else None,
        response='{"data": "the first answer"}' if status == "done" else None,
        created_at=now - age,
    )
    answer = await send(gql, body, "edge")
    assert (await AccountNote.all().count() == 1) is runs_again
    if not runs_again:
        assert answer.status_code == (200 if status == "done" else 409)


async def test_a_request_runs_with_its_buffered_body_and_its_response_is_captured_whole():
    received = []

    async def streaming(scope, receive, send):
        received.extend([await receive(), await receive()])  # the body, then the client is gone
        await send({"type": "http.response.start", "status": 201})
        await send({"type": "http.response.body", "body": b"ab", "more_body": True})
        await send({"type": "http.response.body", "more_body": True})
        await send({"type": "http.response.body", "body": b"c"})

    assert await idempotency._run(streaming, {"type": "http"}, b"payload") == (201, [], b"abc")
    assert received == [{"type": "http.request", "body": b"payload", "more_body": False}, {"type": "http.disconnect"}]

    async def silent(scope, receive, send):
        return None

    assert await idempotency._run(silent, {"type": "http"}, b"") == (500, [], b"")


async def test_a_body_of_many_messages_is_read_whole_and_a_response_carries_one_length():
    messages = iter(
        [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.request", "more_body": True}]
    )
    messages = iter([*messages, {"type": "http.request", "body": b"c"}])

    async def receive():
        return next(messages)

    assert await idempotency._read_body(receive) == b"abc"
    sent = []

    async def send(message):
        sent.append(message)

    await idempotency._respond(send, 200, b"{}", [(b"Content-Length", b"999"), (b"x-a", b"1")])
    await idempotency._respond(send, 400, b"{}")  # no headers given: JSON
    assert [m.get("headers") for m in sent if m["type"] == "http.response.start"] == [
        [(b"x-a", b"1"), (b"content-length", b"2")],
        [(b"content-type", b"application/json"), (b"content-length", b"2")],
    ]
