"""The query limits as functions of a parsed document (no server, milliseconds): depth and aliases through
fragments, the cost of nested pages, and the cache of costs."""

from pathlib import Path

import httpx
import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse, validate

from kamgraph.api import limits
from kamgraph.api.limits import CostCache, alias_rule, depth_rule, query_cost
from kamgraph.app import create_app

SCHEMA = build_schema((Path(__file__).parents[2] / "schema" / "core.graphql").read_text(encoding="utf-8"))


def cost(query: str, variables: dict | None = None, default_page: int = 10, max_page: int | None = None) -> int:
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    root = SCHEMA.get_root_type(operation.operation)
    return query_cost(
        SCHEMA, root, operation.selection_set, fragments, variables or {}, default_page, max_page=max_page
    )


def errors(rule, query: str) -> list[tuple[str, dict]]:
    return [(e.message, e.extensions) for e in validate(SCHEMA, parse(query), [rule])]


@pytest.mark.parametrize(
    "query, rows",
    [
        ("{ accounts(first: 3) { totalCount } }", 3),
        ("{ accounts(last: 4) { totalCount } }", 4),
        ("{ accounts { totalCount } }", 10),  # no page size asked: the default page
        ('{ node(id: "x") { id } businessRules { maxPageSize } }', 0),  # no connection, no rows
        ("{ accounts(first: 3) { edges { node { contracts(first: 5) { totalCount } } } } }", 3 + 3 * 5),
        ("{ a: accounts(first: 3) { totalCount } b: accounts(first: 2) { totalCount } }", 5),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', 3),
        (
            "{ accounts(first: 2) { ...more } } fragment more on AccountConnection { edges { node { contracts(first: 7) "
            "{ totalCount } } } }",
            2 + 2 * 7,
        ),
        (
            '{ node(id: "x") { ... on Account { contracts(first: 6) { totalCount } } ... { id } } }',
            6,
        ),
        ("{ accounts(first: 2) { ...missing } }", 2),  # an unknown fragment costs nothing (validation refuses it)
    ],
)
def test_a_query_costs_its_page_sizes_multiplied_down_the_nesting(query, rows):
    assert cost(query) == rows


def test_page_sizes_and_ids_may_come_from_variables():
    query = (
        "query($n: Int, $m: Int, $ids: [ID!]!) { accounts(first: $n, last: $m) { totalCount } nodes(ids: $ids) { id } }"
    )
    assert cost(query, {"n": 7, "ids": ["a", "b"]}) == 7 + 2
    assert cost(query, {"n": None, "m": 4, "ids": []}) == 4  # a null first: last decides
    assert cost(query, {"ids": None}) == 10


def test_a_page_larger_than_the_largest_is_refused_by_name():
    with pytest.raises(Exception) as refused:
        cost("{ accounts(first: 101) { totalCount } }", max_page=100)
    assert (refused.value.message, refused.value.extensions) == (
        "accounts asks for 101 items; a page holds at most 100",
        {"code": "LIMIT_EXCEEDED", "limit": 100},
    )
    assert cost("{ accounts(first: 100) { totalCount } }", max_page=100) == 100


def test_depth_counts_through_fragments_and_not_introspection():
    nested = "{ accounts { edges { node { parent { name } } } } }"  # 5 levels
    assert errors(depth_rule(5), nested) == []
    assert errors(depth_rule(4), nested) == [
        ("the query is 5 levels deep; the limit is 4", {"code": "LIMIT_EXCEEDED", "limit": 4})
    ]
    spread = "{ accounts { ...e } } fragment e on AccountConnection { edges { node { parent { name } } } }"
    assert errors(depth_rule(4), spread)[0][0] == "the query is 5 levels deep; the limit is 4"
    inline = "{ accounts { ... on AccountConnection { edges { node { parent { name __typename } } } } } }"
    assert errors(depth_rule(4), inline)[0][0] == "the query is 5 levels deep; the limit is 4"
    assert errors(depth_rule(1), "{ __typename accounts { totalCount } }")[0][0] == (
        "the query is 2 levels deep; the limit is 1"
    )
    looping = "{ accounts { ...a } } fragment a on AccountConnection { totalCount ...a }"  # refused elsewhere
    assert errors(depth_rule(1), looping)[0][0] == "the query is 2 levels deep; the limit is 1"


