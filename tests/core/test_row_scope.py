"""The row rule of DOMAIN.md section 1 holds on every read path: one scoped accessor, no second path."""

import pytest
from factories import account, contact, contract, staff

from kamgraph.core.accounts.models import AccountTeamMember, Region, TeamRole
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Actor, Role, RowScope, ScopeKind


@pytest.fixture
async def world(gql, actor_for):
    li, wang, zhao = await staff("Li Wei"), await staff("Wang Fang"), await staff("Zhao Lei")
    mine = await account(name="Li's", owner=li, region=Region.EAST)
    shared = await account(name="Wang's shared with Li", owner=wang, region=Region.SOUTH, industry_code="J66")
    theirs = await account(name="Wang's", owner=wang, region=Region.SOUTH)
    await AccountTeamMember.create(account=shared, person=li, role=TeamRole.SOLUTION_EXPERT)
    deals = {a.name: await contract(a, amount="100.00") for a in (mine, shared, theirs)}
    contacts = {a.name: await contact(a, name=f"Contact at {a.name}") for a in (mine, shared, theirs)}
    am = Role.ACCOUNT_MANAGER
    return {
        "li": actor_for(li, am),
        "wang": wang,
        "zhao": actor_for(zhao, am),
        "accounts": {a.name: a for a in (mine, shared, theirs)},
        "deals": deals,
        "contacts": contacts,
    }


def gid(kind, row):
    return to_global_id(kind, row.id)


async def test_lists_show_owned_and_team_accounts_only(gql, world):
    data = await gql(
        "{ accounts(orderBy: [{field: NAME}]) { totalCount edges { node { name } } }"
        " contracts { totalCount } people(filter: {kind: {eq: CONTACT}}) { totalCount } }",
        actor=world["li"],
    )
    assert [e["node"]["name"] for e in data["accounts"]["edges"]] == ["Li's", "Wang's shared with Li"]
    assert data["accounts"]["totalCount"] == 2
    assert data["contracts"]["totalCount"] == 2
    assert data["people"]["totalCount"] == 2
    nobody = await gql("{ accounts { totalCount } contracts { totalCount } }", actor=world["zhao"])
    assert nobody == {"accounts": {"totalCount": 0}, "contracts": {"totalCount": 0}}


async def test_denied_objects_look_missing_by_id(gql, world):
    theirs = world["accounts"]["Wang's"]
    ids = {
        "a": gid("Account", theirs),
        "c": gid("Contract", world["deals"]["Wang's"]),
        "p": gid("Person", world["contacts"]["Wang's"]),
    }
    data = await gql(
        "query($a: ID!, $c: ID!, $p: ID!) { account(id: $a) { name } contract(id: $c) { number }"
        " person(id: $p) { name } node(id: $a) { id } nodes(ids: [$a, $c, $p]) { id } }",
        ids,
        actor=world["li"],
    )
    assert data == {"account": None, "contract": None, "person": None, "node": None, "nodes": [None, None, None]}


async def test_nested_fields_filters_and_aggregates_obey_the_scope(gql, world):
    wang_id = gid("Person", world["wang"])
    data = await gql(
        "query($w: ID!) { person(id: $w) { name ownedAccounts { totalCount edges { node { name } } } }"
        " contractsAggregate { count amount } accountsAggregate { count }"
        ' byFilter: contracts(filter: {account: {name: {eq: "Wang\'s"}}}) { totalCount }'
        ' viaOwner: accounts(filter: {owner: {name: {eq: "Wang Fang"}}}) { totalCount } }',
        {"w": wang_id},
        actor=world["li"],
    )
    assert data["person"]["name"] == "Wang Fang"  # colleagues are visible
    assert [e["node"]["name"] for e in data["person"]["ownedAccounts"]["edges"]] == ["Wang's shared with Li"]
    assert data["contractsAggregate"] == {"count": 2, "amount": "200.00"}
    assert data["accountsAggregate"] == {"count": 2}
    assert data["byFilter"]["totalCount"] == 0
    assert data["viaOwner"]["totalCount"] == 1


async def test_writes_cannot_reach_rows_outside_the_scope(gql, world):
    theirs = world["accounts"]["Wang's"]
    result = await gql(
        'mutation($id: ID!) { updateAccount(input: {id: $id, name: "Mine now"}) { account { name } userErrors { field code } } }',
        {"id": gid("Account", theirs)},
        actor=world["li"],
    )
    assert result["updateAccount"] == {"account": None, "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}]}
    data = await gql("query($id: ID!) { account(id: $id) { name } }", {"id": gid("Account", theirs)})
    assert data["account"]["name"] == "Wang's"


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (RowScope(ScopeKind.REGION, values=("SOUTH",)), ["Wang's", "Wang's shared with Li"]),
        (RowScope(ScopeKind.INDUSTRY, values=("J",)), ["Wang's shared with Li"]),
        (RowScope(ScopeKind.ALL), ["Li's", "Wang's", "Wang's shared with Li"]),
    ],
)
async def test_directors_see_their_line_or_region(gql, world, permissions, scope, expected):
    director = Actor(
        name="Director",
        roles=frozenset({Role.REGIONAL_DIRECTOR}),
        scopes=(scope,),
        permissions=permissions.granted([Role.REGIONAL_DIRECTOR]),
    )
    data = await gql("{ accounts(orderBy: [{field: NAME}]) { edges { node { name } } } }", actor=director)
    assert [e["node"]["name"] for e in data["accounts"]["edges"]] == expected
