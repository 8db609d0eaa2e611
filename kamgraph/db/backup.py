"""Online backup and restore of the embedded SQLite database.

``backup`` copies the live database with SQLite's backup API from its own connection: in WAL mode that
connection reads one consistent snapshot while writers carry on, so the copy holds exactly what was
committed when it started. The copy is checked (``PRAGMA integrity_check``) before it replaces the target.
``restore`` checks the backup first, then copies it into place the same way. Stop the servers before
restoring. PostgreSQL has its own tools: see docs/operations.md (``pg_dump -Fc`` / ``pg_restore``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class BackupError(RuntimeError):
    pass


def integrity(path: Path) -> str:
    """``ok``, or what is wrong with the database file."""
    try:
        with sqlite3.connect(path) as connection:
            return connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _copy(source: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
    finally:
        dst.close()
        src.close()
    verdict = integrity(tmp)
    if verdict != "ok":
        tmp.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    os.replace(tmp, target)


def backup(database: Path, target: Path) -> None:
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    _copy(database, target)


def restore(backup_file: Path, database: Path) -> None:
    if not backup_file.exists():
        raise BackupError(f"there is no backup at {backup_file}")
    verdict = integrity(backup_file)
    if verdict != "ok":
        raise BackupError(f"the backup failed its integrity check, nothing was restored: {verdict}")
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    _copy(backup_file, database)
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
