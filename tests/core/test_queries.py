"""Reading through GraphQL: connections, keyset cursors, filters, ordering, aggregates, node and nodes."""

from datetime import date, timedelta
from decimal import Decimal

from factories import account, contract, staff, today

from kamgraph.core.accounts.models import Region, Tier
from kamgraph.core.contracts.models import ContractStatus
from kamgraph.ids import to_global_id

NAMES = (
    "query($first: Int, $after: String, $last: Int, $before: String, $order: [AccountOrder!]) {"
    " accounts(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {"
    " totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }"
)


async def test_keyset_pages_walk_forward_and_back(gql):
    for i in range(7):
        await account(name=f"Account {i}")
    order = [{"field": "NAME", "direction": "DESC"}]
    first = (await gql(NAMES, {"first": 3, "order": order}))["accounts"]
    assert [e["node"]["name"] for e in first["edges"]] == ["Account 6", "Account 5", "Account 4"]
    assert first["totalCount"] == 7
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = (await gql(NAMES, {"first": 3, "after": first["pageInfo"]["endCursor"], "order": order}))["accounts"]
    assert [e["node"]["name"] for e in second["edges"]] == ["Account 3", "Account 2", "Account 1"]
    assert second["pageInfo"]["hasPreviousPage"]
    back = (await gql(NAMES, {"last": 2, "before": second["pageInfo"]["startCursor"], "order": order}))["accounts"]
    assert [e["node"]["name"] for e in back["edges"]] == ["Account 5", "Account 4"]
    assert back["pageInfo"]["hasPreviousPage"] and back["pageInfo"]["hasNextPage"]
    tail = (await gql(NAMES, {"first": 3, "after": second["pageInfo"]["endCursor"], "order": order}))["accounts"]
    assert [e["node"]["name"] for e in tail["edges"]] == ["Account 0"]
    assert not tail["pageInfo"]["hasNextPage"]


async def test_keyset_cursor_survives_inserts_before_it(gql):
    for i in range(4):
        await account(name=f"B{i}")
    page = (await gql(NAMES, {"first": 2, "order": [{"field": "NAME"}]}))["accounts"]
    await account(name="A-new")  # sorts before the cursor: an offset cursor would repeat a row
    nxt = (await gql(NAMES, {"first": 2, "after": page["pageInfo"]["endCursor"], "order": [{"field": "NAME"}]}))[
        "accounts"
    ]
    assert [e["node"]["name"] for e in nxt["edges"]] == ["B2", "B3"]


