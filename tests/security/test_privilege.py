"""No privilege beyond one's own (issue 13, findings 1 and 2): nobody hands out a permission they do not hold, and
who owns an account, and who is on its team, is a director's decision, not a team member's."""

from conftest import ANONYMOUS
from factories import account, staff

from kamgraph.core.accounts.models import AccountTeamMember, TeamRole
from kamgraph.ids import to_global_id
from kamgraph.security import auth
from kamgraph.security.actors import Role
from kamgraph.security.models import ApiKey

CREATE_KEY = """mutation($s: [String!]!) { createApiKey(input: {name: "more", scopes: $s}) {
  apiKey { scopes } userErrors { field code } } }"""


async def test_a_key_that_manages_keys_grants_no_more_than_it_holds(gql):
    secret, _ = await auth.create_api_key("key admin", ["apikeys.manage", "accounts.read"], "test", None)
    wider = await gql(
        CREATE_KEY,
        {"s": ["accounts.read", "staff.manage", "contacts.personal.read"]},
        actor=ANONYMOUS,
        token=secret,
    )
    assert wider["createApiKey"]["userErrors"] == [
        {"field": ["input", "scopes", "1"], "code": "FORBIDDEN"},
        {"field": ["input", "scopes", "2"], "code": "FORBIDDEN"},
    ]
    assert await ApiKey.all().count() == 1  # nothing made
    same = await gql(CREATE_KEY, {"s": ["accounts.read"]}, actor=ANONYMOUS, token=secret)
    assert same["createApiKey"] == {"apiKey": {"scopes": ["accounts.read"]}, "userErrors": []}


UPDATE_OWNER = """mutation($id: ID!, $owner: ID!) { updateAccount(input: {id: $id, ownerId: $owner}) {
  account { owner { name } } userErrors { field code } } }"""
REMOVE = """mutation($a: ID!, $p: ID!) { removeAccountTeamMember(input: {accountId: $a, personId: $p}) {
  userErrors { field code } } }"""
ADD = """mutation($a: ID!, $p: ID!) { setAccountTeamMember(input: {accountId: $a, personId: $p, role: SOLUTION_EXPERT}) {
  userErrors { field code } } }"""


async def test_a_team_member_cannot_take_the_account_or_change_its_team(gql, actor_for):
    owner, member, expert = (
        await staff("Li Wei"),
        await staff("Zhao Lei"),
        await staff("Chen Jing", Role.SOLUTION_EXPERT),
    )
    customer = await account("Contested", owner=owner)
    await AccountTeamMember.create(account=customer, person=member, role=TeamRole.ACCOUNT_MANAGER)
    as_member = actor_for(member, Role.ACCOUNT_MANAGER)
    ids = {"id": customer.node_id, "owner": to_global_id("Person", member.id)}
    taken = await gql(UPDATE_OWNER, ids, actor=as_member)
    assert taken["updateAccount"]["userErrors"] == [{"field": ["input", "ownerId"], "code": "FORBIDDEN"}]
    pair = {"a": customer.node_id, "p": to_global_id("Person", expert.id)}
    added = await gql(ADD, pair, actor=as_member)
    assert added["setAccountTeamMember"]["userErrors"] == [{"field": ["input", "accountId"], "code": "FORBIDDEN"}]
    await customer.refresh_from_db()
    assert customer.owner_id == owner.id and await AccountTeamMember.filter(account=customer).count() == 2
    # the owner manages the team; a director reassigns the account
    assert (await gql(ADD, pair, actor=actor_for(owner, Role.ACCOUNT_MANAGER)))["setAccountTeamMember"][
        "userErrors"
    ] == []
    out = {"a": customer.node_id, "p": to_global_id("Person", member.id)}
    assert (await gql(REMOVE, out, actor=actor_for(owner, Role.ACCOUNT_MANAGER)))["removeAccountTeamMember"][
        "userErrors"
    ] == []
    director = actor_for(await staff("Boss", Role.KA_DIRECTOR), Role.KA_DIRECTOR)
    moved = await gql(UPDATE_OWNER, ids, actor=director)
    assert moved["updateAccount"] == {"account": {"owner": {"name": "Zhao Lei"}}, "userErrors": []}


async def test_a_manager_may_make_a_new_account_their_own_but_not_anothers(gql, actor_for):
    manager, other = await staff("Li Wei"), await staff("Zhao Lei")
    create = """mutation($owner: ID!, $code: String!) { createAccount(input: {name: "New", creditCode: $code,
      industryCode: "C39", region: EAST, size: LARGE, ownerId: $owner}) { account { id } userErrors { field code } } }"""
    from factories import credit_code

    as_manager = actor_for(manager, Role.ACCOUNT_MANAGER)
    theirs = await gql(create, {"owner": to_global_id("Person", other.id), "code": credit_code(1)}, actor=as_manager)
    assert theirs["createAccount"]["userErrors"] == [{"field": ["input", "ownerId"], "code": "FORBIDDEN"}]
    mine = await gql(create, {"owner": to_global_id("Person", manager.id), "code": credit_code(2)}, actor=as_manager)
    assert mine["createAccount"]["userErrors"] == []
