"""The risk register, contingency plans with their 48-hour post-mortems, and competitor watch."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import account, contact, staff

from kamgraph.core.accounts.models import AccountTeamMember, TeamRole
from kamgraph.ids import to_global_id
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    RegisteredRisk,
)
from kamgraph.security.actors import Role

REGISTER = """mutation($input: RegisterRiskInput!) { registerRisk(input: $input) {
  risk { id kind title probability impact score severity status version owner { name } } userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateRegisteredRiskInput!) { updateRegisteredRisk(input: $input) {
  risk { status probability score severity closedReason version } userErrors { field code currentVersion } } }"""


async def test_a_risk_is_registered_rated_and_closed_with_a_reason(risk, actor_for):
    owner = await staff("Li Wei")
    customer = await account(owner=owner)
    made = (
        await risk(
            REGISTER,
            {
                "input": {
                    "accountId": customer.node_id,
                    "kind": "COOPERATION",
                    "title": "Main sponsor may retire",
                    "probability": 3,
                    "impact": 5,
                    "ownerId": owner.node_id,
                }
            },
        )
    )["registerRisk"]
    assert made["userErrors"] == []
    assert {k: made["risk"][k] for k in ("score", "severity", "status", "version")} == {
        "score": 15,
        "severity": "HIGH",
        "status": "OPEN",
        "version": 1,
    }
    gid = made["risk"]["id"]
    lowered = (
        await risk(UPDATE, {"input": {"id": gid, "expectedVersion": 1, "probability": 2, "status": "MITIGATING"}})
    )["updateRegisteredRisk"]
    assert lowered["risk"] == {
        "status": "MITIGATING",
        "probability": 2,
        "score": 10,
        "severity": "MEDIUM",
        "closedReason": None,
        "version": 2,
    }
    stale = (await risk(UPDATE, {"input": {"id": gid, "expectedVersion": 1, "impact": 1}}))["updateRegisteredRisk"]
    assert stale["userErrors"] == [{"field": ["input", "expectedVersion"], "code": "CONFLICT", "currentVersion": 2}]
    no_reason = (await risk(UPDATE, {"input": {"id": gid, "status": "CLOSED"}}))["updateRegisteredRisk"]["userErrors"]
    assert no_reason[0]["field"] == ["input", "closedReason"]
    closed = (
        await risk(UPDATE, {"input": {"id": gid, "status": "CLOSED", "closedReason": "successor sponsor confirmed"}})
    )["updateRegisteredRisk"]
    assert closed["risk"]["status"] == "CLOSED"
    assert (await risk(UPDATE, {"input": {"id": gid, "impact": 2}}))["updateRegisteredRisk"]["userErrors"][0][
        "code"
    ] == "RULE_VIOLATION"
    listed = await risk(
        "query($id: ID!) { account(id: $id) { registeredRisks { totalCount edges { node { title } } } } }",
        {"id": customer.node_id},
    )
    assert listed["account"]["registeredRisks"]["totalCount"] == 1


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"accountId": to_global_id("Account", 999999)}, ["input", "accountId"], "NOT_FOUND"),
        ({"probability": 0}, ["input", "probability"], "INVALID"),
        ({"impact": 6}, ["input", "impact"], "INVALID"),
        ({"title": "  "}, ["input", "title"], "INVALID"),
        ({"ownerId": "contact"}, ["input", "ownerId"], "INVALID"),
    ],
)
async def test_bad_risks_are_refused_and_change_nothing(risk, changes, field, code):
    customer = await account()
    if changes.get("ownerId") == "contact":
        # a customer's contact cannot own our risk (a copy: the parameter itself serves every run of the test)
        changes = {**changes, "ownerId": (await contact(customer, "Wang Fang")).node_id}
    payload = {
        "accountId": customer.node_id,
        "kind": "CREDIT",
        "title": "Slow payer",
        "probability": 3,
        "impact": 3,
    } | changes
    result = (await risk(REGISTER, {"input": payload}))["registerRisk"]
    assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]], result["userErrors"]
    assert await RegisteredRisk.all().count() == 0


PLAN = """mutation($input: CreateContingencyPlanInput!) { createContingencyPlan(input: $input) { plan { id status } userErrors { field code } } }"""
ACTIVATE = """mutation($input: ActivateContingencyPlanInput!) { activateContingencyPlan(input: $input) {
  plan { status eventOccurredAt postMortemDueAt postMortemOverdue tasks { title dueAt overdue } } userErrors { field code } } }"""
POST_MORTEM = """mutation($id: ID!, $text: String!) { recordPostMortem(input: {id: $id, postMortem: $text}) {
  plan { status postMortem } userErrors { field code } } }"""


async def test_a_plan_is_activated_by_its_event_and_its_post_mortem_is_due_in_48_hours(risk):
    customer = await account()
    plan = await risk(
        PLAN, {"input": {"accountId": customer.node_id, "planType": "PRODUCT_DEFECT", "title": "Billing outage"}}
    )
    gid = plan["createContingencyPlan"]["plan"]["id"]
    assert plan["createContingencyPlan"]["plan"]["status"] == "READY"
    assert (await risk(POST_MORTEM, {"id": gid, "text": "too early"}))["recordPostMortem"]["userErrors"][0][
        "code"
    ] == "RULE_VIOLATION"
    occurred = datetime.now(UTC) - timedelta(hours=50)
    active = await risk(
        ACTIVATE, {"input": {"id": gid, "summary": "invoices wrong for two days", "occurredAt": occurred.isoformat()}}
    )
    plan_now = active["activateContingencyPlan"]["plan"]
    assert plan_now["status"] == "ACTIVE" and plan_now["postMortemOverdue"] is True  # the event was 50 hours ago
    assert datetime.fromisoformat(plan_now["postMortemDueAt"]) == occurred + timedelta(hours=48)
    assert plan_now["tasks"][0]["title"] == "Fix team delivers the fix" and plan_now["tasks"][0]["overdue"] is False
    again = (await risk(ACTIVATE, {"input": {"id": gid, "summary": "again"}}))["activateContingencyPlan"]["userErrors"]
    assert again[0]["code"] == "RULE_VIOLATION"
    overdue = (await risk("{ overduePostMortems { totalCount edges { node { title } } } }"))["overduePostMortems"]
    assert overdue["totalCount"] == 1 and overdue["edges"][0]["node"]["title"] == "Billing outage"
    done = (await risk(POST_MORTEM, {"id": gid, "text": "root cause: rounding; added a test"}))["recordPostMortem"]
    assert done["plan"] == {"status": "CLOSED", "postMortem": "root cause: rounding; added a test"}
    assert (await risk("{ overduePostMortems { totalCount } }"))["overduePostMortems"]["totalCount"] == 0


async def test_plan_tasks_and_bad_input(risk):
    customer, other = await account("Mine"), await account("Other")
    owner = await staff("Li Wei")
    registered = await RegisteredRisk.create(
        account=other, kind="POLICY", title="New data law", probability=2, impact=4
    )
    wrong = (
        await risk(
            PLAN,
            {
                "input": {
                    "accountId": customer.node_id,
                    "planType": "REGULATION_CHANGE",
                    "title": "Data law",
                    "riskId": registered.node_id,
                }
            },
        )
    )["createContingencyPlan"]
    assert (
        wrong["userErrors"] == [{"field": ["input", "riskId"], "code": "INVALID"}]
        and await ContingencyPlan.all().count() == 0
    )
    gid = (
        await risk(
            PLAN, {"input": {"accountId": customer.node_id, "planType": "KEY_PERSON_LEFT", "title": "CIO leaves"}}
        )
    )["createContingencyPlan"]["plan"]["id"]
    add = """mutation($input: AddContingencyTaskInput!) { addContingencyTask(input: $input) { task { id title owner { name } } userErrors { field code } } }"""
    task = (await risk(add, {"input": {"planId": gid, "title": "Brief the new CIO", "ownerId": owner.node_id}}))[
        "addContingencyTask"
    ]["task"]
    assert task["owner"] == {"name": "Li Wei"}
    complete = "mutation($id: ID!) { completeContingencyTask(input: {id: $id}) { task { title } userErrors { code } } }"
    assert (await risk(complete, {"id": task["id"]}))["completeContingencyTask"]["userErrors"] == []
    assert (await risk(complete, {"id": task["id"]}))["completeContingencyTask"]["userErrors"] == [
        {"code": "RULE_VIOLATION"}
    ]
    future = await risk(
        ACTIVATE,
        {"input": {"id": gid, "summary": "x", "occurredAt": (datetime.now(UTC) + timedelta(days=1)).isoformat()}},
    )
    assert future["activateContingencyPlan"]["userErrors"] == [{"field": ["input", "occurredAt"], "code": "INVALID"}]


OFFER = """mutation($input: RecordCompetitorOfferInput!) { recordCompetitorOffer(input: $input) {
  offer { id competitor comparisonDueAt comparisonOverdue } userErrors { field code } } }"""
COMPARE = """mutation($id: ID!, $text: String!) { recordDifferentiation(input: {id: $id, comparison: $text}) {
  offer { comparison comparedBy comparisonOverdue } userErrors { field code } } }"""


async def test_a_competitor_offer_needs_a_comparison_within_48_hours(risk, actor_for):
    expert = await staff("Chen Jing", Role.SOLUTION_EXPERT)
    manager = await staff("Li Wei")
    customer = await account(owner=manager)
    await AccountTeamMember.create(account=customer, person=expert, role=TeamRole.SOLUTION_EXPERT)  # the expert's scope
    seen = datetime.now(UTC) - timedelta(hours=49)
    recorded = (
        await risk(
            OFFER,
            {
                "input": {
                    "accountId": customer.node_id,
                    "competitor": "Acme Cloud",
                    "offer": "20% below our list price",
                    "seenAt": seen.isoformat(),
                }
            },
            actor=actor_for(manager, Role.ACCOUNT_MANAGER),
        )
    )["recordCompetitorOffer"]
    assert recorded["userErrors"] == [] and recorded["offer"]["comparisonOverdue"] is True
    assert datetime.fromisoformat(recorded["offer"]["comparisonDueAt"]) == seen + timedelta(hours=48)
    fresh = (
        await risk(OFFER, {"input": {"accountId": customer.node_id, "competitor": "Beta", "offer": "free migration"}})
    )["recordCompetitorOffer"]
    assert fresh["offer"]["comparisonOverdue"] is False
    overdue = (await risk("{ overdueDifferentiations { totalCount edges { node { competitor } } } }"))[
        "overdueDifferentiations"
    ]
    assert [e["node"]["competitor"] for e in overdue["edges"]] == ["Acme Cloud"]
    blank = (await risk(OFFER, {"input": {"accountId": customer.node_id, "competitor": " ", "offer": ""}}))[
        "recordCompetitorOffer"
    ]["userErrors"]
    assert {tuple(e["field"]) for e in blank} == {("input", "competitor"), ("input", "offer")}
    compared = (
        await risk(
            COMPARE,
            {"id": recorded["offer"]["id"], "text": "our SLA is 4 h, theirs next business day"},
            actor=actor_for(expert, Role.SOLUTION_EXPERT),
        )
    )["recordDifferentiation"]
    assert compared["offer"] == {
        "comparison": "our SLA is 4 h, theirs next business day",
        "comparedBy": "Chen Jing",
        "comparisonOverdue": False,
    }
    assert (await risk("{ overdueDifferentiations { totalCount } }"))["overdueDifferentiations"]["totalCount"] == 0
    assert await CompetitorOffer.all().count() == 2
    analyst = await staff("Analyst", Role.DATA_ANALYST)
    refused = (
        await risk(
            OFFER,
            {"input": {"accountId": customer.node_id, "competitor": "C", "offer": "o"}},
            actor=actor_for(analyst, Role.DATA_ANALYST),
        )
    )["recordCompetitorOffer"]["userErrors"]
    assert refused[0]["code"] == "FORBIDDEN"
