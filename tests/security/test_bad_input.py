"""Bad input gets a clear answer and changes nothing, never INTERNAL (issue 13, finding 7): each value that
reached a resolver, a decimal context, date arithmetic or the database as a fault is refused at the edge."""

import json

import pytest
from factories import account, staff

from kamgraph.core.accounts.models import Account
from kamgraph.core.contracts.models import Contract
from kamgraph.core.people.models import Person, PersonKind
from kamgraph.ids import to_global_id
from kamgraph.plugins.pipeline.models import Opportunity
from kamgraph.security.actors import Role

LONG = "x" * 5000


async def raw(client, body: bytes) -> tuple[int, dict]:
    response = await client.http.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    return response.status_code, response.json()


def code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_money_out_of_range_is_bad_input(bundled):
    customer = await account()
    query = """mutation($a: Decimal!, $id: ID!) { createContract(input: {accountId: $id, number: "C-1", title: "t",
      amount: $a, startOn: "2026-01-01", endOn: "2026-12-31"}) { userErrors { field code message } } }"""
    for amount in ("1e30", 1e300, "NaN", "-Infinity", "0.0000001"):
        body = await bundled(query, {"a": amount, "id": customer.node_id}, errors=True)
        assert code(body) == "BAD_USER_INPUT", (amount, body)
    assert await Contract.all().count() == 0


@pytest.mark.parametrize(
    ("query", "path"),
    [
        (
            'mutation($v: String!) { createAccount(input: {name: $v, creditCode: "91110000600037341L", industryCode: "C39",'
            " region: EAST, size: LARGE}) { userErrors { field code message } } }",
            ["input", "name"],
        ),
        (
            'mutation($v: String!, $id: ID!) { createContract(input: {accountId: $id, number: $v, title: "t", amount: "1.00",'
            ' startOn: "2026-01-01", endOn: "2026-12-31"}) { userErrors { field code message } } }',
            ["input", "number"],
        ),
        (
            'mutation($v: String!, $id: ID!) { createOpportunity(input: {accountId: $id, title: $v, amount: "1.00",'
            ' expectedCloseOn: "2027-03-31"}) { userErrors { field code message } } }',
            ["input", "title"],
        ),
        (
            'mutation($v: String!, $id: ID!) { createPerson(input: {kind: CONTACT, accountId: $id, name: "Wang Fang",'
            " title: $v}) { userErrors { field code message } } }",
            ["input", "title"],
        ),
    ],
)
async def test_text_longer_than_its_column_is_a_user_error(bundled, actor_for, query, path):
    manager = await staff("Li Wei")
    customer = await account("Long", owner=manager)
    as_manager = actor_for(manager, Role.ACCOUNT_MANAGER)
    body = await bundled(query, {"v": LONG, "id": customer.node_id}, actor=as_manager, errors=True)
    assert "errors" not in body, str(body)[:300]
    [errors] = [payload["userErrors"] for payload in body["data"].values()]
    assert {"field": path, "code": "INVALID"} in [{k: e[k] for k in ("field", "code")} for e in errors], errors
    assert await Account.all().count() == 1 and not await Contract.exists() and not await Opportunity.exists()
    assert await Person.filter(kind=PersonKind.CONTACT).count() == 0


async def test_a_lone_surrogate_is_refused_wherever_it_is_written(bundled):
    create = 'mutation($n: String!) { createAccount(input: {name: $n, creditCode: "91110000600037341L", industryCode: "C39", region: EAST, size: LARGE}) { userErrors { code } } }'
    as_json = json.dumps({"query": create, "variables": {"n": "a\\ud800b"}}).replace("\\\\ud800", "\\ud800").encode()
    status, body = await raw(bundled, as_json)
    assert status == 400 and code(body) == "BAD_REQUEST" and body["errors"][0]["extensions"]["requestId"]
    literal = json.dumps({"query": create.replace("$n", '"a\\ud800b"').replace("mutation($n: String!)", "mutation")})
    status, body = await raw(bundled, literal.encode())
    assert code(body) == "GRAPHQL_PARSE_FAILED"  # the GraphQL escape \ud800 alone is not a character either
    assert await Account.all().count() == 0


@pytest.mark.parametrize("body", [b'"x"', b"5", b"null", b"true", b"[]", b"{"])
async def test_a_body_that_is_not_a_request_object_is_a_json_400(bundled, body):
    status, answer = await raw(bundled, body)
    assert status == 400 and code(answer) == "BAD_REQUEST" and answer["errors"][0]["extensions"]["requestId"]


async def test_ids_and_cursors_made_by_hand_are_refused_not_faults(bundled):
    await account()
    huge = to_global_id("Account", 10**22)
    assert (await bundled("query($id: ID!) { node(id: $id) { id } }", {"id": huge})) == {"node": None}
    forged = [
        "Zm9v",
        "W1siaWQiXSxbIngiXV0",  # [["id"], ["x"]]: a text where the key is a number
        "W1siaWQiXSxbMWUzMDBdXQ",  # [["id"], [1e300]]
        "W1siaWQiXSxbW11dXQ",  # [["id"], [[]]]
    ]
    for cursor in forged:
        body = await bundled("query($c: String!) { accounts(after: $c) { totalCount } }", {"c": cursor}, errors=True)
        assert code(body) == "BAD_REQUEST", (cursor, body)


async def test_dates_outside_the_years_served_are_refused(bundled):
    for query in (
        '{ funnel(from: "0001-01-01", to: "9999-12-31") { stages { stage } } }',
        '{ pipelineForecast(from: "9999-12-01") { months { count } } }',
    ):
        body = await bundled(query, errors=True)
        assert code(body) == "GRAPHQL_VALIDATION_FAILED" and "1900-2999" in body["errors"][0]["message"]
    body = await bundled(
        "query($d: Date!) { pipelineForecast(from: $d) { months { count } } }", {"d": "0900-01-01"}, errors=True
    )
    assert code(body) == "BAD_USER_INPUT"


async def test_a_filter_sent_as_variables_is_bounded_too(bundled):
    huge = {"or": [{"name": {"eq": str(i)}} for i in range(20_000)]}
    body = await bundled("query($f: AccountFilter) { accounts(filter: $f) { totalCount } }", {"f": huge}, errors=True)
    assert code(body) == "BAD_REQUEST" and "at most 100" in body["errors"][0]["message"]
    many = {"name": {"in": [str(i) for i in range(2001)]}}
    body = await bundled("query($f: AccountFilter) { accounts(filter: $f) { totalCount } }", {"f": many}, errors=True)
    assert code(body) == "BAD_REQUEST"


async def test_an_empty_id_or_code_is_refused_not_skipped(bundled):
    """An empty ownerId reached the table as '' (INTERNAL), an empty credit code was not checked (the fuzz
    suite found them)."""
    query = """mutation($owner: ID, $code: String!) { createAccount(input: {name: "Empty", creditCode: $code,
      industryCode: "C39", region: EAST, size: LARGE, ownerId: $owner}) { userErrors { field code } } }"""
    owner = await bundled(query, {"owner": "", "code": "91110000600037341L"})
    assert owner["createAccount"]["userErrors"] == [{"field": ["input", "ownerId"], "code": "NOT_FOUND"}]
    code = await bundled(query, {"owner": None, "code": ""})
    assert {"field": ["input", "creditCode"], "code": "INVALID"} in code["createAccount"]["userErrors"]
    assert await Account.all().count() == 0
