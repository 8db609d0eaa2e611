"""Secrets at rest, sessions that really end, and limits that cannot be renewed by rewriting a header
(issue 13, findings 3 and 4)."""

import httpx
import pytest
from conftest import ANONYMOUS
from factories import account, contact

from kamgraph.api.idempotency import request_digest
from kamgraph.app import create_app
from kamgraph.security import auth
from kamgraph.security.actors import Role
from kamgraph.security.models import AuditRecord, IdempotencyRecord
from kamgraph.testing import SYSTEM_ACTOR

PASSWORD = "correct horse battery"
LOGIN = 'mutation { login(input: {email: "zhao.lei@example.com", password: "%s"}) { token userErrors { code } } }'
PHONES = {"query": "{ people(filter: {kind: {eq: CONTACT}}) { edges { node { name phone email } } } }"}


@pytest.fixture
async def director(gql):
    return await auth.create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], PASSWORD)


async def post(gql, body, key, token=None, scheme="Bearer"):
    gql.switch.actor = ANONYMOUS
    headers = {"Idempotency-Key": key} | ({"Authorization": f"{scheme} {token}"} if token else {})
    try:
        return await gql.http.post("/graphql", json=body, headers=headers)
    finally:
        gql.switch.actor = SYSTEM_ACTOR


