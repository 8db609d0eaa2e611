"""Early warnings: each rule raises once per cause, escalates, routes to owner and directors, and is resolved
with a note; and the plugin's health signals."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from factories import account, contact, contract, staff, today

from kamgraph.core.accounts.models import AccountTeamMember, TeamRole
from kamgraph.core.contracts.models import ContractStatus, Instalment
from kamgraph.core.people.models import PersonStatus, RelationshipLevel
from kamgraph.jobs import JobRunner
from kamgraph.plugins.risk.models import CreditAssessment, RiskWarning
from kamgraph.plugins.risk.rules import Rating
from kamgraph.security.actors import Role
from kamgraph.security.models import OutboxEvent

WARNINGS = (
    """{ riskWarnings { totalCount edges { node { id kind level cause reason resolvedAt account { name } } } } }"""
)


async def run_warnings(settings, every_pm, day=None):
    when = None if day is None else datetime.combine(day, time(12), tzinfo=settings.zone).astimezone(UTC)
    run = await JobRunner(every_pm, settings).run("risk.raise_warnings", now=when)
    assert run.status == "succeeded", run.error
    return run


async def warnings(kind=None):
    rows = RiskWarning.all().order_by("id")
    return [(w.kind.value, w.level.value) for w in await (rows.filter(kind=kind) if kind else rows)]


async def test_an_overdue_instalment_is_warned_about_once_and_escalates(risk, settings, every_pm):
    customer = await account()
    deal = await contract(customer, "100.00", ContractStatus.ACTIVE, instalments=1)
    [instalment] = await Instalment.filter(contract_id=deal.id)
    await run_warnings(settings, every_pm, instalment.due_on + timedelta(days=10))
    await run_warnings(settings, every_pm, instalment.due_on + timedelta(days=10))
    assert await warnings("OVERDUE_PAYMENT") == [("OVERDUE_PAYMENT", "LOW")]
    await run_warnings(settings, every_pm, instalment.due_on + timedelta(days=40))
    assert await warnings("OVERDUE_PAYMENT") == [("OVERDUE_PAYMENT", "MEDIUM")]
    [warning] = await RiskWarning.filter(kind="OVERDUE_PAYMENT")
    assert (
        warning.escalated_at is not None and "40 days overdue" in warning.reason and warning.cause == instalment.node_id
    )
    types = [e.type for e in await OutboxEvent.filter(type__startswith="risk.warning").order_by("id")]
    assert types == ["risk.warning.raised", "risk.warning.escalated"]


async def test_a_key_contact_leaving_raises_a_high_warning(risk, settings, every_pm):
    customer = await account()
    await contact(customer, "Zhang Wei", RelationshipLevel.EXECUTIVE, status=PersonStatus.LEFT, title="CIO")
    await contact(customer, "Wang Fang", RelationshipLevel.OPERATIONAL, status=PersonStatus.LEFT)  # not a key contact
    await contact(customer, "Li Na", RelationshipLevel.MANAGEMENT, is_key_decision_maker=True)  # key, still there
    await run_warnings(settings, every_pm)
    [warning] = await RiskWarning.all()
    assert (warning.kind.value, warning.level.value, warning.reason) == (
        "KEY_CONTACT_LEFT",
        "HIGH",
        "key contact Zhang Wei (CIO) has left the customer",
    )


async def test_exposure_above_ninety_percent_of_the_limit_then_beyond_it(risk, settings, every_pm):
    customer = await account()
    await CreditAssessment.create(
        account=customer,
        sequence=1,
        valid_from=today() - timedelta(days=10),
        valid_until=today() + timedelta(days=300),
        credit_report_score=80,
        industry_reputation_score=80,
        financial_condition_score=80,
        score=Decimal(80),
        rating=Rating.B,
        credit_limit=Decimal("1000.00"),
        payment_terms_days=60,
        prepayment=False,
        assessed_by="test",
    )
    await contract(customer, "900.00", ContractStatus.ACTIVE)
    await run_warnings(settings, every_pm)
    assert await warnings("EXPOSURE_NEAR_LIMIT") == []  # exactly 90 %
    await contract(customer, "50.00", ContractStatus.SIGNED)
    await run_warnings(settings, every_pm)
    assert await warnings("EXPOSURE_NEAR_LIMIT") == [("EXPOSURE_NEAR_LIMIT", "MEDIUM")]
    assert (
        "95% of the limit" in (await RiskWarning.get(kind="EXPOSURE_NEAR_LIMIT")).reason
    )  # a share, never the amounts
    await contract(customer, "100.00", ContractStatus.SIGNED)
    await run_warnings(settings, every_pm)
    assert await warnings("EXPOSURE_NEAR_LIMIT") == [("EXPOSURE_NEAR_LIMIT", "HIGH")]


async def test_purchases_falling_three_months_in_a_row(risk, settings, every_pm):
    from kamgraph.plugins.risk.rules import month_starts

    falling, steady = await account("Falling"), await account("Steady")
    starts = month_starts(today(), 4)[:-1]  # the first days of the last four complete months
    for customer, counts in ((falling, (4, 3, 2, 1)), (steady, (2, 1, 2, 1))):
        for start, count in zip(starts, counts, strict=True):
            for n in range(count):
                await contract(
                    customer, "10.00", ContractStatus.ACTIVE, signed_on=start + timedelta(days=n), start_on=start
                )
    await run_warnings(settings, every_pm)
    [warning] = await RiskWarning.filter(kind="PURCHASES_FALLING").prefetch_related("account")
    assert warning.account.name == "Falling" and warning.reason.endswith("4, 3, 2, 1")


async def test_warnings_are_scoped_routed_and_resolved_with_a_note(risk, settings, every_pm, actor_for):
    manager = await staff("Li Wei")
    ka = await staff("Director Zhou", Role.KA_DIRECTOR)
    east = await staff("Director East", Role.REGIONAL_DIRECTOR, region="EAST")
    await staff("Director South", Role.REGIONAL_DIRECTOR, region="SOUTH")
    mine, theirs = await account("Mine", owner=manager), await account("Theirs", region="SOUTH")
    for customer in (mine, theirs):
        await contact(customer, f"CEO of {customer.name}", RelationshipLevel.EXECUTIVE, status=PersonStatus.LEFT)
    await run_warnings(settings, every_pm)
    as_manager = actor_for(manager, Role.ACCOUNT_MANAGER)
    own = (await risk(WARNINGS, actor=as_manager))["riskWarnings"]
    assert own["totalCount"] == 1 and own["edges"][0]["node"]["account"]["name"] == "Mine"
    routed = await risk(
        "query($id: ID!) { node(id: $id) { ... on RiskWarning { routedTo { name } } } }",
        {"id": own["edges"][0]["node"]["id"]},
    )
    assert sorted(p["name"] for p in routed["node"]["routedTo"]) == sorted(["Li Wei", ka.name, east.name])
    resolve = """mutation($id: ID!, $note: String!) { resolveRiskWarning(input: {id: $id, note: $note}) {
      warning { resolvedAt resolvedBy resolution } userErrors { field code } } }"""
    theirs_id = next(w.node_id for w in await RiskWarning.filter(account_id=theirs.id))
    assert (await risk(resolve, {"id": theirs_id, "note": "called"}, actor=as_manager))["resolveRiskWarning"][
        "userErrors"
    ][0]["code"] == "NOT_FOUND"
    mine_id = own["edges"][0]["node"]["id"]
    assert (await risk(resolve, {"id": mine_id, "note": " "}, actor=as_manager))["resolveRiskWarning"][
        "userErrors"
    ] == [{"field": ["input", "note"], "code": "INVALID"}]
    done = (await risk(resolve, {"id": mine_id, "note": "successor named: Ms Chen"}, actor=as_manager))[
        "resolveRiskWarning"
    ]
    assert done["userErrors"] == [] and done["warning"]["resolvedBy"] == "Li Wei"
    await run_warnings(settings, every_pm)  # the cause is still there: the warning stays resolved, no new one
    assert await RiskWarning.filter(account_id=mine.id).count() == 1
    open_only = (await risk("{ riskWarnings(filter: {resolvedAt: {isNull: true}}) { totalCount } }"))["riskWarnings"][
        "totalCount"
    ]
    assert open_only == 1


async def test_health_signals_of_payments_and_warnings(risk, settings, every_pm, actor_for):
    late, fine = await account("Late"), await account("Fine")
    deal = await contract(late, "100.00", ContractStatus.ACTIVE, instalments=1)
    await Instalment.filter(contract_id=deal.id).update(due_on=today() - timedelta(days=45))
    await contract(fine, "100.00", ContractStatus.ACTIVE, instalments=1, start_on=today())
    await contact(late, "CEO", RelationshipLevel.EXECUTIVE, status=PersonStatus.LEFT)
    await run_warnings(settings, every_pm)
    query = (
        "{ accounts(orderBy: [{field: NAME, direction: ASC}]) { nodes { name healthSignals { name score detail } } } }"
    )
    signals = {
        a["name"]: {s["name"]: (s["score"], s["detail"]) for s in a["healthSignals"] if s["name"].startswith("risk.")}
        for a in (await risk(query))["accounts"]["nodes"]
    }
    assert signals["Fine"] == {
        "risk.payment_behaviour": (100, "nothing overdue"),
        "risk.open_warnings": (100, "no open warnings"),
    }
    assert signals["Late"] == {
        "risk.payment_behaviour": (60, "the oldest unpaid instalment is 31-60 days overdue"),
        "risk.open_warnings": (55, "2 open warnings (1 high, 1 medium)"),
    }
    # an expert on the team has no amounts: how late the customer pays is a count of late instalments, no money
    expert = await staff("Expert", Role.SOLUTION_EXPERT)
    await AccountTeamMember.create(account=late, person=expert, role=TeamRole.SOLUTION_EXPERT)
    seen = (await risk(query, actor=actor_for(expert, Role.SOLUTION_EXPERT)))["accounts"]["nodes"]
    assert [(a["name"], {s["name"]: s["score"] for s in a["healthSignals"] if "risk" in s["name"]}) for a in seen] == [
        ("Late", {"risk.payment_behaviour": 60, "risk.open_warnings": 55})
    ]
    # a service agent may not read risk records: no reading of warnings, rather than a healthy one
    agent = await staff("Agent", Role.SERVICE_AGENT)
    seen = (await risk(query, actor=actor_for(agent, Role.SERVICE_AGENT)))["accounts"]["nodes"]
    assert seen and all("risk.open_warnings" not in [s["name"] for s in a["healthSignals"]] for a in seen)


async def test_risk_events_reach_only_those_who_may_read_risk_records(risk, settings, every_pm, actor_for):
    from kamgraph.events.feed import visible_events

    agent, csm = await staff("Agent", Role.SERVICE_AGENT), await staff("Success", Role.CUSTOMER_SUCCESS_MANAGER)
    customer = await account(owner=await staff("Li Wei"))
    from kamgraph.core.accounts.models import AccountTeamMember, TeamRole

    for member, role in ((agent, TeamRole.SERVICE_AGENT), (csm, TeamRole.CUSTOMER_SUCCESS_MANAGER)):
        await AccountTeamMember.create(account=customer, person=member, role=role)
    await contact(customer, "CEO", RelationshipLevel.EXECUTIVE, status=PersonStatus.LEFT)
    await run_warnings(settings, every_pm)
    deal = await contract(customer, "100.00", ContractStatus.APPROVED)
    await risk(
        "mutation($id: ID!) { signContract(input: {id: $id}) { userErrors { code } } }", {"id": deal.node_id}
    )  # refused: no event
    await risk(
        "mutation($id: ID!) { submitContract(input: {id: $id}) { userErrors { code } } }",
        {"id": (await contract(customer, "5.00", ContractStatus.DRAFT)).node_id},
    )
    events = await OutboxEvent.all().order_by("id")
    types = {e.type for e in events}
    assert {"risk.warning.raised", "contract.submitted"} <= types
    for_agent = {e.type for e in await visible_events(actor_for(agent, Role.SERVICE_AGENT), events)}
    for_csm = {e.type for e in await visible_events(actor_for(csm, Role.CUSTOMER_SUCCESS_MANAGER), events)}
    assert "contract.submitted" in for_agent and "risk.warning.raised" not in for_agent  # no risk.read
    assert {"contract.submitted", "risk.warning.raised"} <= for_csm
