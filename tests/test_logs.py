"""Logs a pipeline can read: one JSON object per line, a record per request with its id, operation,
duration, outcome and caller, and never a secret, a token or a variable's value."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from kamgraph.logs import JSONFormatter, WithoutQueryString
from kamgraph.security import auth
from kamgraph.security.actors import Role
from kamgraph.testing import ANONYMOUS

LOGIN = "mutation LogIn($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"


async def test_each_request_is_one_record_with_its_id_operation_outcome_and_caller(
    gql, caplog, actor_switch, monkeypatch
):
    person = await auth.create_staff_user("Boss", "boss@example.com", [Role.KA_DIRECTOR], "a-long-password-1")
    monkeypatch.setattr(actor_switch, "actor", ANONYMOUS)  # who calls is read from the token, as in production
    caplog.set_level(logging.INFO, logger="kamgraph.request")
    login = await gql.http.post(
        "/graphql", json={"query": LOGIN, "variables": {"e": "boss@example.com", "p": "a-long-password-1"}}
    )
    token = login.json()["data"]["login"]["token"]
    answer = await gql.http.post(
        "/graphql",
        json={"query": "query Portfolio { accounts { totalCount } }"},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-from-the-caller"},
    )
    await gql.http.post("/graphql", json={"query": "query Portfolio { accounts { totalCount } }"})
    records = [r for r in caplog.records if r.name == "kamgraph.request"]
    assert [(r.operation_type, r.operation, r.outcome, r.actor) for r in records[-3:]] == [
        ("mutation", "LogIn", "ok", "anonymous"),
        ("query", "Portfolio", "ok", f"person:{person.id}"),
        ("query", "Portfolio", "UNAUTHENTICATED", "anonymous"),
    ]
    middle = records[-2]
    assert middle.request_id == answer.headers["x-request-id"] and middle.client_request_id == "trace-from-the-caller"
    assert middle.duration_ms >= 0
    written = "\n".join(JSONFormatter().format(r) for r in caplog.records)
    assert "a-long-password-1" not in written and token not in written and "boss@example.com" not in written


def test_a_json_line_carries_the_fields_and_an_access_record_no_query_string():
    formatter, strip = JSONFormatter(), WithoutQueryString()
    record = logging.LogRecord("kamgraph.request", logging.INFO, __file__, 1, "query %s", ("Q",), None)
    record.request_id, record.duration_ms = "abc", 1.5
    line = json.loads(formatter.format(record))
    assert line["message"] == "query Q" and line["request_id"] == "abc" and line["duration_ms"] == 1.5
    assert line["level"] == "info" and line["logger"] == "kamgraph.request" and line["time"].endswith("+00:00")
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", '/graphql?query={login(password:"x")}', "1.1", 200),
        None,
    )
    assert strip.filter(access)
    entry = json.loads(formatter.format(access))
    assert entry["path"] == "/graphql" and entry["status"] == 200 and "login" not in json.dumps(entry)


@pytest.mark.slow
def test_the_server_writes_json_lines_uvicorn_included(tmp_path):
    from live_server import demo_server, login

    with demo_server(tmp_path, log_level="info", KAMGRAPH_LOG_FORMAT="json") as (base, log):
        token = login(base, "ka-director@demo.kamgraph")
        httpx.get(
            f"{base}/graphql",
            params={"query": "query Mine($n: Int) { accounts(first: $n) { totalCount } }", "variables": '{"n": 3}'},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=10,
        )
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [e for e in entries if e["logger"] == "kamgraph.request"]
    assert [(e["operation_type"], e["operation"], e["outcome"]) for e in requests] == [
        ("mutation", None, "ok"),  # the login, unnamed
        ("query", "Mine", "ok"),
    ]
    assert requests[-1]["actor"].startswith("person:") and len(requests[-1]["request_id"]) == 32
    access = [e for e in entries if e["logger"] == "uvicorn.access"]
    assert {e["path"] for e in access} == {"/readyz", "/graphql"} and all("status" in e for e in access)
    assert token not in log.read_text() and 'kamgraph-demo"' not in log.read_text()
