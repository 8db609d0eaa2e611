"""A webhook receiver that is down while the server is killed and restarted still gets every event,
each event id at least once: deliveries live in the database, not in the process."""

import http.server
import json
import threading
import time

import httpx
import pytest
from factories import credit_code
from live_server import demo_server, free_port, login


class Receiver(http.server.ThreadingHTTPServer):
    def __init__(self, port: int) -> None:
        self.events: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.events.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", port), Handler)


@pytest.mark.slow
def test_events_survive_a_killed_server_and_a_receiver_that_was_down(tmp_path):
    port = free_port()
    env = {"KAMGRAPH_WEBHOOK_ALLOW_PRIVATE": "1", "KAMGRAPH_WEBHOOK_FIRST_RETRY_SECONDS": "1"}
    subjects = set()
    with demo_server(tmp_path, **env) as (base, _log):
        headers = {"Authorization": f"Bearer {login(base, 'ka-director@demo.kamgraph')}"}

        def gql(query, variables=None):
            return httpx.post(
                f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=10
            ).json()

        made = gql(
            'mutation($u: String!) { createWebhook(input: {url: $u, eventTypes: ["account.created"]}) { secret userErrors { message } } }',
            {"u": f"http://127.0.0.1:{port}/hook"},
        )
        assert made["data"]["createWebhook"]["secret"], made
        for n in range(3):
            created = gql(
                'mutation($n: String!, $c: String!) { createAccount(input: {name: $n, creditCode: $c, industryCode: "C39", region: EAST}) { account { id } } }',
                {"n": f"Restart {n}", "c": credit_code(900 + n)},
            )
            subjects.add(created["data"]["createAccount"]["account"]["id"])
        time.sleep(2)  # the worker tries and fails: nobody listens yet
        demo_server.process.kill()
        demo_server.process.wait(timeout=10)
    receiver = Receiver(port)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        with demo_server(tmp_path, **env):  # restarted on the same database
            deadline = time.monotonic() + 60
            while {e["subject"] for e in receiver.events} != subjects and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        receiver.shutdown()
    assert {e["subject"] for e in receiver.events} == subjects
    assert len({e["id"] for e in receiver.events}) == 3  # one event id per account created
