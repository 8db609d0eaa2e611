"""Opportunities: created in the first stage with the follow-up timer, moved as the rules allow with their
history, won with their contract, lost with a reason; owners and scope; timers that run out become events."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import account, contact, contract, staff, today

from kamgraph.core.contracts.models import Contract, ContractStatus
from kamgraph.ids import to_global_id
from kamgraph.jobs import JobRunner
from kamgraph.plugins.pipeline.models import Opportunity, StageChange
from kamgraph.security.actors import Role
from kamgraph.security.models import OutboxEvent

CREATE = """mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) {
  opportunity { id stage probability weightedAmount followUpDueAt firstContactAt owner { name } version }
  userErrors { field code message } } }"""
MOVE = """mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) {
  opportunity { stage probability lossReason competitor closedAt solutionSubmittedAt stageHistory { fromStage toStage reason leftAt } }
  userErrors { field code message } } }"""
WIN = """mutation($input: WinOpportunityInput!) { winOpportunity(input: $input) {
  opportunity { stage closedAt contract { number status amount { amount } title } } userErrors { field code message } } }"""


async def opened(pipeline, customer, actor=None, **changes):
    payload = {
        "accountId": customer.node_id,
        "title": "Data platform",
        "amount": "1000000.00",
        "expectedCloseOn": "2027-03-31",
    } | changes
    kwargs = {"actor": actor} if actor else {}
    return (await pipeline(CREATE, {"input": payload}, **kwargs))["createOpportunity"]


async def test_an_opportunity_starts_in_the_first_stage_with_its_follow_up_due(pipeline, actor_for):
    manager = await staff("Li Wei")
    customer = await account(owner=manager)
    contact_at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    made = await opened(
        pipeline, customer, actor_for(manager, Role.ACCOUNT_MANAGER), firstContactAt=contact_at.isoformat()
    )
    assert made["userErrors"] == []
    opportunity = made["opportunity"]
    assert (opportunity["stage"], opportunity["probability"], opportunity["weightedAmount"], opportunity["owner"]) == (
        "FIRST_CONTACT",
        "0.300",
        "300000.00",
        {"name": "Li Wei"},
    )
    assert datetime.fromisoformat(opportunity["followUpDueAt"]) == contact_at + timedelta(hours=48)
    history = await StageChange.all()
    assert [(h.from_stage, h.to_stage) for h in history] == [(None, "FIRST_CONTACT")]


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"accountId": to_global_id("Account", 99999)}, ["input", "accountId"], "NOT_FOUND"),
        ({"amount": "-1.00"}, ["input", "amount"], "INVALID"),
        ({"title": " "}, ["input", "title"], "INVALID"),
        ({"currency": "yuan"}, ["input", "currency"], "INVALID"),
        ({"ownerId": "contact"}, ["input", "ownerId"], "INVALID"),
        ({"firstContactAt": "2099-01-01T00:00:00+00:00"}, ["input", "firstContactAt"], "INVALID"),
    ],
)
async def test_bad_opportunities_are_refused_and_change_nothing(pipeline, changes, field, code):
    customer = await account()
    if changes.get("ownerId") == "contact":  # a copy: the parameter itself serves every run of the test
        changes = {**changes, "ownerId": (await contact(customer)).node_id}
    result = await opened(pipeline, customer, **changes)
    assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]], result["userErrors"]
    assert await Opportunity.all().count() == 0 and await StageChange.all().count() == 0


async def test_moves_follow_the_rules_and_are_recorded(pipeline):
    customer = await account(owner=await staff("Li Wei"))  # the owner of an opportunity an integration opens
    gid = (await opened(pipeline, customer))["opportunity"]["id"]
    skip = (await pipeline(MOVE, {"input": {"id": gid, "stage": "NEGOTIATION"}}))["moveOpportunity"]
    assert skip["userErrors"][0]["code"] == "RULE_VIOLATION" and "not skipped" in skip["userErrors"][0]["message"]
    forward = (await pipeline(MOVE, {"input": {"id": gid, "stage": "PROPOSAL_SUBMITTED"}}))["moveOpportunity"][
        "opportunity"
    ]
    assert forward["probability"] == "0.500" and forward["solutionSubmittedAt"] is not None
    await pipeline(MOVE, {"input": {"id": gid, "stage": "NEGOTIATION"}})
    back = (await pipeline(MOVE, {"input": {"id": gid, "stage": "PROPOSAL_SUBMITTED", "reason": "price revision"}}))[
        "moveOpportunity"
    ]
    assert back["opportunity"]["stage"] == "PROPOSAL_SUBMITTED"
    no_reason = (await pipeline(MOVE, {"input": {"id": gid, "stage": "LOST"}}))["moveOpportunity"]["userErrors"]
    assert no_reason == [
        {"field": ["input", "reason"], "code": "INVALID", "message": "say why the opportunity was lost"}
    ]
    lost = (
        await pipeline(MOVE, {"input": {"id": gid, "stage": "LOST", "reason": "budget frozen", "competitor": "Acme"}})
    )["moveOpportunity"]
    assert (
        lost["opportunity"]["lossReason"],
        lost["opportunity"]["competitor"],
        lost["opportunity"]["probability"],
    ) == ("budget frozen", "Acme", "0.000")
    assert [(h["fromStage"], h["toStage"]) for h in lost["opportunity"]["stageHistory"]] == [
        (None, "FIRST_CONTACT"),
        ("FIRST_CONTACT", "PROPOSAL_SUBMITTED"),
        ("PROPOSAL_SUBMITTED", "NEGOTIATION"),
        ("NEGOTIATION", "PROPOSAL_SUBMITTED"),
        ("PROPOSAL_SUBMITTED", "LOST"),
    ]
    assert (
        all(h["leftAt"] for h in lost["opportunity"]["stageHistory"][:-1])
        and lost["opportunity"]["stageHistory"][-1]["leftAt"] is None
    )
    closed = (await pipeline(MOVE, {"input": {"id": gid, "stage": "NEGOTIATION"}}))["moveOpportunity"]["userErrors"]
    assert "closed" in closed[0]["message"]
    types = [e.type for e in await OutboxEvent.filter(type__startswith="pipeline.opportunity.").order_by("id")]
    assert types == [
        "pipeline.opportunity.created",
        *["pipeline.opportunity.stage_changed"] * 3,
        "pipeline.opportunity.lost",
    ]


async def test_a_win_creates_its_draft_contract_or_links_one(pipeline):
    customer, other = await account("Customer", owner=await staff("Li Wei")), await account("Other")
    gid = (await opened(pipeline, customer, edition="PREMIUM"))["opportunity"]["id"]
    early = (await pipeline(WIN, {"input": {"id": gid, "contractId": "x"}}))["winOpportunity"]["userErrors"]
    assert early[0]["code"] == "RULE_VIOLATION"  # from FIRST_CONTACT: not skipped
    for stage in ("PROPOSAL_SUBMITTED", "NEGOTIATION"):
        await pipeline(MOVE, {"input": {"id": gid, "stage": stage}})
    bad_terms = {
        "number": "KA-2027-001",
        "startOn": "2027-01-01",
        "endOn": "2027-12-31",
        "schedule": [{"dueOn": "2027-02-01", "amount": "10.00"}],
    }
    refused = (await pipeline(WIN, {"input": {"id": gid, "newContract": bad_terms}}))["winOpportunity"]["userErrors"]
    assert refused[0]["field"] == ["input", "newContract", "schedule"] and await Contract.all().count() == 0
    terms = bad_terms | {"schedule": [{"dueOn": "2027-02-01", "amount": "1000000.00"}]}
    won = (await pipeline(WIN, {"input": {"id": gid, "newContract": terms}}))["winOpportunity"]
    assert won["userErrors"] == [] and won["opportunity"]["stage"] == "WON" and won["opportunity"]["closedAt"]
    assert won["opportunity"]["contract"] == {
        "number": "KA-2027-001",
        "status": "DRAFT",
        "amount": {"amount": "1000000.00"},
        "title": "Data platform",
    }
    event = await OutboxEvent.get(type="pipeline.opportunity.won")
    assert '"contractId"' in event.data

    second = (await opened(pipeline, customer))["opportunity"]["id"]
    for stage in ("PROPOSAL_SUBMITTED", "NEGOTIATION"):
        await pipeline(MOVE, {"input": {"id": second, "stage": stage}})
    theirs = await contract(other, status=ContractStatus.SIGNED)
    wrong = (await pipeline(WIN, {"input": {"id": second, "contractId": theirs.node_id}}))["winOpportunity"][
        "userErrors"
    ]
    assert wrong == [
        {"field": ["input", "contractId"], "code": "INVALID", "message": "the contract is with another customer"}
    ]
    signed = await contract(customer, status=ContractStatus.SIGNED)
    linked = (await pipeline(WIN, {"input": {"id": second, "contractId": signed.node_id}}))["winOpportunity"]
    assert linked["opportunity"]["contract"]["status"] == "SIGNED"


async def test_account_managers_change_only_their_own_opportunities(pipeline, actor_for):
    mine, colleague = await staff("Li Wei"), await staff("Zhao Lei")
    customer = await account(owner=mine)
    from kamgraph.core.accounts.models import AccountTeamMember, TeamRole

    await AccountTeamMember.create(account=customer, person=colleague, role=TeamRole.ACCOUNT_MANAGER)
    gid = (await opened(pipeline, customer, actor_for(mine, Role.ACCOUNT_MANAGER)))["opportunity"]["id"]
    as_colleague = actor_for(colleague, Role.ACCOUNT_MANAGER)
    assert (await pipeline("{ opportunities { totalCount } }", actor=as_colleague))["opportunities"][
        "totalCount"
    ] == 1  # sees it
    moved = (await pipeline(MOVE, {"input": {"id": gid, "stage": "PROPOSAL_SUBMITTED"}}, actor=as_colleague))[
        "moveOpportunity"
    ]
    assert moved["userErrors"][0]["code"] == "FORBIDDEN"
    director = await staff("Director", Role.KA_DIRECTOR)
    assert (
        await pipeline(
            MOVE, {"input": {"id": gid, "stage": "PROPOSAL_SUBMITTED"}}, actor=actor_for(director, Role.KA_DIRECTOR)
        )
    )["moveOpportunity"]["userErrors"] == []
    stranger = await staff("Stranger")
    assert (await pipeline("{ opportunities { totalCount } }", actor=actor_for(stranger, Role.ACCOUNT_MANAGER)))[
        "opportunities"
    ]["totalCount"] == 0


async def test_timers_are_listed_and_reported_once(pipeline, settings, every_pm):
    customer = await account(owner=await staff("Li Wei"))
    late = (await opened(pipeline, customer, firstContactAt=(datetime.now(UTC) - timedelta(hours=50)).isoformat()))[
        "opportunity"
    ]["id"]
    fresh = (await opened(pipeline, customer))["opportunity"]["id"]
    report = """mutation($id: ID!, $on: Date) { recordNeedsReport(input: {id: $id, summary: "ERP integration, 3 plants", reportedOn: $on}) {
      opportunity { solutionDueOn solutionOverdue } userErrors { field code } } }"""
    reported_on = today() - timedelta(days=14)
    needs = (await pipeline(report, {"id": fresh, "on": reported_on.isoformat()}))["recordNeedsReport"]["opportunity"]
    assert (
        needs["solutionDueOn"] == settings.calendar.add_working_days(reported_on, 5).isoformat()
        and needs["solutionOverdue"] is True
    )
    overdue = await pipeline(
        "{ overdueFollowUps { edges { node { id } } } overdueSolutions { edges { node { id } } } }"
    )
    assert [e["node"]["id"] for e in overdue["overdueFollowUps"]["edges"]] == [late]
    assert [e["node"]["id"] for e in overdue["overdueSolutions"]["edges"]] == [fresh]
    for _ in range(2):
        run = await JobRunner(every_pm, settings).run("pipeline.report_overdue_timers")
        assert run.status == "succeeded", run.error
    types = sorted(e.type for e in await OutboxEvent.filter(type__endswith="_overdue"))
    assert types == [
        "pipeline.opportunity.follow_up_overdue",
        "pipeline.opportunity.solution_overdue",
    ]  # once each, though the job ran twice
    follow_up = "mutation($id: ID!) { recordFollowUp(input: {id: $id}) { opportunity { followedUpAt followUpOverdue } userErrors { code } } }"
    done = (await pipeline(follow_up, {"id": late}))["recordFollowUp"]
    assert done["opportunity"]["followUpOverdue"] is False
    assert (await pipeline("{ overdueFollowUps { totalCount } }"))["overdueFollowUps"]["totalCount"] == 0


async def test_only_the_owner_or_a_director_archives_and_archived_ones_leave_the_figures(pipeline, actor_for):
    mine, colleague = await staff("Li Wei"), await staff("Zhao Lei")
    customer = await account(owner=mine)
    from kamgraph.core.accounts.models import AccountTeamMember, TeamRole

    await AccountTeamMember.create(account=customer, person=colleague, role=TeamRole.ACCOUNT_MANAGER)
    gid = (await opened(pipeline, customer, actor_for(mine, Role.ACCOUNT_MANAGER)))["opportunity"]["id"]
    archive = (
        "mutation($id: ID!) { archiveOpportunity(input: {id: $id}) { opportunity { archivedAt } userErrors { code } } }"
    )
    refused = (await pipeline(archive, {"id": gid}, actor=actor_for(colleague, Role.ACCOUNT_MANAGER)))[
        "archiveOpportunity"
    ]
    assert refused["userErrors"] == [{"code": "FORBIDDEN"}]
    done = (await pipeline(archive, {"id": gid}, actor=actor_for(mine, Role.ACCOUNT_MANAGER)))["archiveOpportunity"]
    assert done["opportunity"]["archivedAt"] is not None
    assert (await pipeline("{ opportunitiesAggregate { count } opportunities { totalCount } }")) == {
        "opportunitiesAggregate": {"count": 0},
        "opportunities": {"totalCount": 0},
    }
