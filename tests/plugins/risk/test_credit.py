"""Credit assessments, the credit profile on accounts, and the signing rule the plugin adds to the core."""

from datetime import timedelta
from decimal import Decimal

import pytest
from factories import account, contract, staff, today

from kamgraph.core.contracts.models import Contract, ContractStatus, Payment
from kamgraph.ids import to_global_id
from kamgraph.plugins.risk.models import CreditAssessment, CreditOverride
from kamgraph.security.actors import Role
from kamgraph.security.models import AuditRecord

RECORD = """mutation($input: RecordCreditAssessmentInput!) { recordCreditAssessment(input: $input) {
  assessment { id sequence rating score creditLimit paymentTermsDays prepayment validFrom validUntil
    checks { check score notes } }
  userErrors { field code message } } }"""

PROFILE = """query($id: ID!) { account(id: $id) { creditProfile { rating score limit paymentTermsDays prepayment exposure available
  validFrom expiresAt assessment { sequence checks { check notes } } } creditAssessments { sequence } } }"""

SIGN = "mutation($id: ID!) { signContract(input: {id: $id}) { contract { status } userErrors { field code message } } }"
OVERRIDE = """mutation($id: ID!, $reason: String!) { grantCreditOverride(input: {contractId: $id, reason: $reason}) {
  override { reason grantedBy usedAt } userErrors { field code message } } }"""


def checks(credit=80, reputation=70, financial=60, notes="evidence"):
    return [
        {"check": "CREDIT_REPORT", "score": credit, "notes": notes},
        {"check": "INDUSTRY_REPUTATION", "score": reputation},
        {"check": "FINANCIAL_CONDITION", "score": financial},
    ]


async def assess(risk, customer, **changes):
    payload = {"accountId": customer.node_id, "checks": checks()} | changes
    return (await risk(RECORD, {"input": payload}))["recordCreditAssessment"]


async def test_an_assessment_is_scored_rated_and_shown_on_the_account(risk):
    customer = await account()
    result = await assess(risk, customer, checks=checks(90, 80, 70, notes="no defaults in the credit report"))
    assert result["userErrors"] == []
    made = result["assessment"]
    assert (
        made["sequence"],
        made["score"],
        made["rating"],
        made["creditLimit"],
        made["paymentTermsDays"],
        made["prepayment"],
    ) == (1, "81.0", "B", "10000000.00", 60, False)
    assert made["validFrom"] == today().isoformat() and made["checks"][0] == {
        "check": "CREDIT_REPORT",
        "score": 90,
        "notes": "no defaults in the credit report",
    }
    await contract(customer, "3000000.00", ContractStatus.ACTIVE)
    signed = await contract(customer, "1000000.00", ContractStatus.SIGNED)
    await Payment.create(contract=signed, amount="250000.00", paid_on=today())
    await contract(customer, "5000000.00", ContractStatus.COMPLETED)  # paid and done: no exposure
    profile = (await risk(PROFILE, {"id": customer.node_id}))["account"]["creditProfile"]
    assert (profile["rating"], profile["limit"], profile["exposure"], profile["available"]) == (
        "B",
        "10000000.00",
        "3750000.00",
        "6250000.00",
    )
    assert profile["expiresAt"] == (made["validUntil"])


async def test_credit_values_are_masked_without_the_permission_and_every_read_is_audited(risk, actor_for):
    analyst, manager = await staff("Analyst", Role.DATA_ANALYST), await staff("Li Wei")
    customer = await account(owner=manager)
    await assess(risk, customer)
    masked = (await risk(PROFILE, {"id": customer.node_id}, actor=actor_for(analyst, Role.DATA_ANALYST)))["account"][
        "creditProfile"
    ]
    assert masked["rating"] is None and masked["limit"] is None and masked["assessment"]["checks"][0]["notes"] is None
    assert masked["expiresAt"]  # the fact of an assessment is not secret, its values are
    before = await AuditRecord.filter(action="read").count()
    seen = (await risk(PROFILE, {"id": customer.node_id}, actor=actor_for(manager, Role.ACCOUNT_MANAGER)))["account"][
        "creditProfile"
    ]
    assert seen["rating"] == "B" and seen["assessment"]["checks"][0]["notes"] == "evidence"
    reads = await AuditRecord.filter(action="read").offset(before)
    assert any(
        r.subject_type == "CreditAssessment" and "credit_report_notes" in r.fields_read and r.actor == "Li Wei"
        for r in reads
    )


