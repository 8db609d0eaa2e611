"""Account writes: validation on entry, optimistic versions, archiving, teams, tier re-evaluation."""

from datetime import timedelta
from decimal import Decimal

from factories import account, contact, contract, credit_code, staff, today

from kamgraph.core.accounts.models import Account, Tier, TierReview
from kamgraph.core.contracts.models import ContractStatus
from kamgraph.ids import from_global_id, to_global_id
from kamgraph.security.actors import Role

CREATE = """mutation($input: CreateAccountInput!) { createAccount(input: $input) {
  account { id name creditCode industry { code section } region tier status owner { name } team { role person { name } } version }
  userErrors { field code message } } }"""


async def test_create_account_with_owner_joins_the_team(gql):
    owner = await staff("Li Wei")
    code = credit_code()
    result = (
        await gql(
            CREATE,
            {
                "input": {
                    "name": "杭州恒瑞医药股份有限公司",
                    "creditCode": code.lower(),
                    "industryCode": "c27",
                    "region": "EAST",
                    "ownerId": to_global_id("Person", owner.id),
                }
            },
        )
    )["createAccount"]
    assert result["userErrors"] == []
    created = result["account"]
    assert created["creditCode"] == code and created["industry"] == {"code": "C27", "section": "C"}
    assert (created["tier"], created["status"], created["version"]) == ("POTENTIAL", "PROSPECT", 1)
    assert created["team"] == [{"role": "ACCOUNT_MANAGER", "person": {"name": "Li Wei"}}]


async def test_invalid_account_input_is_reported_field_by_field_and_changes_nothing(gql):
    acme = await account()
    someone = await contact(acme)
    result = (
        await gql(
            CREATE,
            {
                "input": {
                    "name": " ",
                    "creditCode": "91350100M000100Y44",
                    "industryCode": "internet",
                    "region": "EAST",
                    "ownerId": to_global_id("Person", someone.id),
                }
            },
        )
    )["createAccount"]
    assert result["account"] is None
    errors = {tuple(e["field"]): e["code"] for e in result["userErrors"]}
    assert errors == {
        ("input", "name"): "INVALID",
        ("input", "creditCode"): "INVALID",
        ("input", "industryCode"): "INVALID",
        ("input", "ownerId"): "INVALID",
    }
    assert await Account.all().count() == 1


async def test_duplicate_credit_code_and_unknown_owner_are_refused(gql):
    acme = await account()
    result = (
        await gql(
            CREATE,
            {
                "input": {
                    "name": "Copy",
                    "creditCode": acme.credit_code,
                    "industryCode": "C39",
                    "region": "EAST",
                    "ownerId": to_global_id("Person", 4242),
                }
            },
        )
    )["createAccount"]
    codes = {tuple(e["field"]): e["code"] for e in result["userErrors"]}
    assert codes == {("input", "creditCode"): "INVALID", ("input", "ownerId"): "NOT_FOUND"}


UPDATE = """mutation($input: UpdateAccountInput!) { updateAccount(input: $input) {
  account { name region version } userErrors { field code message currentVersion } } }"""


async def test_update_checks_the_expected_version(gql):
    acme = await account(name="Old")
    gid = to_global_id("Account", acme.id)
    first = (await gql(UPDATE, {"input": {"id": gid, "expectedVersion": 1, "name": "New", "region": "SOUTH"}}))[
        "updateAccount"
    ]
    assert first == {"account": {"name": "New", "region": "SOUTH", "version": 2}, "userErrors": []}
    stale = (await gql(UPDATE, {"input": {"id": gid, "expectedVersion": 1, "name": "Stale"}}))["updateAccount"]
    assert stale["account"] is None
    assert stale["userErrors"][0]["code"] == "CONFLICT" and stale["userErrors"][0]["currentVersion"] == 2
    assert (await Account.get(id=acme.id)).name == "New"


