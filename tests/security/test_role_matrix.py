"""Every role against every root field, and the nested and node paths to other people's rows.

The world: four accounts across two regions and two industry lines, owned by two account managers, one
of them with an assigned expert and success manager; each account has a contract and a contact. The
expected visible sets are those DOMAIN.md section 1 implies.
"""

import pytest
from factories import account, contact, contract, staff

from kamgraph.core.accounts.models import AccountTeamMember, Region, TeamRole
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Actor, Role, RowScope, ScopeKind

ALL = {"A1", "A2", "A3", "A4"}
#: role -> accounts it sees (A1: AM1 EAST C, A2: AM2 SOUTH J, A3: AM2 EAST J + SE/CSM, A4: AM1 SOUTH C)
VISIBLE = {
    Role.KA_DIRECTOR: ALL,
    Role.INDUSTRY_DIRECTOR: {"A1", "A4"},
    Role.REGIONAL_DIRECTOR: {"A1", "A3"},
    Role.ACCOUNT_MANAGER: {"A1", "A4"},
    Role.SOLUTION_EXPERT: {"A3"},
    Role.CUSTOMER_SUCCESS_MANAGER: {"A3"},
    Role.DATA_ANALYST: ALL,
    Role.CONTRACT_SPECIALIST: ALL,
    Role.SERVICE_AGENT: ALL,
    Role.INTEGRATION: set(),  # an API key sees what its scopes grant; this one was granted nothing
}

#: root fields and how the matrix checks them; a new root field fails test_every_root_field_is_covered
SCOPED_LISTS = {
    "accounts": "{ accounts { edges { node { name } } } }",
    "contracts": "{ contracts { edges { node { account { name } } } } }",
    "people": "{ people(filter: {kind: {eq: CONTACT}}) { edges { node { account { name } } } } }",
    "tierReviews": "{ tierReviews { totalCount } }",
}
OTHER_FIELDS = {
    "account",
    "contract",
    "person",
    "node",
    "nodes",  # checked through every id below
    "accountsAggregate",
    "contractsAggregate",  # counts checked below
    "businessRules",
    "industries",
    "plugins",
    "eventTypes",
    "permissions",
    "me",  # reference data, any role
    "staffingReport",
    "apiKeys",
    "auditLog",
    "webhooks",
    "webhookDeliveries",
    "jobs",
    "jobRuns",  # permission-gated
    "accountNotes",
    "explode",  # the test plugin's
}


@pytest.fixture
async def world(gql, actor_for):
    people = {
        Role.KA_DIRECTOR: await staff("KA", role=Role.KA_DIRECTOR),
        Role.INDUSTRY_DIRECTOR: await staff("IND", role=Role.INDUSTRY_DIRECTOR, industry_section="C"),
        Role.REGIONAL_DIRECTOR: await staff("REG", role=Role.REGIONAL_DIRECTOR, region="EAST"),
        Role.ACCOUNT_MANAGER: await staff("AM1"),
        Role.SOLUTION_EXPERT: await staff("SE", role=Role.SOLUTION_EXPERT),
        Role.CUSTOMER_SUCCESS_MANAGER: await staff("CSM", role=Role.CUSTOMER_SUCCESS_MANAGER),
        Role.DATA_ANALYST: await staff("DA", role=Role.DATA_ANALYST),
        Role.CONTRACT_SPECIALIST: await staff("CS", role=Role.CONTRACT_SPECIALIST),
        Role.SERVICE_AGENT: await staff("AG", role=Role.SERVICE_AGENT),
    }
    am2 = await staff("AM2")
    am1 = people[Role.ACCOUNT_MANAGER]
    specs = {
        "A1": (am1, Region.EAST, "C39"),
        "A2": (am2, Region.SOUTH, "J66"),
        "A3": (am2, Region.EAST, "J66"),
        "A4": (am1, Region.SOUTH, "C27"),
    }
    rows = {}
    for name, (owner, region, industry) in specs.items():
        acc = await account(name=name, owner=owner, region=region, industry_code=industry)
        rows[name] = {
            "account": acc,
            "contract": await contract(acc),
            "contact": await contact(acc, name=f"contact {name}"),
        }
    for member, role in (
        (people[Role.SOLUTION_EXPERT], TeamRole.SOLUTION_EXPERT),
        (people[Role.CUSTOMER_SUCCESS_MANAGER], TeamRole.CUSTOMER_SUCCESS_MANAGER),
    ):
        await AccountTeamMember.create(account=rows["A3"]["account"], person=member, role=role)
    for objects in rows.values():  # one audited write per account
        await gql(
            "mutation($id: ID!) { updateAccount(input: {id: $id, size: LARGE}) { userErrors { code } } }",
            {"id": to_global_id("Account", objects["account"].id)},
        )
    actors = {role: actor_for(person, role) for role, person in people.items()}
    actors[Role.INTEGRATION] = Actor(
        name="api key", roles=frozenset({Role.INTEGRATION}), scopes=(RowScope(ScopeKind.ALL),), via="api_key"
    )
    return {"actors": actors, "rows": rows, "am2": am2}


