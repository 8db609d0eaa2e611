"""A tortoise SQLite backend whose write transactions take the write lock when they begin.

SQLite's default ``BEGIN`` is deferred: a transaction that reads first and writes later fails with
SQLITE_BUSY the moment another process holds the write lock, and the busy timeout cannot help it.
``BEGIN IMMEDIATE`` takes the lock up front, so a second writer waits (up to the busy timeout)
instead of failing half-way. tortoise picks this module by its ``client_class``.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> SqliteTransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
