"""A real server: `kamgraph serve --demo` under uvicorn on a free port, queried over HTTP."""

import httpx
import pytest
from live_server import demo_server, login


@pytest.mark.slow
def test_serve_demo_answers_graphql_over_http(tmp_path):
    with demo_server(tmp_path) as (base, log):
        ide = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()
        anonymous = httpx.post(f"{base}/graphql", json={"query": "{ accounts { totalCount } }"}, timeout=10).json()
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        token = login(base, "ka-director@demo.kamgraph")
        query = "{ accounts(first: 3, filter: {tier: {eq: STRATEGIC}}) { totalCount edges { node { name tier contracts(first: 2) { edges { node { number amount { amount } } } } } } } }"
        body = httpx.post(
            f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        assert "errors" not in body, body
        assert body["data"]["accounts"]["totalCount"] > 0
        assert all(e["node"]["tier"] == "STRATEGIC" for e in body["data"]["accounts"]["edges"])
    # what `make run` shows a newcomer: the key it made, the demo, the address and whom to log in as; no more
    printed = log.read_text().splitlines()
    assert len(printed) <= 6, printed
    assert any(line.strip().startswith("GraphiQL  http://127.0.0.1:") for line in printed), printed
    assert any("log in as ka-director@demo.kamgraph" in line and "kamgraph-demo" in line for line in printed)