async def test_update_refuses_nulls_and_cycles(gql):
    group, child = await account(name="Group"), await account(name="Child")
    await gql(
        UPDATE, {"input": {"id": to_global_id("Account", child.id), "parentId": to_global_id("Account", group.id)}}
    )
    cycle = await gql(
        UPDATE, {"input": {"id": to_global_id("Account", group.id), "parentId": to_global_id("Account", child.id)}}
    )
    assert cycle["updateAccount"]["userErrors"][0]["field"] == ["input", "parentId"]
    null = await gql(UPDATE, {"input": {"id": to_global_id("Account", group.id), "name": None}})
    assert null["updateAccount"]["userErrors"][0]["field"] == ["input", "name"]


async def test_team_members_are_staff_and_the_owner_stays(gql):
    owner, expert = await staff("Owner"), await staff("Expert", role=Role.SOLUTION_EXPERT)
    acme = await account(owner=owner)
    ids = {
        "a": to_global_id("Account", acme.id),
        "e": to_global_id("Person", expert.id),
        "o": to_global_id("Person", owner.id),
    }
    added = await gql(
        "mutation($a: ID!, $e: ID!) { setAccountTeamMember(input: {accountId: $a, personId: $e, role: SOLUTION_EXPERT}) {"
        " account { team { role person { name } } } userErrors { code } } }",
        ids,
    )
    assert {m["person"]["name"]: m["role"] for m in added["setAccountTeamMember"]["account"]["team"]} == {
        "Owner": "ACCOUNT_MANAGER",
        "Expert": "SOLUTION_EXPERT",
    }
    refused = await gql(
        "mutation($a: ID!, $o: ID!) { removeAccountTeamMember(input: {accountId: $a, personId: $o}) { userErrors { code } } }",
        ids,
    )
    assert refused["removeAccountTeamMember"]["userErrors"] == [{"code": "RULE_VIOLATION"}]
    removed = await gql(
        "mutation($a: ID!, $e: ID!) { removeAccountTeamMember(input: {accountId: $a, personId: $e}) {"
        " account { team { person { name } } } userErrors { code } } }",
        ids,
    )
    assert removed["removeAccountTeamMember"]["account"]["team"] == [{"person": {"name": "Owner"}}]


EVALUATE = "mutation { evaluateTiers { reviews { id currentTier proposedTier trailingValue account { name } } userErrors { code } } }"


async def test_an_analyst_runs_the_tier_rule_on_the_real_totals_without_seeing_them(gql, actor_for):
    """The analyst may run it (tiers.evaluate) without contracts.amounts.read: the rule sums what it must, the
    answer masks it (issue 13's fuzzing found this INTERNAL)."""
    big = await account(name="Big")
    await contract(big, amount="12000000.00", signed_on=today() - timedelta(days=30))
    analyst = actor_for(await staff("Analyst", Role.DATA_ANALYST), Role.DATA_ANALYST)
    [review] = (await gql(EVALUATE, actor=analyst))["evaluateTiers"]["reviews"]
    assert (review["proposedTier"], review["trailingValue"]) == ("STRATEGIC", None)
    stored = await TierReview.get(account_id=big.id)
    assert stored.trailing_value == Decimal("12000000.00")


