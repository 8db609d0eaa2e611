"""Subscriptions end to end, through the Python client library `gql` over both protocols (graphql-transport-ws
and the legacy graphql-ws), against two uvicorn workers (SQLite, or PostgreSQL when the suite runs on it):
every event reaches a subscriber whichever worker committed it, and only the events of accounts in the
subscriber's scope."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from live_server import demo_server, live_database, login
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

RENAME = "mutation($id: ID!, $n: String!) { updateAccount(input: {id: $id, name: $n}) { userErrors { code } } }"
IDS = "{ accounts(first: 100) { edges { node { id } } } }"
EVENTS = "subscription($t: [String!]) { events(types: $t) { type subject data } }"
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


class Subscriber:
    """One `gql` client subscribed to events; ``events`` fills as they arrive."""

    def __init__(self, ws_url: str, token: str, protocol: str, types: list[str]) -> None:
        # the header's name as GraphiQL sends it from its Headers pane: capitalised
        self.transport = WebsocketsTransport(
            url=ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=[protocol]
        )
        self.request = GraphQLRequest(EVENTS, variable_values={"t": types})
        self.events: list[dict] = []

    async def run(self) -> None:
        async with Client(transport=self.transport) as session:
            async for result in session.subscribe(self.request):
                self.events.append(result["events"])

    async def wait_for(self, count: int, timeout: float) -> list[dict]:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while len(self.events) < count:
                    await asyncio.sleep(0.05)
        return self.events


@pytest.mark.slow
def test_subscriptions_with_a_client_library_across_two_workers(tmp_path):
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

        async def scenario(protocol: str, round: int) -> None:
            everything = Subscriber(ws_url, director, protocol, ["account.updated"])
            scoped = Subscriber(ws_url, manager, protocol, [])
            tasks = [asyncio.create_task(everything.run()), asyncio.create_task(scoped.run())]
            await asyncio.sleep(1.5)  # both subscriptions are registered by the time the first write commits
            for n in range(6):
                await asyncio.to_thread(rename, others[n], f"Renamed {protocol} {n}")
            await asyncio.to_thread(rename, managed[0], f"Renamed in scope {round}")
            seen = await everything.wait_for(7, timeout=15)
            assert sorted(e["subject"] for e in seen) == sorted([*others[:6], managed[0]]), protocol
            mine = await scoped.wait_for(2, timeout=3)
            assert [(e["type"], e["subject"]) for e in mine] == [("account.updated", managed[0])], protocol
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        async def errors(protocol: str) -> None:
            transport = WebsocketsTransport(
                url=ws_url, init_payload={"authorization": f"Bearer {director}"}, subprotocols=[protocol]
            )
            async with Client(transport=transport) as session:
                with pytest.raises(TransportQueryError) as unknown:
                    async for _ in session.subscribe(GraphQLRequest(EVENTS, variable_values={"t": ["no.such"]})):
                        pass
            assert unknown.value.errors[0]["extensions"]["code"] == "BAD_REQUEST", unknown.value.errors

        for round, protocol in enumerate(PROTOCOLS):
            asyncio.run(scenario(protocol, round))
            asyncio.run(errors(protocol))


@pytest.mark.slow
def test_a_refused_subscription_says_why_in_text(tmp_path):
    with demo_server(tmp_path) as (base, _):
        ws_url = base.replace("http://", "ws://") + "/graphql"

        async def refused(payload: dict) -> tuple[int, str]:
            with pytest.raises(ConnectionClosed) as closed:
                async with connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
                    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                    await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code, closed.value.rcvd.reason

        async def scenario() -> None:
            assert await refused({}) == (
                4403,
                'authentication required: send {"Authorization": "Bearer <token>"} as connectionParams',
            )
            assert await refused({"AUTHORIZATION": "Bearer not-a-token"}) == (
                4403,
                "invalid or expired token; log in again",
            )
            token = login(base, "ka-director@demo.kamgraph")
            async with connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"AUTHORIZATION": f"Bearer {token}"}}))
                ack = await asyncio.wait_for(ws.recv(), 10)
                assert isinstance(ack, str), "a text frame: graphql-ws clients do not read binary ones"
                assert json.loads(ack)["type"] == "connection_ack"
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": IDS}}))
                answer = json.loads(await asyncio.wait_for(ws.recv(), 10))  # queries go over HTTP, not here
                assert answer["payload"]["errors"][0]["extensions"]["code"] == "BAD_REQUEST", answer

        asyncio.run(scenario())