def names(data, path):
    found = set()
    for edge in data["edges"]:
        node = edge["node"]
        for key in path:
            node = node[key]
        found.add(node)
    return found


@pytest.mark.parametrize("role", list(Role))
async def test_lists_and_aggregates_show_exactly_the_roles_accounts(gql, world, role):
    actor, expected = world["actors"][role], VISIBLE[role]
    data = {field: (await gql(query, actor=actor))[field] for field, query in SCOPED_LISTS.items()}
    assert names(data["accounts"], ["name"]) == expected
    assert names(data["contracts"], ["account", "name"]) == expected
    assert names(data["people"], ["account", "name"]) == expected
    totals = await gql("{ accountsAggregate { count } contractsAggregate { count } }", actor=actor)
    assert totals == {"accountsAggregate": {"count": len(expected)}, "contractsAggregate": {"count": len(expected)}}


@pytest.mark.parametrize("role", list(Role))
async def test_every_id_path_shows_only_the_roles_rows(gql, world, role):
    actor, expected = world["actors"][role], VISIBLE[role]
    for name, objects in world["rows"].items():
        ids = {kind: to_global_id(type(row).__name__, row.id) for kind, row in objects.items()}
        data = await gql(
            "query($a: ID!, $c: ID!, $p: ID!) { account(id: $a) { name } contract(id: $c) { account { name } }"
            " person(id: $p) { account { name } } node(id: $c) { id } nodes(ids: [$a, $c, $p]) { id } }",
            {"a": ids["account"], "c": ids["contract"], "p": ids["contact"]},
            actor=actor,
        )
        visible = name in expected
        assert (data["account"] is not None) is visible, (role, name)
        assert (data["contract"] is not None) is visible and (data["person"] is not None) is visible, (role, name)
        assert (data["node"] is not None) is visible and all((n is not None) is visible for n in data["nodes"]), (
            role,
            name,
        )
        if visible:  # nested fields lead to the same, visible account
            assert data["contract"]["account"]["name"] == data["person"]["account"]["name"] == name


@pytest.mark.parametrize("role", list(Role))
async def test_nested_and_filtered_paths_to_other_peoples_accounts(gql, world, role):
    actor, expected = world["actors"][role], VISIBLE[role]
    all_ids = [to_global_id("Account", objects["account"].id) for objects in world["rows"].values()]
    data = await gql(
        "query($am2: ID!, $ids: [ID!]) { person(id: $am2) { ownedAccounts { edges { node { name } } } }"
        " contracts(filter: {account: {id: {in: $ids}}}) { edges { node { account { name } } } }"
        ' accounts(filter: {contacts: {name: {startsWith: "contact"}}}) { edges { node { name contacts { edges { node { name } } } } } } }',
        {"am2": to_global_id("Person", world["am2"].id), "ids": all_ids},
        actor=actor,
    )
    owned = set() if data["person"] is None else names(data["person"]["ownedAccounts"], ["name"])
    assert owned == expected & {"A2", "A3"}
    assert names(data["contracts"], ["account", "name"]) == expected
    assert names(data["accounts"], ["name"]) == expected
    for edge in data["accounts"]["edges"]:
        assert names(edge["node"]["contacts"], ["name"]) == {f"contact {edge['node']['name']}"}


@pytest.mark.parametrize("role", list(Role))
async def test_permission_gated_fields(gql, world, role):
    actor = world["actors"][role]
    data = await gql(
        '{ auditLog(filter: {action: {eq: "update"}}) { totalCount } apiKeys { totalCount } webhooks { totalCount } me { roles }'
        " jobs { name } jobRuns { totalCount } }",
        actor=actor,
    )
    assert data["me"]["roles"] == [role.value]
    directors = (Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR)
    assert data["auditLog"]["totalCount"] == (
        len(VISIBLE[role]) if role in directors else 0
    )  # directors, in their scope
    assert data["apiKeys"]["totalCount"] == data["webhooks"]["totalCount"] == data["jobRuns"]["totalCount"] == 0
    assert bool(data["jobs"]) is (role is Role.KA_DIRECTOR)  # the operator's view


def test_every_root_field_is_covered(app):
    fields = set(app.state.schema._schema.query_type.fields)
    assert fields == set(SCOPED_LISTS) | OTHER_FIELDS, fields ^ (set(SCOPED_LISTS) | OTHER_FIELDS)
