"""The fast path changes no answer: every query below runs on an app with it and on one without, as
several roles, and the responses, the audit records they leave and the statements they send compare."""

from __future__ import annotations

from typing import Any

import pytest
from compare import run
from factories import account, contact, contract, staff

from kamgraph.api import fastpath
from kamgraph.app import create_app
from kamgraph.core.accounts.models import AccountTeamMember, TeamRole
from kamgraph.core.contracts.models import ContractStatus, Payment
from kamgraph.security.actors import SYSTEM_ACTOR, Role

PORTFOLIO = """query($first: Int!) { accounts(first: $first) { totalCount pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
  edges { cursor node { id name creditCode industryCode region size status tier version createdAt archivedAt
    industry { code sectionName } owner { id name title email } parent { name } team { role since person { name } }
    contracts(first: 2, orderBy: [{field: NUMBER, direction: DESC}]) { totalCount edges { cursor node { number title edition status
      signedOn startOn amount { amount currency } payments(last: 1) { amount paidOn contract { number } } instalments { amount dueOn } account { name } } }
      pageInfo { hasNextPage } }
    contacts(first: 5) { nodes { name phone email relationshipLevel isKeyDecisionMaker account { name } } } } } } }"""

ALIASES_AND_FRAGMENTS = """query($withOwner: Boolean!, $skipTier: Boolean!) { first: accounts(first: 2) { edges { node { ...Basics
  boss: owner @include(if: $withOwner) { __typename n: name } tier @skip(if: $skipTier) } } }
  later: accounts(first: 2, orderBy: [{field: NAME, direction: DESC}]) { nodes { __typename name } } }
fragment Basics on Account { id label: name ... on Account { region } }"""

FILTERED = """{ contracts(first: 5, filter: {status: {in: [ACTIVE, SIGNED]}, account: {region: {eq: EAST}}}, orderBy: [{field: SIGNED_AT, direction: DESC}]) {
  totalCount edges { node { number status signedOn account { name owner { name } } payments { amount } } } } }"""

LOOKUP = """query($id: ID!) { account(id: $id) { id name industry { code divisionName } owner { name } team { role person { name } }
  contacts(first: 5) { edges { node { name phone } } } contracts(first: 5) { edges { node { number amount { amount } } } } } }"""

FALLBACK = """{ accounts(first: 3) { edges { node { name staffingWarnings { code } } } } }"""

QUERIES = [
    (PORTFOLIO, {"first": 3}),
    (PORTFOLIO, {"first": 50}),
    (ALIASES_AND_FRAGMENTS, {"withOwner": True, "skipTier": False}),
    (ALIASES_AND_FRAGMENTS, {"withOwner": False, "skipTier": True}),
    (FILTERED, {}),
    (FALLBACK, {}),
]


@pytest.fixture(scope="module")
def slow_app(settings, pm) -> Any:
    return create_app(settings.with_(fast_path=False), pm)


@pytest.fixture
async def world(gql) -> dict[str, Any]:
    manager, expert, other = (
        await staff("Li Wei"),
        await staff("Chen Jing", Role.SOLUTION_EXPERT),
        await staff("Zhao Lei"),
    )
    accounts = []
    for n in range(5):
        owner = manager if n % 2 == 0 else other
        row = await account(
            f"Account {n}",
            owner=owner,
            region="EAST" if n % 3 else "SOUTH",
            industry_code="C39" if n % 2 else "J66",
            parent=accounts[0] if accounts else None,
        )
        for k in range(3):
            signed = await contract(
                row, f"{1000 * (k + 1)}.00", [ContractStatus.ACTIVE, ContractStatus.SIGNED, ContractStatus.DRAFT][k]
            )
            if k < 2:
                await Payment.create(contract=signed, amount="100.00", paid_on=signed.start_on)
        await contact(row, f"Contact {n}", phone="13812345678", email=f"c{n}@example.com")
        accounts.append(row)
    await AccountTeamMember.create(account=accounts[0], person=expert, role=TeamRole.SOLUTION_EXPERT)
    return {"manager": manager, "expert": expert, "accounts": accounts}


