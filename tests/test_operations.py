"""What operators and browser frontends rely on: CORS, health and readiness (docs/operations.md)."""

from __future__ import annotations

import httpx
import pytest

from kamgraph.app import create_app
from kamgraph.security.actors import SYSTEM_ACTOR

FRONTEND = "https://kam.example.com"


@pytest.fixture
def cors_app(settings, pm):
    return create_app(settings.with_(cors_origins=(FRONTEND,)), pm)


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x")


async def test_a_frontend_on_an_allowed_origin_gets_its_preflight_and_reads_the_answer(
    cors_app, gql, actor_switch, monkeypatch
):
    monkeypatch.setattr(actor_switch, "actor", SYSTEM_ACTOR)
    async with client(cors_app) as http:
        preflight = await http.options(
            "/graphql",
            headers={
                "Origin": FRONTEND,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, x-request-id",
            },
        )
        assert preflight.status_code == 200, preflight.text
        assert preflight.headers["access-control-allow-origin"] == FRONTEND
        assert preflight.headers["access-control-allow-credentials"] == "true"
        allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
        assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= allowed
        assert "POST" in preflight.headers["access-control-allow-methods"]

        answer = await http.post(
            "/graphql", json={"query": "{ accounts { totalCount } }"}, headers={"Origin": FRONTEND}
        )
        assert answer.json() == {"data": {"accounts": {"totalCount": 0}}}
        assert answer.headers["access-control-allow-origin"] == FRONTEND
        assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()

        elsewhere = await http.options(
            "/graphql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert elsewhere.status_code == 400 and "access-control-allow-origin" not in elsewhere.headers


async def test_without_configured_origins_no_page_elsewhere_is_let_in(gql):
    preflight = await gql.http.options(
        "/graphql", headers={"Origin": FRONTEND, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


def test_origins_are_read_from_the_environment():
    from kamgraph.settings import Settings

    settings = Settings.from_env({"KAMGRAPH_CORS_ORIGINS": "https://a.example, https://b.example"})
    assert settings.cors_origins == ("https://a.example", "https://b.example")


async def test_alive_and_ready_are_two_answers(gql):
    from tortoise import connections

    alive = await gql.http.get("/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    ready = await gql.http.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})

    # a migration that is not applied: not ready, and the answer names it
    connection = connections.get("default")
    _, rows = await connection.execute_query("SELECT id, app, name, applied_at FROM tortoise_migrations")
    last = max(rows, key=lambda row: row["id"])
    await connection.execute_query(f"DELETE FROM tortoise_migrations WHERE id = {int(last['id'])}")
    try:
        unready = await gql.http.get("/readyz")
    finally:
        marks = "$1, $2, $3, $4" if connection.capabilities.dialect == "postgres" else "?, ?, ?, ?"
        await connection.execute_insert(
            f"INSERT INTO tortoise_migrations (id, app, name, applied_at) VALUES ({marks})",
            [last["id"], last["app"], last["name"], last["applied_at"]],
        )
    assert unready.status_code == 503
    assert unready.json() == {
        "status": "unavailable",
        "reason": f"1 migration(s) not applied: {last['app']}.{last['name']}",
    }
    assert (await gql.http.get("/readyz")).status_code == 200
