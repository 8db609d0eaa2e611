"""The database: tortoise configuration assembled from the enabled plugins, connection and transactions.

``connect(settings, pm)`` is the one way the app, the CLI and the tests open the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tortoise import Tortoise
from tortoise.connection import connections
from tortoise.transactions import in_transaction

from kamgraph.crypto import load_keyring, use_keyring
from kamgraph.db.instrument import instrument_statements
from kamgraph.plugin_manager import claim_unique

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from kamgraph.plugin_manager import PluginManager
    from kamgraph.settings import Settings

CONNECTION = "default"


def apps_config(pm: PluginManager) -> dict[str, dict[str, Any]]:
    """The tortoise ``apps`` section: one app per label that a plugin declares, each label claimed once."""
    claimed: dict[str, tuple[str, Any]] = {}
    for plugin, declared in pm.collect("register_models"):
        for label, app in declared.items():
            claim_unique(claimed, label, plugin, app, "app label")
    return {
        label: {"models": list(app["models"]), "migrations": app.get("migrations"), "default_connection": CONNECTION}
        for label, (_, app) in claimed.items()
    }


def connection_config(settings: Settings) -> dict[str, Any] | str:
    """SQLite gets WAL, ``synchronous=FULL``, a busy timeout and immediate write transactions."""
    if not settings.is_sqlite:
        return settings.database_url
    parts = urlsplit(settings.database_url)
    path = settings.database_url.split("://", 1)[1].split("?", 1)[0]
    credentials: dict[str, Any] = {
        "file_path": path,
        "journal_mode": "WAL",
        "synchronous": "FULL",
        "busy_timeout": settings.sqlite_busy_timeout_ms,
        "foreign_keys": "ON",
    }
    credentials.update(dict(parse_qsl(parts.query)))
    return {"engine": "kamgraph.db.sqlite", "credentials": credentials}


def tortoise_config(settings: Settings, pm: PluginManager) -> dict[str, Any]:
    return {
        "connections": {CONNECTION: connection_config(settings)},
        "apps": apps_config(pm),
        "use_tz": True,
        "timezone": "UTC",
    }


@contextlib.asynccontextmanager
async def connect(settings: Settings, pm: PluginManager, *, create_db: bool = False) -> AsyncIterator[None]:
    """Open the database for the enabled plugins, with the encryption keys; close it on exit.
    ``create_db`` creates a PostgreSQL database that does not exist yet (SQLite creates its file anyway)."""
    use_keyring(
        load_keyring(settings.secret_key, settings.secret_key_file, settings.default_key_file, settings.production)
    )
    config = tortoise_config(settings, pm)
    try:
        await Tortoise.init(config=config, _enable_global_fallback=True)
        if create_db:
            await connections.get(CONNECTION).execute_query("SELECT 1")  # asyncpg connects lazily: find out now
    except Exception as exc:
        if not create_db or "does not exist" not in f"{exc} {exc.__cause__}":
            raise
        await Tortoise.close_connections()
        await Tortoise.init(config=config, _create_db=True, _enable_global_fallback=True)
    instrument_statements()  # after init: the backend's client classes are loaded by now
    _connected_dialect.append(db().capabilities.dialect)
    try:
        yield
    finally:
        _connected_dialect.pop()
        await Tortoise.close_connections()


def db() -> BaseDBAsyncClient:
    """The current connection: the transaction's inside ``write_transaction()``, else the pool."""
    return connections.get(CONNECTION)


#: the dialect of the open database, read once per ``connect()``: asked for by every statement built
_connected_dialect: list[str] = []


def dialect() -> str:
    return _connected_dialect[-1] if _connected_dialect else db().capabilities.dialect


def write_transaction() -> Any:
    """A write transaction; on SQLite it takes the write lock at its start (``BEGIN IMMEDIATE``)."""
    return in_transaction(CONNECTION)
