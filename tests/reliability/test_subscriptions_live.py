"""Subscriptions end to end: graphql-transport-ws against two uvicorn workers (SQLite, or PostgreSQL when
the suite runs on it), authenticated in connection_init, every event reaching a subscriber whichever
worker committed it, and only the events of accounts in the subscriber's scope."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from live_server import demo_server, live_database, login
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

RENAME = "mutation($id: ID!, $n: String!) { updateAccount(input: {id: $id, name: $n}) { userErrors { code } } }"
IDS = "{ accounts(first: 100) { edges { node { id } } } }"


async def open_subscription(ws_url: str, token: str | None, types: list[str]):
    ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10)
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"} if token else {}})
    )
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    await ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription($t: [String!]) { events(types: $t) { type subject data } }",
                    "variables": {"t": types},
                },
            }
        )
    )
    await asyncio.sleep(1.0)  # the subscription is registered by the time the first write commits
    return ws


async def next_events(ws, count: int, timeout: float) -> list[dict]:
    events = []
    try:
        while len(events) < count:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            assert message["type"] == "next", message
            events.append(message["payload"]["data"]["events"])
    except TimeoutError:
        pass
    return events


@pytest.mark.slow
def test_subscriptions_over_websocket_across_two_workers(tmp_path):
    with (
        live_database() as database,
        demo_server(tmp_path, workers=2, KAMGRAPH_RATE_LIMIT_PER_ADDRESS="0", **database) as (base, log),
    ):
        ws_url = base.replace("http://", "ws://") + "/graphql"
        director, manager = login(base, "ka-director@demo.kamgraph"), login(base, "account-manager@demo.kamgraph")

        def ids(token: str) -> list[str]:
            body = httpx.post(
                f"{base}/graphql", json={"query": IDS}, headers={"Authorization": f"Bearer {token}"}, timeout=30
            ).json()
            return [e["node"]["id"] for e in body["data"]["accounts"]["edges"]]

        managed = ids(manager)
        others = [i for i in ids(director) if i not in managed]

        def rename(account_id: str, name: str) -> None:  # a new connection each time: either worker may take it
            body = httpx.post(
                f"{base}/graphql",
                json={"query": RENAME, "variables": {"id": account_id, "n": name}},
                headers={"Authorization": f"Bearer {director}"},
                timeout=30,
            ).json()
            assert body["data"]["updateAccount"]["userErrors"] == [], body

        async def scenario() -> None:
            with pytest.raises(ConnectionClosed) as refused:
                ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10)
                await ws.send(
                    json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer not-a-token"}})
                )
                await asyncio.wait_for(ws.recv(), 10)
            assert refused.value.rcvd.code == 4403

            everything = await open_subscription(ws_url, director, ["account.updated"])
            await everything.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": IDS}}))
            answer = json.loads(await asyncio.wait_for(everything.recv(), 10))  # queries go over HTTP, not here
            assert answer["payload"]["errors"][0]["extensions"]["code"] == "BAD_REQUEST", answer
            assert json.loads(await asyncio.wait_for(everything.recv(), 10))["type"] == "complete"
            scoped = await open_subscription(ws_url, manager, [])
            for n in range(6):
                await asyncio.to_thread(rename, others[n], f"Renamed {n}")
            await asyncio.to_thread(rename, managed[0], "Renamed in scope")
            seen = await next_events(everything, 7, timeout=15)
            assert sorted(e["subject"] for e in seen) == sorted([*others[:6], managed[0]])
            mine = await next_events(scoped, 2, timeout=3)
            assert [(e["type"], e["subject"]) for e in mine] == [("account.updated", managed[0])]
            await everything.close()
            await scoped.close()

        asyncio.run(scenario())