async def test_the_notes_are_encrypted_at_rest(risk):
    from kamgraph import db

    customer = await account()
    await assess(risk, customer, checks=checks(notes="secret evidence"))
    _, rows = await db.db().execute_query('SELECT "credit_report_notes" FROM "risk_credit_assessment"')
    assert "secret evidence" not in str(rows[0][0])


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"accountId": to_global_id("Account", 999999)}, ["input", "accountId"], "NOT_FOUND"),
        ({"creditLimit": "-1.00"}, ["input", "creditLimit"], "INVALID"),
        ({"creditLimit": "20000000.00"}, ["input", "creditLimit"], "RULE_VIOLATION"),  # more than rating B allows
        ({"checks": checks(101)}, ["input", "checks", "0", "score"], "INVALID"),
        ({"checks": checks()[:2]}, ["input", "checks"], "INVALID"),
        ({"checks": [*checks()[:2], checks()[0]]}, ["input", "checks", "2", "check"], "INVALID"),
        ({"validFrom": "2026-06-01", "validUntil": "2026-05-31"}, ["input", "validUntil"], "INVALID"),
    ],
)
async def test_bad_assessments_are_refused_and_change_nothing(risk, changes, field, code):
    customer = await account()
    result = await assess(risk, customer, **changes)
    assert result["assessment"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]], result["userErrors"]
    assert await CreditAssessment.all().count() == 0


async def test_periods_never_overlap_and_an_early_end_makes_room(risk):
    customer = await account()
    first = (await assess(risk, customer, validFrom="2026-01-01", validUntil="2026-12-31"))["assessment"]
    overlapping = await assess(risk, customer, validFrom="2026-12-31")
    assert (
        overlapping["userErrors"][0]["code"] == "RULE_VIOLATION"
        and "overlap" in overlapping["userErrors"][0]["message"]
    )
    end = """mutation($id: ID!) { endCreditAssessment(input: {id: $id, reason: "new financials", endedOn: "2026-07-01"}) {
      assessment { endedOn endReason } userErrors { code } } }"""
    assert (await risk(end, {"id": first["id"]}))["endCreditAssessment"]["assessment"] == {
        "endedOn": "2026-07-01",
        "endReason": "new financials",
    }
    second = await assess(risk, customer, validFrom="2026-07-01")
    assert second["userErrors"] == [] and second["assessment"]["sequence"] == 2
    assert (await risk(end, {"id": first["id"]}))["endCreditAssessment"]["userErrors"] == [
        {"code": "RULE_VIOLATION"}
    ]  # ended already


async def test_signing_needs_a_valid_assessment_with_the_plugin_and_not_without_it(risk, gql):
    customer = await account()
    deal = await contract(customer, "1000.00", ContractStatus.APPROVED)
    refused = (await risk(SIGN, {"id": deal.node_id}))["signContract"]
    assert refused["contract"] is None and refused["userErrors"][0]["code"] == "RULE_VIOLATION"
    assert "no valid credit assessment" in refused["userErrors"][0]["message"]
    assert (await Contract.get(id=deal.id)).status is ContractStatus.APPROVED  # nothing changed
    # the core alone (risk not enabled) knows no credit rule
    assert (await gql(SIGN, {"id": deal.node_id}))["signContract"]["contract"]["status"] == "SIGNED"


async def test_an_expired_assessment_is_no_assessment(risk):
    customer = await account()
    start = today() - timedelta(days=400)
    await assess(risk, customer, validFrom=start.isoformat(), validUntil=(today() - timedelta(days=1)).isoformat())
    deal = await contract(customer, "1000.00", ContractStatus.APPROVED)
    assert (
        "no valid credit assessment"
        in (await risk(SIGN, {"id": deal.node_id}))["signContract"]["userErrors"][0]["message"]
    )