@pytest.mark.parametrize("query, variables", QUERIES)
async def test_the_fast_path_answers_like_the_ordinary_one(
    app, slow_app, actor_switch, actor_for, world, query, variables
):
    actors = [
        SYSTEM_ACTOR,
        actor_for(world["manager"], Role.ACCOUNT_MANAGER),
        actor_for(world["expert"], Role.SOLUTION_EXPERT),
    ]
    for actor in actors:
        fast, fast_audit = await run(app, actor_switch, query, variables, actor)
        slow, slow_audit = await run(slow_app, actor_switch, query, variables, actor)
        assert "errors" not in fast, fast
        assert fast == slow, actor.name
        assert fast_audit == slow_audit, actor.name


async def test_lookups_answer_alike_and_fallbacks_are_taken(app, slow_app, actor_switch, actor_for, world, monkeypatch):
    lookup = {"id": world["accounts"][0].node_id}
    fast, _ = await run(app, actor_switch, LOOKUP, lookup, actor_for(world["expert"], Role.SOLUTION_EXPERT))
    slow, _ = await run(slow_app, actor_switch, LOOKUP, lookup, actor_for(world["expert"], Role.SOLUTION_EXPERT))
    assert (
        fast == slow and fast["data"]["account"]["contracts"]["edges"][0]["node"]["amount"] is None
    )  # no permission: null
    taken = []
    connections = fastpath.Resolver.connections

    async def spy(self, selection, *args, **kwargs):
        taken.append(selection.name)
        return await connections(self, selection, *args, **kwargs)

    monkeypatch.setattr(fastpath.Resolver, "connections", spy)
    await run(app, actor_switch, PORTFOLIO, {"first": 3}, SYSTEM_ACTOR)
    assert taken[0] == "accounts"  # resolved on the fast path, nested lists included
    taken.clear()
    await run(app, actor_switch, FALLBACK, {}, SYSTEM_ACTOR)
    assert taken == []  # staffingWarnings has a resolver of its own: the ordinary path


async def test_statements_stay_bounded_by_depth_on_the_fast_path(gql, world, sql_counter):
    await gql(PORTFOLIO, {"first": 2})
    few = len(sql_counter.statements)
    sql_counter.statements.clear()
    await gql(PORTFOLIO, {"first": 50})
    assert len(sql_counter.statements) == few


async def test_the_plan_is_checked_once_per_document_and_holds_whatever_the_variables(
    app, actor_switch, world, monkeypatch
):
    checked, taken = [], []
    check, connections = fastpath.Planner.check, fastpath.Resolver.connections

    def counted(self, object_type, nodes, model=None):
        checked.append(object_type.name)
        return check(self, object_type, nodes, model)

    async def spy(self, selection, *args, **kwargs):
        taken.append(selection.name)
        return await connections(self, selection, *args, **kwargs)

    monkeypatch.setattr(fastpath.Planner, "check", counted)
    monkeypatch.setattr(fastpath.Resolver, "connections", spy)
    plain = "query($owner: Boolean!) { accounts(first: 2) { nodes { name owner @include(if: $owner) { name } } } }"
    for with_owner in (True, False, True):
        body, _ = await run(app, actor_switch, plain, {"owner": with_owner}, SYSTEM_ACTOR)
        assert ("owner" in body["data"]["accounts"]["nodes"][0]) is with_owner
    assert checked.count("Account") == 1 and taken == ["accounts"] * 3  # checked by the first request, fast every time
    resolved = (
        "query($warn: Boolean!) { accounts(first: 2) { nodes { name staffingWarnings @include(if: $warn) { code } } } }"
    )
    taken.clear()
    for warn in (False, True):
        body, _ = await run(app, actor_switch, resolved, {"warn": warn}, SYSTEM_ACTOR)
        assert "errors" not in body and ("staffingWarnings" in body["data"]["accounts"]["nodes"][0]) is warn
    assert taken == []  # a field with its own resolver, even when left out, sends the document the ordinary way
