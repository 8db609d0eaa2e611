"""kamgraph backup takes a consistent copy while writes continue; restore checks it and puts it back."""

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest


def kamgraph(folder, *args):
    env = {**os.environ, "KAMGRAPH_DATABASE_URL": f"sqlite://{folder}/live.sqlite3"}
    return subprocess.run(
        [sys.executable, "-m", "kamgraph.cli", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


class Writer(threading.Thread):
    """Commits one row at a time into the live database and counts what was acknowledged."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.committed, self.stop = path, 0, threading.Event()

    def run(self):
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        deadline = time.monotonic() + 60  # ends by itself
        while not self.stop.is_set() and time.monotonic() < deadline:
            n = self.committed + 1
            connection.execute(
                "INSERT INTO login_throttle (key, failures, window_started_at) VALUES (?, ?, '2026-01-01')",
                (f"row:{n}", n),
            )
            self.committed = n
        connection.close()


@pytest.mark.slow
def test_backup_during_writes_then_restore(tmp_path):
    assert kamgraph(tmp_path, "migrate").returncode == 0
    live = tmp_path / "live.sqlite3"
    writer = Writer(live)
    writer.start()
    while writer.committed < 200:
        time.sleep(0.01)
    before = writer.committed  # acknowledged before the backup started
    result = kamgraph(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 0, result.stderr
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    assert writer.committed > before  # writes went on during and after the backup
    restored = kamgraph(tmp_path, "restore", str(tmp_path / "copy.sqlite3"))
    assert restored.returncode == 0, restored.stderr
    connection = sqlite3.connect(live)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = {r[0] for r in connection.execute("SELECT failures FROM login_throttle")}
    assert set(range(1, before + 1)) <= rows  # every row committed before the backup began
    assert rows == set(range(1, max(rows) + 1))  # and a consistent prefix, nothing torn
    assert kamgraph(tmp_path, "migrate").stdout.strip().endswith("up to date.")


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path):
    assert kamgraph(tmp_path, "migrate").returncode == 0
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = (tmp_path / "live.sqlite3").read_bytes()
    result = kamgraph(tmp_path, "restore", str(damaged))
    assert result.returncode == 1 and "failed its integrity check, nothing was restored" in result.stderr
    assert (tmp_path / "live.sqlite3").read_bytes() == before
