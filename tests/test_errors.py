"""Unexpected faults are masked as INTERNAL with a request id; the server log has the whole story."""

import logging

import pytest


async def test_unexpected_fault_is_masked_and_logged_in_full(gql, caplog):
    caplog.set_level(logging.ERROR)
    body = await gql("{ explode }", errors=True)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    request_id = error["extensions"]["requestId"]
    assert request_id in error["message"] and "hunter2" not in str(body)
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert len(logged) == 1 and "hunter2" in str(logged[0].exc_info[1])
    assert not [r for r in caplog.records if "hunter2" in r.getMessage() and r not in logged]  # not logged twice


async def test_malformed_queries_are_reported_as_they_are_with_their_codes(gql):
    body = await gql("{ accounts { nope } }", errors=True)
    assert "Cannot query field 'nope'" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unparsed = await gql("{ accounts { ", errors=True)
    assert unparsed["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    typed = await gql("query($n: Int!) { accounts(first: $n) { totalCount } }", {"n": "x"}, errors=True)
    assert typed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_response_carries_a_request_id(gql):
    response = await gql.http.post("/graphql", json={"query": "{ accounts { totalCount } }"})
    assert len(response.headers["x-request-id"]) == 32
    echoed = await gql.http.post(
        "/graphql", json={"query": "{ explode }"}, headers={"X-Request-Id": "client-trace-0001"}
    )
    # the caller's id is echoed beside ours, never taken as ours (the audit trail's ids are the server's)
    assert echoed.headers["x-client-request-id"] == "client-trace-0001"
    ours = echoed.headers["x-request-id"]
    assert ours != "client-trace-0001" and echoed.json()["errors"][0]["extensions"]["requestId"] == ours
    odd = await gql.http.post(
        "/graphql", json={"query": "{ accounts { totalCount } }"}, headers={"X-Request-Id": "bad id\\n"}
    )
    assert odd.headers["x-request-id"] != "bad id\\n"


async def test_a_fault_in_a_schema_extension_is_masked_too(gql, caplog, monkeypatch):
    from kamgraph.api.limits import CostLimit

    def broken(self, execution):
        raise RuntimeError("hunter2 in a hook")

    monkeypatch.setattr(CostLimit, "cost", broken)
    caplog.set_level(logging.ERROR)
    body = await gql("{ accounts(first: 3) { totalCount } }", errors=True)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL" and "hunter2" not in str(body)
    logged = [r for r in caplog.records if error["extensions"]["requestId"] in r.getMessage()]
    assert len(logged) == 1 and "hunter2" in str(logged[0].exc_info[1])


CREATE_CONTRACT = "mutation($i: CreateContractInput!) { createContract(input: $i) { userErrors { code } } }"
VALID_CONTRACT = {
    "accountId": "QWNjb3VudDox",
    "number": "C-1",
    "title": "t",
    "amount": "10.00",
    "startOn": "2026-01-01",
    "endOn": "2026-12-31",
}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($n: Int) { accounts(first: $n) { totalCount } }", {"n": 1.5}),
        ("query($n: Int) { accounts(first: $n) { totalCount } }", {"n": 2**40}),
        ("query($n: Int) { accounts(first: $n) { totalCount } }", {"n": True}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": {"a": 1}}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": None}),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [None]}),
        ("query($a: String) { accounts(after: $a) { totalCount } }", {"a": ["x"]}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "edition": "GOLD"}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "edition": 1}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "amount": {"x": 1}}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "startOn": 20260101}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "startOn": "2026-02-30"}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "schedule": "monthly"}}),
        (CREATE_CONTRACT, {"i": {**VALID_CONTRACT, "unknownField": 1}}),
        (CREATE_CONTRACT, {"i": "not an object"}),
        (CREATE_CONTRACT, {"i": {"number": "C-1"}}),
        (CREATE_CONTRACT, {}),
    ],
)
async def test_a_wrong_typed_variable_is_bad_user_input_not_internal(gql, query, variables):
    body = await gql(query, variables, errors=True)
    assert body.get("data") is None, body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}, body
    assert all(e["message"].startswith("Variable '$") for e in body["errors"]), body


async def test_a_document_with_several_operations_runs_only_the_one_named(gql):
    document = "query A { accounts { totalCount } } query B { me { name } }"
    unnamed = await gql.http.post("/graphql", json={"query": document})
    assert unnamed.json() == {
        "data": None,
        "errors": [
            {
                "message": "the document has 2 operations (A, B): name the one to run in operationName",
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ],
    }
    named = await gql.http.post("/graphql", json={"query": document, "operationName": "A"})
    assert named.json() == {"data": {"accounts": {"totalCount": 0}}}
