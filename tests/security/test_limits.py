"""Every query limit, exceeded by one, is refused before any resolver runs (no SQL, no resolver)."""

import httpx
import pytest

from kamgraph.app import create_app


def nested_parents(depth: int) -> str:
    # accounts > edges > node > parent x k > name: depth = 4 + k
    return "{ accounts { edges { node { " + "parent { " * (depth - 4) + "name" + " }" * (depth - 4) + " } } } }"


async def refused(gql, sql_counter, query, variables=None):
    sql_counter.statements.clear()
    body = await gql(query, variables, errors=True)
    assert body.get("data") is None and body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED", body
    assert sql_counter.statements == []  # nothing ran
    return body["errors"][0]


async def allowed(gql, query, variables=None):
    body = await gql(query, variables, errors=True)
    assert "errors" not in body, body["errors"]


async def test_depth(gql, sql_counter, settings):
    await allowed(gql, nested_parents(settings.max_depth))
    error = await refused(gql, sql_counter, nested_parents(settings.max_depth + 1).replace("name", "name explode", 1))
    assert f"limit is {settings.max_depth}" in error["message"]


async def test_aliases(gql, sql_counter, settings):
    def aliased(n):
        return "{ " + " ".join(f"a{i}: businessRules {{ maxPageSize }}" for i in range(n)) + " }"

    await allowed(gql, aliased(settings.max_aliases))
    await refused(gql, sql_counter, aliased(settings.max_aliases + 1).replace("}", "} explode", 1))


async def test_depth_and_aliases_count_inside_named_fragments(gql, sql_counter, settings):
    """A named fragment is no way around the limits (issue 13: a known bypass no test pinned)."""
    levels = settings.max_depth - 3  # accounts > edges > node > ...Deep
    deep = "fragment Deep on Account { " + "parent { " * levels + "name" + " }" * levels + " }"
    await refused(gql, sql_counter, "{ accounts { edges { node { ...Deep } } } } " + deep)
    await allowed(gql, "{ accounts { edges { node { ...Deep } } } } " + deep.replace("parent { name }", "name", 1))
    many = " ".join(f"a{i}: name" for i in range(settings.max_aliases + 1))
    await refused(
        gql, sql_counter, "{ accounts { edges { node { ...Named } } } } fragment Named on Account { " + many + " }"
    )


async def test_tokens(gql, sql_counter, settings):
    from graphql import GraphQLSyntaxError, parse

    def document(strings):
        names = " ".join(f'"n{i}"' for i in range(strings))
        return "{ accounts(filter: {name: {in: [" + names + "]}}) { totalCount } }"

    def fits(strings):  # graphql-core's own token count decides where the limit falls
        try:
            parse(document(strings), max_tokens=settings.max_tokens)
            return True
        except GraphQLSyntaxError:
            return False

    most = next(n for n in range(settings.max_tokens, 0, -1) if fits(n))
    await allowed(gql, document(most))
    await refused(gql, sql_counter, document(most + 1))


async def test_page_size(gql, sql_counter, settings):
    await allowed(gql, "query($n: Int) { accounts(first: $n) { totalCount } }", {"n": settings.max_page_size})
    await refused(
        gql,
        sql_counter,
        "query($n: Int) { explode accounts(first: $n) { totalCount } }",
        {"n": settings.max_page_size + 1},
    )
    await refused(
        gql,
        sql_counter,
        f"{{ accounts(first: 5) {{ edges {{ node {{ contracts(last: {settings.max_page_size + 1}) {{ totalCount }} }} }} }} }}",
    )


async def test_cost_of_nested_pages(gql, sql_counter, settings):
    query = (
        "query($b: Int) { explode big: accounts(first: 99) { edges { node { contracts(first: 100) { edges { node { number } } } } } }"
        " small: accounts(first: $b) { totalCount } }"
    )
    # 99 accounts + 99 x 100 contracts = 9,999 rows, plus b more accounts: the limit is 10,000
    error = await refused(gql, sql_counter, query, {"b": 2})
    assert "10001 rows" in error["message"]
    await allowed(gql, query.replace("explode ", ""), {"b": 1})


async def test_the_same_query_costs_what_its_variables_ask_each_time(gql, sql_counter):
    query = (
        "query($b: Int) { big: accounts(first: 99) { edges { node { contracts(first: 100) { totalCount } } } }"
        " small: accounts(first: $b) { totalCount } }"
    )
    for b, within in ((1, True), (2, False), (1, True), (2, False)):  # costs are remembered per page size asked
        await (allowed(gql, query, {"b": b}) if within else refused(gql, sql_counter, query, {"b": b}))


async def test_a_variables_default_counts_like_a_value_sent(gql, sql_counter):
    """query($n: Int! = 100) with no variables asked 50,500 rows past the 10,000 limit (issue 13, finding 6)."""
    query = (
        "query($n: Int! = 100) { explode accounts(first: $n) { edges { node { contracts(first: $n)"
        " { edges { node { number } } } } } } }"
    )
    error = await refused(gql, sql_counter, query)
    assert "10100 rows" in error["message"]
    await refused(gql, sql_counter, query, {"n": 100})  # the same as sent


async def test_a_wrong_typed_variable_is_bad_input_and_remembers_no_cost(gql, sql_counter):
    query = "query($n: Int! = 100) { accounts(first: $n) { edges { node { contracts(first: $n) { totalCount } } } } }"
    body = await gql(query, {"n": "x"}, errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # not INTERNAL from the cost check
    await refused(gql, sql_counter, query)  # and the refusal of the default is not forgotten for it


async def test_batched_operations_are_off(gql):
    response = await gql.http.post("/graphql", json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert response.status_code == 400


@pytest.fixture
def production_app(settings, pm):
    return create_app(settings.with_(env="production"), pm)


async def test_production_closes_introspection_graphiql_and_suggestions(production_app, gql):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=production_app), base_url="http://x") as client:
        introspection = (await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert "introspection" in introspection["errors"][0]["message"].lower()
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in ide.text.lower()
        # no error rebuilds the schema that introspection hides: no suggestion of a field, argument, enum
        # value, input field or type (issue 13, finding 8)
        for typo in (
            "{ acounts { totalCount } }",
            "{ accounts(frist: 2) { totalCount } }",
            "{ accounts(filter: {tier: {eq: STRATEGC}}) { totalCount } }",
            "{ accounts(filter: {nmae: {eq: 1}}) { totalCount } }",
            "query($f: AcountFilter) { accounts(filter: $f) { totalCount } }",
            "query($f: AccountFilter) { accounts(filter: $f) { totalCount } }",
        ):
            variables = {"f": {"nmae": {"eq": "x"}}} if "$f" in typo else {}
            body = (await client.post("/graphql", json={"query": typo, "variables": variables})).json()
            assert body["errors"] and not any("Did you mean" in e["message"] for e in body["errors"]), body
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gql.http._transport.app), base_url="http://x"
    ) as dev:
        helped = (await dev.post("/graphql", json={"query": "{ accounts(frist: 2) { totalCount } }"})).json()
    assert "Did you mean" in helped["errors"][0]["message"]  # outside production, the suggestions help
