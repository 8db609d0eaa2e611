"""Two uvicorn worker processes writing to one SQLite file under load: no "database is locked" error
reaches a client (write transactions take the lock when they begin; others wait up to the busy timeout)."""

import concurrent.futures
import time

import httpx
import pytest
from live_server import demo_server, login

CREATE = "mutation($a: ID!, $n: String!) { createPerson(input: {kind: CONTACT, name: $n, accountId: $a}) { userErrors { code } } }"
UPDATE = "mutation($a: ID!) { updateAccount(input: {id: $a, size: LARGE}) { userErrors { code } } }"


@pytest.mark.slow
def test_two_workers_one_sqlite_file_no_locked_errors(tmp_path):
    with demo_server(
        tmp_path, workers=2, KAMGRAPH_RATE_LIMIT_PER_ADDRESS="0", KAMGRAPH_RATE_LIMIT_PER_CREDENTIAL="0"
    ) as (base, log):
        token = login(base, "ka-director@demo.kamgraph")
        headers = {"Authorization": f"Bearer {token}"}
        accounts = httpx.post(
            f"{base}/graphql", json={"query": "{ accounts(first: 8) { edges { node { id } } } }"}, headers=headers
        ).json()
        ids = [e["node"]["id"] for e in accounts["data"]["accounts"]["edges"]]

        def client(n: int) -> list[dict]:
            bodies = []
            deadline = time.monotonic() + 60
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                for i in range(25):
                    if time.monotonic() > deadline:
                        break
                    query, variables = (
                        (CREATE, {"a": ids[n], "n": f"load-{n}-{i}"}) if i % 2 == 0 else (UPDATE, {"a": ids[n]})
                    )
                    bodies.append(http.post("/graphql", json={"query": query, "variables": variables}).json())
            return bodies

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            results = [body for bodies in pool.map(client, range(8)) for body in bodies]
        assert len(results) == 200
        assert all("errors" not in body for body in results), [b for b in results if "errors" in b][:3]
        assert all(not next(iter(body["data"].values()))["userErrors"] for body in results)
        created = httpx.post(
            f"{base}/graphql",
            json={"query": '{ people(filter: {name: {startsWith: "load-"}}) { totalCount } }'},
            headers=headers,
        ).json()
        assert created["data"]["people"]["totalCount"] == 8 * 13
    assert "database is locked" not in log.read_text()