async def test_stored_responses_hold_no_secret_in_clear_and_end_with_the_session(gql, director):
    await contact(await account(), "Wang Fang", phone="13812345678", email="wang.fang@example.com")
    logged_in = await post(gql, {"query": LOGIN % PASSWORD}, "login-1")
    token = logged_in.json()["data"]["login"]["token"]
    first = await post(gql, PHONES, "phones-1", token)
    assert "13812345678" in first.text
    stored = " ".join(record.response for record in await IdempotencyRecord.all())
    for secret in ("13812345678", "wang.fang@example.com", token, token.removeprefix("kgs_")):
        assert secret not in stored  # sealed with the data key, like every encrypted column
    # a replay is a read like the first: its guarded values are audited again, under the replay's request id
    again = await post(gql, PHONES, "phones-1", token)
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    original = await AuditRecord.filter(request_id=first.headers["x-request-id"]).order_by("id")
    replayed = await AuditRecord.filter(request_id=again.headers["x-request-id"]).order_by("id")
    assert any("phone" in r.fields_read.split() for r in original)
    director_id = (await auth.Login.get(email_index=auth.login_index("zhao.lei@example.com"))).person_id

    def seen(records, operation=None):
        return [
            (r.action, r.actor, r.actor_person_id, r.actor_via, r.subject_type, r.subject_ids, r.account_id)
            + (r.fields_read, operation or r.operation_name)
            for r in records
        ]

    assert seen(replayed) == seen(original, f"replay of {first.headers['x-request-id']}")
    assert {(r.actor, r.actor_person_id, r.actor_via) for r in replayed} == {("Zhao Lei", director_id, "session")}
    # the replay's records are the original's reads only: not another request's, not a write's
    write = await post(gql, {"query": LOGIN % PASSWORD}, "login-1b")  # a login of the same caller writes, too
    assert write.status_code == 200
    again = await post(gql, PHONES, "phones-1", token)
    assert seen(await AuditRecord.filter(request_id=again.headers["x-request-id"]).order_by("id")) == seen(
        original, f"replay of {first.headers['x-request-id']}"
    )
    # after logout, the same token, key and body are refused, not replayed
    gql.switch.actor = ANONYMOUS
    await gql.http.post(
        "/graphql", json={"query": "mutation { logout { revoked } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    gql.switch.actor = SYSTEM_ACTOR
    ended = await post(gql, PHONES, "phones-1", token)
    assert ended.status_code == 401 and "13812345678" not in ended.text
    assert ended.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_rewritten_authorization_header_is_the_same_credential(gql, director):
    logged_in = await post(gql, {"query": LOGIN % PASSWORD}, "login-2")
    token = logged_in.json()["data"]["login"]["token"]
    body = {"query": "{ me { name } }"}
    first = await post(gql, body, "same-key", token, "Bearer")
    for scheme in ("bearer", "BEARER", "Bearer "):
        again = await post(gql, body, "same-key", token, scheme)
        assert again.headers.get("idempotent-replayed") == "true", scheme  # one key per credential, not per spelling
        assert again.json() == first.json()


async def test_the_per_credential_limit_counts_every_spelling_of_one_token(settings, pm, database, director):
    app = create_app(settings.with_(rate_limit_per_credential=3), pm)
    secret, _ = await auth.create_api_key("crm", ["accounts.read"], "test", None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kamgraph.test") as client:
        codes = [
            (
                await client.post(
                    "/graphql", json={"query": "{ me { via } }"}, headers={"Authorization": f"{s} {secret}"}
                )
            ).status_code
            for s in ("Bearer", "bearer", "BEARER", "Bearer ")
        ]
    assert codes == [200, 200, 200, 429]


async def test_a_login_of_ones_own_does_not_reset_an_addresss_failures(settings, database, director):
    other = await auth.create_staff_user("Qian Li", "qian.li@example.com", [Role.ACCOUNT_MANAGER], PASSWORD)
    assert other is not None
    limit = settings.login_failures_per_address
    address = "203.0.113.7"
    for attempt in range(1, limit):
        with pytest.raises(auth.LoginRefused) as refused:
            await auth.login(f"victim{attempt}@example.com", "guess", address, settings)
        assert refused.value.retry_after is None, attempt  # below the limit: a wrong password, not yet locked
    await auth.login("qian.li@example.com", PASSWORD, address, settings)  # the attacker's own account
    with pytest.raises(auth.LoginRefused):
        await auth.login("victim@example.com", "guess", address, settings)  # the limit-th failure locks
    with pytest.raises(auth.LoginRefused) as locked:
        await auth.login("qian.li@example.com", PASSWORD, address, settings)
    assert locked.value.retry_after is not None  # the address is locked, even for a right password


async def test_an_idempotency_key_belongs_to_its_credential(gql, director):
    """Another caller sending the same key and body gets their own answer, never the first caller's."""
    other = await auth.create_staff_user("Qian Li", "qian.li@example.com", [Role.ACCOUNT_MANAGER], PASSWORD)
    assert other is not None
    mine = (await post(gql, {"query": LOGIN % PASSWORD}, "login-a")).json()["data"]["login"]["token"]
    theirs_login = LOGIN.replace("zhao.lei@example.com", "qian.li@example.com") % PASSWORD
    theirs = (await post(gql, {"query": theirs_login}, "login-b")).json()["data"]["login"]["token"]
    body = {"query": "{ me { name } }"}
    first = await post(gql, body, "shared-key", mine)
    second = await post(gql, body, "shared-key", theirs)
    assert first.json()["data"]["me"]["name"] == "Zhao Lei"
    assert second.json()["data"]["me"]["name"] == "Qian Li" and "idempotent-replayed" not in second.headers


async def test_a_replayed_write_audits_its_reads_again_never_its_write(gql, director):
    person = await contact(await account(), "Wang Fang", phone="13812345678")
    token = (await post(gql, {"query": LOGIN % PASSWORD}, "login-w")).json()["data"]["login"]["token"]
    update = {
        "query": 'mutation($id: ID!) { updatePerson(input: {id: $id, title: "CFO"}) { person { phone } } }',
        "variables": {"id": person.node_id},
    }
    first = await post(gql, update, "update-1", token)
    assert first.json()["data"]["updatePerson"]["person"]["phone"] == "13812345678"
    again = await post(gql, update, "update-1", token)
    assert again.headers["idempotent-replayed"] == "true"

    def seen(records):
        return sorted((r.action, r.subject_type, r.subject_ids, r.fields_read) for r in records)

    original = await AuditRecord.filter(request_id=first.headers["x-request-id"])
    replayed = await AuditRecord.filter(request_id=again.headers["x-request-id"])
    assert {r.action for r in original} == {"update", "read"}
    assert seen(replayed) == seen(r for r in original if r.action == "read")  # the reads, not the update


async def test_a_replay_authenticates_its_caller_on_any_app(
    settings, pm, database, director, actor_switch, monkeypatch
):
    app = create_app(settings, pm)  # its own middleware, as each worker has
    monkeypatch.setattr(actor_switch, "actor", ANONYMOUS)  # the caller is who the bearer token says
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kamgraph.test") as client:
        login = await client.post("/graphql", json={"query": LOGIN % PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['data']['login']['token']}", "Idempotency-Key": "me-1"}
        first = await client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)
        again = await client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() == {"data": {"me": {"name": "Zhao Lei"}}}


async def test_a_replay_of_a_record_from_before_sealing_audits_nothing_of_another_request(gql, director):
    """An old, unsealed record names no request: its replay copies no audit record, not even an anonymous one."""
    import hashlib
    from datetime import UTC, datetime

    token = (await post(gql, {"query": LOGIN % PASSWORD}, "login-old")).json()["data"]["login"]["token"]
    await AuditRecord.create(actor="system", actor_via="command", action="read", subject_type="Person", subject_ids="1")
    body = b'{"query": "{ me { name } }"}'
    await IdempotencyRecord.create(
        key_hash=hashlib.sha256(token.encode() + b"\0old-key").hexdigest(),
        request_hash=request_digest(body),
        status="done",
        status_code=200,
        response='{"data": {"me": {"name": "Zhao Lei"}}}',
        created_at=datetime.now(UTC),
    )
    before = await AuditRecord.all().count()
    gql.switch.actor = ANONYMOUS
    try:
        replayed = await gql.http.post(
            "/graphql",
            content=body,
            headers={
                "Idempotency-Key": "old-key",
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
    finally:
        gql.switch.actor = SYSTEM_ACTOR
    assert replayed.headers["idempotent-replayed"] == "true" and replayed.json()["data"]["me"]["name"] == "Zhao Lei"
    assert await AuditRecord.all().count() == before