async def test_ordering_with_nulls_and_ties_pages_without_gaps(gql):
    acme = await account()
    signed = [date(2026, 1, 5), date(2026, 1, 5), None, date(2025, 3, 1), None, date(2026, 7, 1)]
    for day in signed:
        await contract(acme, status=ContractStatus.DRAFT if day is None else ContractStatus.ACTIVE, signed_on=day)
    seen, after = [], None
    query = (
        "query($after: String) { contracts(first: 2, after: $after, orderBy: [{field: SIGNED_AT, direction: DESC}]) {"
        " pageInfo { hasNextPage endCursor } edges { node { id signedOn } } } }"
    )
    for _ in range(10):  # bounded: a broken cursor fails the test instead of walking for ever
        page = (await gql(query, {"after": after}))["contracts"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    else:
        raise AssertionError("the pages never ended: the cursor does not advance")
    assert len({n["id"] for n in seen}) == 6
    assert [n["signedOn"] for n in seen] == ["2026-07-01", "2026-01-05", "2026-01-05", "2025-03-01", None, None]


async def test_page_size_is_capped_and_bad_cursors_are_refused(gql):
    body = await gql("{ accounts(first: 101) { totalCount } }", errors=True)
    assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    body = await gql('{ accounts(first: 1, after: "garbage") { totalCount } }', errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    await account()
    page = (await gql(NAMES, {"first": 1}))["accounts"]
    body = await gql(
        NAMES.replace("$order", "$o2")
        .replace("orderBy: $o2", "orderBy: [{field: NAME}]")
        .replace(", $o2: [AccountOrder!]", ""),
        {"first": 1, "after": page["pageInfo"]["endCursor"]},
        errors=True,
    )
    assert "another ordering" in body["errors"][0]["message"]


async def test_filters_combine_with_and_or_not(gql):
    await account(name="East Strategic", region=Region.EAST, tier=Tier.STRATEGIC)
    await account(name="East Core", region=Region.EAST, tier=Tier.CORE)
    await account(name="South Core", region=Region.SOUTH, tier=Tier.CORE, industry_code="J66")
    await account(name="North Potential", region=Region.NORTH)
    query = "query($f: AccountFilter) { accounts(filter: $f, orderBy: [{field: NAME}]) { totalCount edges { node { name } } } }"

    async def names(f):
        return [e["node"]["name"] for e in (await gql(query, {"f": f}))["accounts"]["edges"]]

    assert await names({"region": {"eq": "EAST"}, "tier": {"in": ["CORE", "STRATEGIC"]}}) == [
        "East Core",
        "East Strategic",
    ]
    assert await names({"or": [{"region": {"eq": "SOUTH"}}, {"tier": {"eq": "STRATEGIC"}}]}) == [
        "East Strategic",
        "South Core",
    ]
    assert await names({"not": {"region": {"in": ["EAST", "SOUTH"]}}}) == ["North Potential"]
    assert await names({"name": {"contains": "core"}}) == ["East Core", "South Core"]  # case-insensitive
    assert await names({"name": {"startsWith": "North"}, "industry": {"eq": "C"}}) == ["North Potential"]
    assert await names({"industryCode": {"eq": "J66"}}) == ["South Core"]
    assert await names({"name": {"contains": "%"}}) == []  # LIKE wildcards are escaped


async def test_relation_filters_nest_two_hops(gql):
    li, wang = await staff("Li Wei"), await staff("Wang Fang")
    a = await account(name="Li's East", owner=li, region=Region.EAST)
    b = await account(name="Wang's East", owner=wang, region=Region.EAST)
    c = await account(name="Li's South", owner=li, region=Region.SOUTH)
    for acc in (a, b, c):
        await contract(acc, amount="5000.00")
    query = "query($f: ContractFilter) { contracts(filter: $f) { totalCount edges { node { account { name } } } } }"
    f = {"account": {"region": {"eq": "EAST"}, "owner": {"name": {"eq": "Li Wei"}}}}
    data = (await gql(query, {"f": f}))["contracts"]
    assert data["totalCount"] == 1 and data["edges"][0]["node"]["account"]["name"] == "Li's East"
    # and back: accounts that have a contract above an amount, owned by someone named Wang
    await contract(b, amount="90000.00")
    query = "query($f: AccountFilter) { accounts(filter: $f) { edges { node { name } } } }"
    f = {"contracts": {"amount": {"gt": "10000"}}, "owner": {"name": {"startsWith": "Wang"}}}
    assert [e["node"]["name"] for e in (await gql(query, {"f": f}))["accounts"]["edges"]] == ["Wang's East"]


async def test_money_filters_and_sorting_are_numeric(gql):
    acme = await account()
    for amount in ("9.00", "10.00", "100.50", "1000000.00"):
        await contract(acme, amount=amount)
    query = "query($f: ContractFilter) { contracts(filter: $f, orderBy: [{field: AMOUNT}]) { edges { node { amount { amount } } } } }"
    data = await gql(query, {"f": {"amount": {"gte": "10", "lt": "1000000"}}})
    assert [e["node"]["amount"]["amount"] for e in data["contracts"]["edges"]] == ["10.00", "100.50"]


async def test_aggregates_group_and_sum_exactly_in_sql(gql):
    li = await staff("Li Wei")
    east = await account(name="E", region=Region.EAST, tier=Tier.CORE, owner=li)
    south = await account(name="S", region=Region.SOUTH, tier=Tier.CORE)
    await contract(east, amount="0.10")
    await contract(east, amount="0.20")
    await contract(south, amount="1234567890.05")
    await contract(south, amount="100.00", status=ContractStatus.DRAFT)
    data = await gql(
        "{ contractsAggregate(groupBy: [REGION, STATUS]) { count amount groups { keys { region status } count amount } }"
        "  accountsAggregate(groupBy: [TIER, OWNER]) { count signedValue groups { keys { tier owner { name } } count signedValue } } }"
    )
    agg = data["contractsAggregate"]
    assert agg["count"] == 4 and agg["amount"] == "1234567990.35"
    groups = {(g["keys"]["region"], g["keys"]["status"]): (g["count"], g["amount"]) for g in agg["groups"]}
    assert groups == {
        ("EAST", "ACTIVE"): (2, "0.30"),
        ("SOUTH", "ACTIVE"): (1, "1234567890.05"),
        ("SOUTH", "DRAFT"): (1, "100.00"),
    }
    accounts = data["accountsAggregate"]
    assert accounts["signedValue"] == "1234567890.35"  # drafts are not signed value
    by_owner = {(g["keys"]["owner"] or {}).get("name"): (g["count"], g["signedValue"]) for g in accounts["groups"]}
    assert by_owner == {"Li Wei": (1, "0.30"), None: (1, "1234567890.05")}


async def test_node_and_nodes_resolve_any_type(gql):
    acme = await account(name="Acme")
    deal = await contract(acme)
    ids = [
        to_global_id("Account", acme.id),
        to_global_id("Contract", deal.id),
        "bm9wZQ",
        to_global_id("Account", 999999),
    ]
    data = await gql(
        "query($ids: [ID!]!, $one: ID!) { node(id: $one) { id ... on Account { name } }"
        " nodes(ids: $ids) { __typename ... on Account { name } ... on Contract { number } } }",
        {"ids": ids, "one": ids[0]},
    )
    assert data["node"] == {"id": ids[0], "name": "Acme"}
    assert data["nodes"] == [
        {"__typename": "Account", "name": "Acme"},
        {"__typename": "Contract", "number": deal.number},
        None,
        None,
    ]


async def test_nested_connections_page_per_parent(gql):
    a, b = await account(name="A"), await account(name="B")
    for _ in range(3):
        await contract(a)
    await contract(b)
    data = await gql(
        "{ accounts(orderBy: [{field: NAME}]) { edges { node { name contracts(first: 2) {"
        " totalCount pageInfo { hasNextPage } edges { node { number } } } } } } }"
    )
    first, second = (e["node"]["contracts"] for e in data["accounts"]["edges"])
    assert (first["totalCount"], len(first["edges"]), first["pageInfo"]["hasNextPage"]) == (3, 2, True)
    assert (second["totalCount"], len(second["edges"]), second["pageInfo"]["hasNextPage"]) == (1, 1, False)


async def test_archived_rows_leave_lists_but_stay_reachable_by_id(gql):
    kept, gone = await account(name="Kept"), await account(name="Gone")
    await gql(
        "mutation($id: ID!) { archiveAccount(input: {id: $id}) { userErrors { code } } }",
        {"id": to_global_id("Account", gone.id)},
    )
    data = await gql(
        "query($id: ID!) { accounts { edges { node { name } } } account(id: $id) { name archivedAt } }",
        {"id": to_global_id("Account", gone.id)},
    )
    assert [e["node"]["name"] for e in data["accounts"]["edges"]] == ["Kept"]
    assert data["account"]["name"] == "Gone" and data["account"]["archivedAt"]
    everything = await gql("{ accounts(includeArchived: true) { totalCount } }")
    assert everything["accounts"]["totalCount"] == 2
    await kept.refresh_from_db()
    assert kept.archived_at is None  # archiving one account touched no other


async def test_receivables_come_from_the_schedule(gql):
    acme = await account()
    deal = await contract(acme, amount="1000.00", start_on=today() - timedelta(days=200))
    data = await gql(
        "query($id: ID!) { contract(id: $id) { receivables { scheduled paid outstanding overdue collectionRate } } }",
        {"id": to_global_id("Contract", deal.id)},
    )
    r = data["contract"]["receivables"]
    assert r == {
        "scheduled": "1000.00",
        "paid": "0.00",
        "outstanding": "1000.00",
        "overdue": "1000.00",
        "collectionRate": 0.0,
    }
    assert Decimal(r["scheduled"]) == deal.amount


async def walk(gql, query, variables=None, most: int = 1000):
    seen, after = [], None
    for _ in range(most):  # bounded: a broken cursor fails the test instead of walking for ever
        page = await gql(query, {**(variables or {}), "after": after})
        conn = next(iter(page.values()))
        seen += [e["node"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return seen
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError(f"more than {most} pages: the cursor does not advance")


async def test_cursors_work_for_timestamps_and_money(gql):
    acme = await account()
    for amount in ("5.00", "5.00", "12.50", "0.99", "100.00"):
        await contract(acme, amount=amount)
    by_amount = await walk(
        gql,
        "query($after: String) { contracts(first: 2, after: $after, orderBy: [{field: AMOUNT, direction: DESC}]) {"
        " pageInfo { hasNextPage endCursor } edges { node { id amount { amount } } } } }",
    )
    assert [n["amount"]["amount"] for n in by_amount] == ["100.00", "12.50", "5.00", "5.00", "0.99"]
    assert len({n["id"] for n in by_amount}) == 5
    by_created = await walk(
        gql,
        "query($after: String) { contracts(first: 2, after: $after, orderBy: [{field: CREATED_AT}]) {"
        " pageInfo { hasNextPage endCursor } edges { node { id } } } }",
    )
    assert len({n["id"] for n in by_created}) == 5


async def test_odd_filter_values_are_answered_not_crashed(gql):
    await account(name="Acme")
    # longer than the column: matches nothing, in lists and in aggregates alike
    data = await gql(
        '{ accounts(filter: {industry: {eq: "CC"}}) { totalCount } accountsAggregate(filter: {industryCode: {in: ["DATA_ANALYST"]}}) { count } }'
    )
    assert data == {"accounts": {"totalCount": 0}, "accountsAggregate": {"count": 0}}
    nested = "{ accounts(filter: " + "{not: " * 10 + '{name: {eq: "x"}}' + "}" * 10 + ") { totalCount } }"
    for query in (nested, nested.replace("accounts(", "accountsAggregate(").replace("totalCount", "count")):
        body = await gql(query, errors=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST" and "nest" in body["errors"][0]["message"]
