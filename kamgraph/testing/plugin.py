"""kamgraph's pytest plugin (entry point ``pytest11``): the fixtures a plugin's test suite needs, so that it
copies no conftest. Enable the plugins under test in ``pytest.ini`` (``kamgraph_plugins = visits``; the
core is always in) and use ``asyncio_mode = auto``:

    async def test_a_visit_is_logged(graphql, as_role, factories):
        manager = await as_role("ACCOUNT_MANAGER")
        customer = await factories.account(owner=manager.person)
        data = await graphql("{ visits { totalCount } }", actor=manager.actor)

Fixtures: ``kamgraph_settings``, ``kamgraph_pm``, ``kamgraph_database`` (session: a migrated database on
SQLite, or PostgreSQL with ``KAMGRAPH_TEST_DATABASE_URL``, dropped afterwards), ``kamgraph_app``,
``graphql`` (a client, on an empty database), ``as_role``/``as_person`` (actors as a member of staff gets
them at login), ``factories``, ``events`` (those delivered during the test) and ``run_job``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import types
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

try:
    import pytest_asyncio
except ImportError:  # kamgraph installed without its test extra: the fixtures need pytest-asyncio
    pytest_asyncio = None

TEST_KEY = "k2JgW8oO9v3Ecu6Yl+1X4bq6L6m1ZzQ8e8b0m3B1c2U="  # a fixed encryption key for test databases


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "kamgraph_plugins", "plugins enabled for kamgraph's test fixtures (the core is always in)", "linelist"
    )


@dataclass
class StaffActor:
    """A member of staff and the actor they get at login."""

    person: Any
    actor: Any


class EventRecorder:
    """Records every event delivered (after commit), for ``events``."""

    def __init__(self) -> None:
        self.delivered: list[Any] = []

    def on_event(self, event: Any) -> None:
        self.delivered.append(event)


if pytest_asyncio is not None:
    from kamgraph import hookimpl
    from kamgraph.testing import ActorSwitch, GraphQLClient, drop_test_database
    from kamgraph.testing import factories as factory_functions

    class _Hooks:
        """The switch that answers ``actor_from_request``, and the recorder of events, as one hook object."""

        def __init__(self) -> None:
            self.switch = ActorSwitch()
            self.recorder = EventRecorder()

        @hookimpl(tryfirst=True)
        def actor_from_request(self, request: Any, settings: Any) -> Any:
            return self.switch.actor

        @hookimpl
        def on_event(self, event: Any) -> None:
            self.recorder.on_event(event)

    @pytest.fixture(scope="session")
    def kamgraph_settings(pytestconfig: pytest.Config) -> Any:
        from kamgraph.settings import Settings

        plugins = tuple(pytestconfig.getini("kamgraph_plugins") or ())
        url = os.environ.get("KAMGRAPH_TEST_DATABASE_URL")
        if url:
            url = f"{url.rpartition('/')[0]}/kamgraph_test_{uuid.uuid4().hex[:8]}"
        else:
            url = f"sqlite://{tempfile.mkdtemp(prefix='kamgraph-test-')}/test.sqlite3"
        return Settings(
            database_url=url,
            plugins=plugins,
            secret_key=TEST_KEY,
            rate_limit_per_address=0,
            rate_limit_per_credential=0,
        )

    @pytest.fixture(scope="session")
    def _kamgraph_hooks() -> _Hooks:
        return _Hooks()

    @pytest.fixture(scope="session")
    def kamgraph_pm(kamgraph_settings: Any, _kamgraph_hooks: _Hooks) -> Any:
        from kamgraph.checks import check_plugins
        from kamgraph.plugin_manager import PluginManager

        manager = PluginManager.from_names(kamgraph_settings.plugins)
        check_plugins(manager)
        manager.register(_kamgraph_hooks, name="kamgraph_testing")  # a hook object, not a plugin
        return manager

    @pytest_asyncio.fixture(scope="session", loop_scope="session")
    async def kamgraph_database(kamgraph_settings: Any, kamgraph_pm: Any) -> AsyncIterator[None]:
        from kamgraph import db
        from kamgraph.checks import check_migrations
        from kamgraph.db.migrations import migrate
        from kamgraph.testing import sqlite_template

        postgres = not kamgraph_settings.is_sqlite
        template = None if postgres else sqlite_template(kamgraph_pm)
        if template is not None and template.exists():  # migrated by an earlier session: copied, not migrated again
            shutil.copyfile(template, kamgraph_settings.database_url.removeprefix("sqlite://"))
        async with db.connect(kamgraph_settings, kamgraph_pm, create_db=postgres):
            await check_migrations(kamgraph_pm)
            if await migrate(kamgraph_pm) and template is not None:
                partial = template.with_suffix(f".{uuid.uuid4().hex}")  # whole or absent: sessions run side by side
                await db.db().execute_script(f"VACUUM INTO '{partial}'")
                os.replace(partial, template)
            yield
        if postgres:
            await drop_test_database(kamgraph_settings.database_url)

    @pytest.fixture(scope="session")
    def kamgraph_app(kamgraph_settings: Any, kamgraph_pm: Any) -> Any:
        from kamgraph.app import create_app

        return create_app(kamgraph_settings, kamgraph_pm)

    @pytest_asyncio.fixture(loop_scope="session")
    async def graphql(kamgraph_app: Any, kamgraph_database: None, _kamgraph_hooks: _Hooks) -> AsyncIterator[Any]:
        """A GraphQL client on an empty database: ``await graphql(query, variables, actor=...)``."""
        from tortoise.contrib.test import truncate_all_models

        await truncate_all_models()
        _kamgraph_hooks.recorder.delivered.clear()
        client = GraphQLClient(kamgraph_app, _kamgraph_hooks.switch)
        yield client
        await client.http.aclose()

    @pytest.fixture
    def as_person(kamgraph_pm: Any) -> Any:
        """``as_person(person, *roles)``: the actor that member of staff gets at login with those roles."""
        from kamgraph.security.actors import Role
        from kamgraph.security.permissions import Permissions

        permissions = Permissions.from_plugins(kamgraph_pm)

        def make(person: Any, *roles: Any) -> Any:
            held = [Role(r) for r in roles]
            return permissions.actor_for_staff(person.name, person.id, held, person.industry_section, person.region)

        return make

    @pytest.fixture
    def as_role(graphql: Any, as_person: Any) -> Any:
        """``await as_role("ACCOUNT_MANAGER", region="EAST")``: a new member of staff with the role, and their actor."""
        from kamgraph.security.actors import Role

        async def make(role: str, name: str | None = None, **fields: Any) -> StaffActor:
            person = await factory_functions.staff(name or role.replace("_", " ").title(), Role(role), **fields)
            return StaffActor(person, as_person(person, role))

        return make

    @pytest.fixture
    def factories(graphql: Any) -> types.ModuleType:
        """``factories.account()``, ``.contract()``, ``.staff()``, ``.contact()``: rows written straight to the models."""
        return factory_functions

    @pytest.fixture
    def events(graphql: Any, _kamgraph_hooks: _Hooks) -> list[Any]:
        """The events delivered during this test, in order (after their writes committed)."""
        return _kamgraph_hooks.recorder.delivered

    @pytest.fixture
    def run_job(graphql: Any, kamgraph_pm: Any, kamgraph_settings: Any) -> Any:
        """``await run_job("visits.reminders")``: run a registered job now; returns its run record."""
        from kamgraph.jobs import JobRunner

        async def run(name: str) -> Any:
            return await JobRunner(kamgraph_pm, kamgraph_settings).run(name)

        return run
