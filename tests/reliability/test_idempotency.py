"""Idempotency-Key: one execution per key, the first response replayed, another body refused."""

import asyncio

from factories import account
from kam_testplugin.models import AccountNote

from kamgraph.ids import to_global_id

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