async def test_exposure_exactly_at_the_limit_signs_beyond_it_needs_a_directors_override(risk, actor_for):
    customer = await account()
    await assess(risk, customer, creditLimit="1000000.00")
    await contract(customer, "700000.00", ContractStatus.ACTIVE)
    at_limit = await contract(customer, "300000.00", ContractStatus.APPROVED)
    assert (await risk(SIGN, {"id": at_limit.node_id}))["signContract"]["contract"]["status"] == "SIGNED"
    beyond = await contract(customer, "0.01", ContractStatus.APPROVED)
    refused = (await risk(SIGN, {"id": beyond.node_id}))["signContract"]["userErrors"][0]
    assert refused["code"] == "RULE_VIOLATION" and "1000000.01" in refused["message"]
    manager = await staff("Li Wei")
    forbidden = await risk(
        OVERRIDE, {"id": beyond.node_id, "reason": "strategic"}, actor=actor_for(manager, Role.ACCOUNT_MANAGER)
    )
    assert forbidden["grantCreditOverride"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await risk(OVERRIDE, {"id": beyond.node_id, "reason": " "}))["grantCreditOverride"]["userErrors"][0][
        "field"
    ] == ["input", "reason"]
    granted = (await risk(OVERRIDE, {"id": beyond.node_id, "reason": "strategic customer, CFO guarantee"}))[
        "grantCreditOverride"
    ]
    assert granted["userErrors"] == [] and granted["override"]["usedAt"] is None
    assert (await risk(SIGN, {"id": beyond.node_id}))["signContract"]["contract"]["status"] == "SIGNED"
    assert (await CreditOverride.get(contract_id=beyond.id)).used_at is not None
    again = (await risk(OVERRIDE, {"id": beyond.node_id, "reason": "again"}))["grantCreditOverride"]["userErrors"][0]
    assert again["code"] == "RULE_VIOLATION"  # signed already


async def test_rating_d_signs_only_on_prepayment_terms(risk):
    customer = await account()
    made = (await assess(risk, customer, checks=checks(20, 30, 40)))["assessment"]
    assert (made["rating"], made["prepayment"], made["creditLimit"]) == ("D", True, "0.00")
    on_credit = await contract(customer, "500.00", ContractStatus.APPROVED)
    assert (
        "must pay in advance"
        in (await risk(SIGN, {"id": on_credit.node_id}))["signContract"]["userErrors"][0]["message"]
    )
    prepaid = await contract(
        customer,
        "500.00",
        ContractStatus.APPROVED,
        instalments=1,
        payment_terms_days=0,
        start_on=today() + timedelta(days=60),
    )
    assert (await risk(SIGN, {"id": prepaid.node_id}))["signContract"]["userErrors"][0][
        "code"
    ] == "RULE_VIOLATION"  # due after the start
    from kamgraph.core.contracts.models import Instalment

    await Instalment.filter(contract_id=prepaid.id).update(due_on=prepaid.start_on)
    assert (await risk(SIGN, {"id": prepaid.node_id}))["signContract"]["contract"]["status"] == "SIGNED"


async def test_the_rules_in_force_are_readable(risk):
    rules = (
        await risk(
            "{ riskRules { ratingBands { rating minScore creditLimit prepayment } checkWeights { check weight } "
            "assessmentMonths dunning { stage daysOverdue } } }"
        )
    )["riskRules"]
    assert rules["ratingBands"][0] == {"rating": "A", "minScore": "85", "creditLimit": "20000000", "prepayment": False}
    assert [d["daysOverdue"] for d in rules["dunning"]] == [30, 60, 90, 91] and rules["assessmentMonths"] == 12
    assert sum(Decimal(w["weight"]) for w in rules["checkWeights"]) == 1


async def test_two_signings_at_once_cannot_both_take_the_last_of_the_limit(risk):
    import asyncio

    customer = await account()
    await assess(risk, customer, creditLimit="1000.00")
    first, second = (
        await contract(customer, "600.00", ContractStatus.APPROVED),
        await contract(customer, "600.00", ContractStatus.APPROVED),
    )
    results = await asyncio.gather(*(risk(SIGN, {"id": deal.node_id}) for deal in (first, second)))
    outcomes = sorted(
        r["signContract"]["contract"]["status"]
        if r["signContract"]["contract"]
        else r["signContract"]["userErrors"][0]["code"]
        for r in results
    )
    assert outcomes == ["RULE_VIOLATION", "SIGNED"]
