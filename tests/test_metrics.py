"""GET /metrics in the Prometheus text format, read back with prometheus_client's own parser: what happened
between two scrapes shows in them, and the endpoint is closed where it must be."""

from __future__ import annotations

import httpx
import pytest
from factories import staff
from prometheus_client.parser import text_string_to_metric_families
from reliability.test_webhooks import Receiver, deliver_all, hook, make_accounts

from kamgraph.app import create_app
from kamgraph.jobs import JobRunner
from kamgraph.security.actors import SYSTEM_ACTOR, Role


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(http) -> dict[tuple[str, tuple], float]:
    response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def grew(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


async def test_requests_errors_statements_deliveries_and_jobs_are_counted(gql, pm, settings, permissions):
    before = await scrape(gql.http)
    for _ in range(2):
        await gql("query Portfolio { accounts { totalCount } }")
    await gql("{ accounts { ", errors=True)
    await gql("mutation Typo { nope }", errors=True)
    receiver = Receiver(down=1)
    await hook(await staff("Director", role=Role.KA_DIRECTOR), "account.created")
    await make_accounts(gql, 1)
    await deliver_all(settings, permissions, receiver, rounds=3)
    await JobRunner(pm, settings).run("kam_testplugin.tally_notes")
    after = await scrape(gql.http)

    assert grew(before, after, "kamgraph_requests_total", type="query", operation="Portfolio") == 2
    assert grew(before, after, "kamgraph_requests_total", type="mutation", operation="Typo") == 1
    assert grew(before, after, "kamgraph_errors_total", code="GRAPHQL_PARSE_FAILED") == 1
    assert grew(before, after, "kamgraph_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert grew(before, after, "kamgraph_request_duration_seconds_count", type="query") >= 2
    assert grew(before, after, "kamgraph_db_statement_duration_seconds_count") >= 4  # at least one per request
    assert grew(before, after, "kamgraph_webhook_deliveries_total", outcome="retry") == 1
    assert grew(before, after, "kamgraph_webhook_deliveries_total", outcome="delivered") == 1
    assert grew(before, after, "kamgraph_job_runs_total", job="kam_testplugin.tally_notes", status="succeeded") == 1
    assert after[("kamgraph_webhook_backlog", ())] == 0 and after[("kamgraph_outbox_lag_seconds", ())] == 0
    assert ("kamgraph_subscriptions", ()) in after
    assert grew(before, after, "kam_testplugin_scrapes_total") == 1  # a plugin's collector, by register_metrics


async def test_the_backlog_is_read_from_the_database(gql, settings, permissions):
    await hook(await staff("Director", role=Role.KA_DIRECTOR), "account.created")
    await make_accounts(gql, 2)
    await deliver_all(settings, permissions, Receiver(down=10), rounds=1)  # the receiver is down
    after = await scrape(gql.http)
    assert after[("kamgraph_webhook_backlog", ())] == 2
    assert after[("kamgraph_outbox_lag_seconds", ())] > 0


def test_client_chosen_operation_names_are_bounded():
    from kamgraph import metrics

    assert metrics.operation_label(None) == "" and metrics.operation_label("Portfolio") == "Portfolio"
    assert metrics.operation_label("x" * 65) == "other" and metrics.operation_label("a-b") == "other"
    for n in range(metrics.OPERATION_NAMES):
        metrics.operation_label(f"Generated{n}")
    assert metrics.operation_label("OneTooMany") == "other" and metrics.operation_label("Portfolio") == "Portfolio"


@pytest.fixture
def token_app(settings, pm):
    return create_app(settings.with_(env="production", metrics_token="scrape-secret"), pm)


@pytest.fixture
def closed_app(settings, pm):
    return create_app(settings.with_(env="production"), pm)


async def test_metrics_ask_for_the_token_and_production_without_one_serves_none(
    token_app, closed_app, gql, actor_switch, monkeypatch
):
    monkeypatch.setattr(actor_switch, "actor", SYSTEM_ACTOR)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=token_app), base_url="http://x") as http:
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        scraped = await http.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert scraped.status_code == 200 and "kamgraph_requests_total" in scraped.text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=closed_app), base_url="http://x") as http:
        assert (await http.get("/metrics")).status_code == 404


@pytest.mark.slow
def test_workers_share_their_counts_so_any_one_answers_for_all(tmp_path):
    import asyncio
    import json

    from live_server import demo_server, live_database, login
    from websockets.asyncio.client import connect

    def total(text: str) -> float:
        found = samples(text)
        return sum(v for (name, labels), v in found.items() if name == "kamgraph_requests_total")

    with (
        live_database() as database,
        demo_server(tmp_path, workers=2, KAMGRAPH_RATE_LIMIT_PER_ADDRESS="0", **database) as (base, _),
    ):
        token = login(base, "ka-director@demo.kamgraph")
        for _ in range(20):  # a new connection each time: both workers answer some
            httpx.post(
                f"{base}/graphql",
                json={"query": "query Count { accounts { totalCount } }"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )

        async def scenario() -> None:
            async with connect(base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
                await ws.recv()
                subscribe = {"query": "subscription { events { type } }"}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
                await asyncio.sleep(1)
                for _ in range(4):  # whichever worker answers the scrape
                    text = await asyncio.to_thread(lambda: httpx.get(f"{base}/metrics", timeout=10).text)
                    assert total(text) >= 21  # the login and the twenty queries, wherever they ran
                    assert samples(text)[("kamgraph_subscriptions", ())] == 1

        asyncio.run(scenario())
