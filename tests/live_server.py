"""A real server for end-to-end tests: `kamgraph serve --demo` under uvicorn on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(folder: Path, workers: int = 1, log_level: str = "warning", **env: str) -> Iterator[tuple[str, Path]]:
    """Start the demo server in ``folder``; yield its base URL and its log file; stop it on exit.

    The process is ``demo_server.process`` while it runs (for tests that kill it)."""
    port = free_port()
    environment = {
        **os.environ,
        "KAMGRAPH_DATABASE_URL": f"sqlite://{folder}/e2e.sqlite3",
        "XDG_CONFIG_HOME": str(folder / "config"),  # a PostgreSQL database's development key, kept in the folder
        **env,
    }
    log = folder / "server.log"
    with log.open("w") as output:  # a file, not a pipe: a chatty server must never block on a full pipe
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kamgraph.cli",
                "serve",
                "--demo",
                "--port",
                str(port),
                "--log-level",
                log_level,
                "--workers",
                str(workers),
            ],
            cwd=folder,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start within 90 s"
            time.sleep(0.3)
        demo_server.process = server
        yield base, log
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=15)


def login(base: str, email: str, password: str = "kamgraph-demo") -> str:
    query = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"
    return httpx.post(
        f"{base}/graphql", json={"query": query, "variables": {"e": email, "p": password}}, timeout=10
    ).json()["data"]["login"]["token"]


@contextlib.contextmanager
def live_database() -> Iterator[dict[str, str]]:
    """Environment for a live server's own database: a SQLite file in its folder, or, when the suite runs
    on PostgreSQL, a database of its own, dropped afterwards."""
    pg_url = os.environ.get("KAMGRAPH_TEST_DATABASE_URL")
    if not pg_url:
        yield {}
        return
    import asyncio
    import uuid

    import asyncpg

    base, _, _ = pg_url.rpartition("/")
    name = f"kamgraph_e2e_{uuid.uuid4().hex[:8]}"
    try:
        yield {"KAMGRAPH_DATABASE_URL": f"{base}/{name}"}
    finally:

        async def drop() -> None:
            connection = await asyncpg.connect(pg_url)
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await connection.close()

        asyncio.run(drop())  # so call this from a plain (not async) test
