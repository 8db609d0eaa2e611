"""The embedded database is set up for money and audit data: WAL, synchronous=FULL, a busy timeout,
and write transactions that take SQLite's write lock when they begin."""

import asyncio
import os
import sqlite3

import pytest

from kamgraph import db

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("KAMGRAPH_TEST_DATABASE_URL")), reason="the embedded SQLite database only"
)


async def test_sqlite_pragmas(gql, settings):
    _, rows = await db.db().execute_query("PRAGMA journal_mode")
    assert rows[0][0] == "wal"
    _, rows = await db.db().execute_query("PRAGMA synchronous")
    assert rows[0][0] == 2  # FULL
    _, rows = await db.db().execute_query("PRAGMA busy_timeout")
    assert rows[0][0] == settings.sqlite_busy_timeout_ms


async def test_a_write_transaction_holds_the_write_lock_from_its_start(gql, settings):
    other = sqlite3.connect(settings.sqlite_path, timeout=0, isolation_level=None)
    try:
        async with db.write_transaction():
            # nothing written yet, yet another process cannot start writing: BEGIN IMMEDIATE took the lock
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            await asyncio.sleep(0)
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_no_table_description_has_a_semicolon(database):
    """tortoise writes a model's docstring into the table's SQL comment, and its SQLite schema editor splits
    statements at semicolons: a migration creating such a table fails with a syntax error."""
    from tortoise import Tortoise

    troubled = [
        f"{label}.{name}"
        for label, models in Tortoise.apps.items()
        for name, model in models.items()
        if ";" in (model._meta.table_description or "")
    ]
    assert troubled == [], "keep semicolons out of the first paragraph of these models' docstrings"