async def test_tier_reevaluation_proposes_and_a_director_confirms_with_a_reason(gql, actor_for):
    big, small = await account(name="Big"), await account(name="Small", tier=Tier.CORE)
    await contract(big, amount="6000000.00", signed_on=today() - timedelta(days=30))
    await contract(big, amount="4000000.01", signed_on=today() - timedelta(days=300))
    await contract(big, amount="9000000.00", signed_on=today() - timedelta(days=400))  # outside the 12 months
    await contract(big, amount="5000000.00", status=ContractStatus.DRAFT, signed_on=None)  # not signed
    proposals = (await gql(EVALUATE))["evaluateTiers"]["reviews"]
    by_name = {p["account"]["name"]: p for p in proposals}
    assert by_name["Big"]["proposedTier"] == "STRATEGIC" and by_name["Big"]["trailingValue"] == "10000000.01"
    assert by_name["Small"]["proposedTier"] == "POTENTIAL" and by_name["Small"]["currentTier"] == "CORE"
    again = (await gql(EVALUATE))["evaluateTiers"]["reviews"]
    assert {p["id"] for p in again} == {p["id"] for p in proposals}  # idempotent
    assert await TierReview.all().count() == 2

    manager = actor_for(await staff(), Role.ACCOUNT_MANAGER)
    confirm = (
        "mutation($r: ID!, $why: String!) { confirmTierChange(input: {reviewId: $r, reason: $why}) {"
        " account { tier tierReviews { edges { node { status reason decidedBy } } } } userErrors { code field } } }"
    )
    forbidden = await gql(confirm, {"r": by_name["Big"]["id"], "why": "growth"}, actor=manager)
    assert forbidden["confirmTierChange"]["userErrors"] == [{"code": "FORBIDDEN", "field": ["input"]}]
    no_reason = await gql(confirm, {"r": by_name["Big"]["id"], "why": " "})
    assert no_reason["confirmTierChange"]["userErrors"] == [{"code": "INVALID", "field": ["input", "reason"]}]
    done = (await gql(confirm, {"r": by_name["Big"]["id"], "why": "Two large renewals this year"}))["confirmTierChange"]
    assert done["account"]["tier"] == "STRATEGIC"
    assert done["account"]["tierReviews"]["edges"][0]["node"] == {
        "status": "APPLIED",
        "reason": "Two large renewals this year",
        "decidedBy": "system",
    }
    twice = await gql(confirm, {"r": by_name["Big"]["id"], "why": "again"})
    assert twice["confirmTierChange"]["userErrors"][0]["code"] == "RULE_VIOLATION"
    assert (await Account.get(id=small.id)).tier is Tier.CORE  # a proposal alone changes nothing


async def test_archived_accounts_are_read_only(gql):
    acme = await account(name="Acme")
    gid = to_global_id("Account", acme.id)
    await gql("mutation($id: ID!) { archiveAccount(input: {id: $id}) { userErrors { code } } }", {"id": gid})
    result = (await gql(UPDATE, {"input": {"id": gid, "name": "Renamed"}}))["updateAccount"]
    assert result["userErrors"][0]["code"] == "RULE_VIOLATION"
    again = await gql("mutation($id: ID!) { archiveAccount(input: {id: $id}) { userErrors { code } } }", {"id": gid})
    assert again["archiveAccount"]["userErrors"] == [{"code": "RULE_VIOLATION"}]


async def test_a_director_can_dismiss_and_a_stale_proposal_is_withdrawn(gql):
    small = await account(name="Small", tier=Tier.CORE)
    [review] = (await gql(EVALUATE))["evaluateTiers"]["reviews"]
    dismissed = await gql(
        'mutation($r: ID!) { dismissTierChange(input: {reviewId: $r, reason: "Pipeline is strong"}) {'
        " review { status reason } userErrors { code } } }",
        {"r": review["id"]},
    )
    assert dismissed["dismissTierChange"] == {
        "review": {"status": "DISMISSED", "reason": "Pipeline is strong"},
        "userErrors": [],
    }
    assert (await Account.get(id=small.id)).tier is Tier.CORE
    # a new proposal, then the data moves back: the next evaluation withdraws it
    [again] = (await gql(EVALUATE))["evaluateTiers"]["reviews"]
    await contract(small, amount="1500000.00", signed_on=today() - timedelta(days=10))
    assert (await gql(EVALUATE))["evaluateTiers"]["reviews"] == []
    withdrawn = await TierReview.get(id=int(from_global_id(again["id"])[1]))
    assert withdrawn.status.value == "DISMISSED" and "no longer" in withdrawn.reason