def test_aliases_count_through_fragments():
    query = "{ a: accounts { x: totalCount } ...f } fragment f on Query { b: accounts { y: totalCount } }"
    assert errors(alias_rule(4), query) == []
    assert errors(alias_rule(3), query) == [
        ("the query uses 4 aliases; the limit is 3", {"code": "LIMIT_EXCEEDED", "limit": 3})
    ]


class Execution:
    def __init__(self, query: str, operation_name: str | None = None, variables: dict | None = None) -> None:
        self.query, self.operation_name, self.variables = query, operation_name, variables


def test_costs_are_remembered_per_query_operation_and_page_sizes(monkeypatch):
    cache = CostCache()
    key = cache.key(Execution("q", "Op", {"n": 5, "ids": ["a", "b"], "flag": True, "name": "x"}))
    assert key == ("q", "Op", ("ids", 2), ("n", 5))  # of a list only its length; no booleans or text
    assert cache.key(Execution("q")) == ("q", None)
    monkeypatch.setattr(limits, "DOCUMENTS_CACHED", 2)
    cache.put(("a",), 1)
    cache.put(("b",), 2)
    assert cache.get(("a",)) == 1  # used: the least recently used is now b
    cache.put(("c",), 3)
    assert (cache.get(("a",)), cache.get(("b",)), cache.get(("c",))) == (1, None, 3)


async def test_the_app_enforces_the_limits_it_is_configured_with(settings, pm, clean, actor_switch, monkeypatch):
    from kamgraph.testing import SYSTEM_ACTOR

    monkeypatch.setattr(actor_switch, "actor", SYSTEM_ACTOR)
    config = settings.with_(
        max_tokens=120, default_page_size=3, max_page_size=4, max_cost=10, max_depth=3, max_aliases=3
    )
    app = create_app(config, pm)

    async def refusal(query: str, operation: str | None = None) -> tuple[str, str] | None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            body = (await client.post("/graphql", json={"query": query, "operationName": operation})).json()
        return (body["errors"][0]["extensions"]["code"], body["errors"][0]["message"]) if "errors" in body else None

    three = "{ a: accounts { totalCount } b: accounts { totalCount } c: accounts { totalCount } }"  # 3 x 3 rows
    assert await refusal(three) is None
    assert await refusal(three.replace("c: accounts", "c: accounts { totalCount } accounts")) == (
        "LIMIT_EXCEEDED",
        "the query may return 12 rows (page sizes multiplied down the nesting); the limit is 10",
    )
    assert await refusal("{ accounts(first: 5) { totalCount } }") == (
        "LIMIT_EXCEEDED",
        "accounts asks for 5 items; a page holds at most 4",
    )
    assert await refusal("{ accounts { edges { node { parent { name } } } } }") == (
        "LIMIT_EXCEEDED",
        "the query is 5 levels deep; the limit is 3",
    )
    big = " ".join(f"{a}: accounts(first: 4) {{ totalCount }}" for a in "abc")  # 12 rows, 3 levels
    two = f"query Big {{ {big} }} query Small {{ n: __typename }}"
    assert await refusal(two, "Small") is None  # only the operation run is costed
    assert await refusal(two, "Big") == (
        "LIMIT_EXCEEDED",
        "the query may return 12 rows (page sizes multiplied down the nesting); the limit is 10",
    )
    code, message = await refusal("{ " + "a: __typename " * 50 + "}")
    assert code == "LIMIT_EXCEEDED" and "120 tokens" in message
