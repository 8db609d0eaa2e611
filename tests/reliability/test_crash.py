"""kill -9 during a stream of acknowledged writes: after a restart the database is intact and every
acknowledged write is there (SQLite in WAL with synchronous=FULL)."""

import signal
import sqlite3
import threading
import time

import httpx
import pytest
from live_server import demo_server, login

CREATE = "mutation($a: ID!, $n: String!) { createPerson(input: {kind: CONTACT, name: $n, accountId: $a}) { person { id } userErrors { code } } }"


@pytest.mark.slow
def test_kill_minus_nine_loses_no_acknowledged_write(tmp_path):
    acknowledged: list[str] = []
    with demo_server(tmp_path) as (base, _log):
        token = login(base, "ka-director@demo.kamgraph")
        headers = {"Authorization": f"Bearer {token}"}
        account = httpx.post(
            f"{base}/graphql", json={"query": "{ accounts(first: 1) { edges { node { id } } } }"}, headers=headers
        ).json()
        account_id = account["data"]["accounts"]["edges"][0]["node"]["id"]
        stop = threading.Event()

        def write_stream():
            deadline = time.monotonic() + 60
            n = 0
            while not stop.is_set() and time.monotonic() < deadline:
                n += 1
                name = f"crash-test-{n}"
                try:
                    body = httpx.post(
                        f"{base}/graphql",
                        json={"query": CREATE, "variables": {"a": account_id, "n": name}},
                        headers=headers,
                        timeout=5,
                    ).json()
                except httpx.HTTPError:
                    return  # the server is gone
                if body.get("data", {}).get("createPerson", {}).get("userErrors") == []:
                    acknowledged.append(name)

        writer = threading.Thread(target=write_stream, daemon=True)
        writer.start()
        while len(acknowledged) < 30:
            time.sleep(0.01)
        demo_server.process.send_signal(signal.SIGKILL)  # no shutdown, no flush: the power cord
        demo_server.process.wait(timeout=10)
        stop.set()
        writer.join(timeout=10)
    database = tmp_path / "e2e.sqlite3"
    connection = sqlite3.connect(database)  # opening it recovers the WAL, as a restarted server would
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in connection.execute("SELECT name FROM person WHERE name LIKE 'crash-test-%'")}
    connection.close()
    assert set(acknowledged) <= stored, sorted(set(acknowledged) - stored)
    with demo_server(tmp_path) as (base, _log):  # and the server starts again on it
        token = login(base, "ka-director@demo.kamgraph")
        found = httpx.post(
            f"{base}/graphql",
            json={"query": '{ people(filter: {name: {startsWith: "crash-test-"}}) { totalCount } }'},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert found["data"]["people"]["totalCount"] == len(stored)
