"""Test fixtures: a migrated database per session (SQLite, or PostgreSQL with KAMGRAPH_TEST_DATABASE_URL),
emptied before each test; an ASGI client with a chosen actor; an SQL statement counter.

The test plugin ``kam_testplugin`` is installed the way a third party's would be: a distribution with an
entry point in the group ``kamgraph.plugins``, written into a temporary site directory below.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

# --- install the test plugin's distribution metadata before anything loads plugins -----------------
_SITE = Path(tempfile.mkdtemp(prefix="kamgraph-test-site-"))
_DIST = _SITE / "kam_testplugin-1.0.dist-info"
_DIST.mkdir()
(_DIST / "METADATA").write_text("Metadata-Version: 2.1\nName: kam_testplugin\nVersion: 1.0\n")
(_DIST / "entry_points.txt").write_text("[kamgraph.plugins]\nkam_testplugin = kam_testplugin\n")
sys.path.insert(0, str(_SITE))
sys.path.insert(0, str(Path(__file__).parent))  # kam_testplugin itself lives beside this file

from kamgraph.app import create_app  # noqa: E402
from kamgraph.plugin_manager import PluginManager  # noqa: E402
from kamgraph.security.actors import Actor  # noqa: E402
from kamgraph.security.permissions import Permissions  # noqa: E402
from kamgraph.settings import Settings  # noqa: E402
from kamgraph.testing import ANONYMOUS, ActorSwitch, GraphQLClient  # noqa: E402, F401
from kamgraph.testing.plugin import TEST_KEY  # noqa: E402, F401  (the key the suite's database is sealed with)

TEST_PLUGINS = ("kam_testplugin",)


# --- the session's settings, plugins and database: kamgraph.testing's, as any plugin's suite gets them ------
# (pyproject.toml names the plugins: the test plugin and the bundled ones with tables, so that each plugin's
# tests run on the one database, through an app of their own; ``app`` itself is the core's and the test plugin's)


@pytest.fixture(scope="session")
def settings(kamgraph_settings: Settings) -> Settings:
    return kamgraph_settings.with_(plugins=TEST_PLUGINS)


@pytest.fixture(scope="session")
def actor_switch(_kamgraph_hooks: Any) -> ActorSwitch:
    return _kamgraph_hooks.switch  # the kit's: every app of the session answers actor_from_request with it


@pytest.fixture(scope="session")
def pm(settings: Settings, actor_switch: ActorSwitch) -> PluginManager:
    manager = PluginManager.from_names(settings.plugins)
    manager.register(actor_switch, name="test_actor_switch")  # a hook object, not a plugin of the deployment
    return manager


@pytest.fixture(scope="session")
def every_pm(kamgraph_pm: PluginManager) -> PluginManager:
    """The test plugin and every bundled plugin with tables: what the test database is migrated for."""
    return kamgraph_pm


@pytest.fixture(scope="session")
def database(kamgraph_database: None) -> None:
    """The session's migrated database (SQLite, or PostgreSQL with KAMGRAPH_TEST_DATABASE_URL, dropped after)."""


@pytest_asyncio.fixture
async def clean(database: None) -> AsyncIterator[None]:
    """An empty database for this test (tables kept, rows removed)."""
    from tortoise.contrib.test import truncate_all_models

    await truncate_all_models()
    yield


@pytest.fixture(scope="session")
def app(settings: Settings, pm: PluginManager) -> Any:
    return create_app(settings, pm)


@pytest.fixture(scope="session")
def schema_sdl(app: Any) -> str:
    return app.state.schema.as_str()


@pytest.fixture(scope="session")
def permissions(every_pm: PluginManager) -> Permissions:
    return Permissions.from_plugins(
        every_pm
    )  # the core's and the bundled plugins' (an actor of the core app ignores the rest)


@pytest.fixture
def actor_for(permissions: Permissions) -> Any:
    """The actor a member of staff gets at login, from their roles (DOMAIN.md section 1)."""

    def make(person: Any, *roles: Any) -> Actor:
        return permissions.actor_for_staff(person.name, person.id, roles, person.industry_section, person.region)

    return make


@pytest_asyncio.fixture
async def gql(app: Any, actor_switch: ActorSwitch, clean: None) -> AsyncIterator[GraphQLClient]:
    client = GraphQLClient(app, actor_switch)
    yield client
    await client.http.aclose()


class StatementCounter(logging.Handler):
    """Counts SQL statements: tortoise logs each one it sends on ``tortoise.db_client``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s":
            self.statements.append(str(record.args[0]))


@pytest.fixture
def sql_counter() -> Any:
    counter = StatementCounter()
    logger = logging.getLogger("tortoise.db_client")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(previous)


# --- bundled plugins: their tests use the same database through an app that enables them ------------


@pytest.fixture(scope="session")
def bundled_app(settings: Settings, every_pm: PluginManager) -> Any:
    return create_app(settings, every_pm)


@pytest_asyncio.fixture
async def bundled(bundled_app: Any, actor_switch: ActorSwitch, clean: None) -> AsyncIterator[GraphQLClient]:
    """Like ``gql``, against an app with every bundled plugin enabled (``risk``, ``pipeline``)."""
    client = GraphQLClient(bundled_app, actor_switch)
    yield client
    await client.http.aclose()


@pytest.fixture
def risk(bundled: GraphQLClient) -> GraphQLClient:
    return bundled


@pytest.fixture
def pipeline(bundled: GraphQLClient) -> GraphQLClient:
    return bundled
