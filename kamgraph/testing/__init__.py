"""kamgraph.testing: what a plugin's test suite needs, shipped with kamgraph (docs/plugins.md, "Testing").

Installed as a pytest plugin (entry point ``pytest11``), it gives the fixtures of :mod:`kamgraph.testing.plugin`:
a migrated database per session on SQLite (or PostgreSQL with ``KAMGRAPH_TEST_DATABASE_URL``), emptied
before each test; a GraphQL client; ``as_role``/``as_person`` actors; the factories of
:mod:`kamgraph.testing.factories`; the events delivered and ``run_job``. kamgraph's own suite uses the same
client, actor switch and factories.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import httpx

from kamgraph import hookimpl
from kamgraph.security.actors import SYSTEM_ACTOR, Actor

ANONYMOUS = None  # no opinion from the switch: the request authenticates by its Authorization header


class ActorSwitch:
    """Answers ``actor_from_request`` with whoever the test chose, before the core's bearer-token check."""

    def __init__(self) -> None:
        self.actor: Actor | None = SYSTEM_ACTOR

    @hookimpl(tryfirst=True)
    def actor_from_request(self, request: Any, settings: Any) -> Actor | None:
        return self.actor


class GraphQLClient:
    """GraphQL over the ASGI app, as a chosen actor."""

    def __init__(self, app: Any, switch: ActorSwitch) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kamgraph.test")
        self.switch = switch

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        actor: Actor | None = SYSTEM_ACTOR,
        token: str | None = None,
        errors: bool = False,
    ) -> dict[str, Any]:
        """Run a query as ``actor`` (or, with ``actor=ANONYMOUS``, as whoever ``token`` authenticates);
        fail the test on top-level errors unless ``errors=True`` (then return the whole body)."""
        self.switch.actor = actor
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        finally:
            self.switch.actor = SYSTEM_ACTOR
        body = response.json()
        if errors:
            return body
        assert "errors" not in body, body["errors"]
        return body["data"]


async def drop_test_database(url: str) -> None:
    """Drop a per-session PostgreSQL test database, so they do not pile up; the server is the one
    ``KAMGRAPH_TEST_DATABASE_URL`` names (its database is where the test ones are made from)."""
    import asyncpg

    server = os.environ["KAMGRAPH_TEST_DATABASE_URL"]
    connection = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')
    finally:
        await connection.close()


def sqlite_template(pm: Any) -> Path:
    """Where a migrated SQLite test database is kept for the next session (a session copies it instead of
    migrating, seconds saved on every short run). Named by the content of every enabled app's migrations and
    the versions that apply them, so a changed migration is applied anew, never served stale."""
    import importlib.util
    from importlib.metadata import version

    from kamgraph.db import apps_config

    digest = hashlib.sha256(f"{version('kamgraph')} {version('tortoise-orm')}".encode())
    for label, app in sorted(apps_config(pm).items()):
        spec = importlib.util.find_spec(app["migrations"]) if app.get("migrations") else None
        for folder in (spec and spec.submodule_search_locations) or ():
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{label}/{path.name}".encode() + path.read_bytes())
    return Path(tempfile.gettempdir()) / f"kamgraph-test-template-{digest.hexdigest()[:16]}.sqlite3"


__all__ = ["ANONYMOUS", "ActorSwitch", "GraphQLClient", "drop_test_database", "sqlite_template"]
