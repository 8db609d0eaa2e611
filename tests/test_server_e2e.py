"""A real server: `kamgraph serve --demo` under uvicorn on a free port, queried over HTTP."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_demo_answers_graphql_over_http(tmp_path):
    port = free_port()
    env = {**os.environ, "KAMGRAPH_DATABASE_URL": f"sqlite://{tmp_path}/e2e.sqlite3"}
    server = subprocess.Popen([sys.executable, "-m", "kamgraph.cli", "serve", "--demo", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "server did not start within 90 s"
            time.sleep(0.3)
        ide = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()
        anonymous = httpx.post(f"{base}/graphql", json={"query": "{ accounts { totalCount } }"}, timeout=10).json()
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        login = 'mutation { login(input: {email: "ka-director@demo.kamgraph", password: "kamgraph-demo"}) { token } }'
        token = httpx.post(f"{base}/graphql", json={"query": login}, timeout=10).json()["data"]["login"]["token"]
        query = "{ accounts(first: 3, filter: {tier: {eq: STRATEGIC}}) { totalCount edges { node { name tier contracts(first: 2) { edges { node { number amount { amount } } } } } } } }"
        body = httpx.post(f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        assert "errors" not in body, body
        assert body["data"]["accounts"]["totalCount"] > 0
        assert all(e["node"]["tier"] == "STRATEGIC" for e in body["data"]["accounts"]["edges"])
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
    assert "GraphiQL at http://127.0.0.1" in output
