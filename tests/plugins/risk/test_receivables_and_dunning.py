"""Receivables ageing in SQL against hand-computed buckets, and the dunning job: each notice once."""

from datetime import timedelta
from decimal import Decimal

from factories import account, contract, staff, today

from kamgraph.core.contracts.models import ContractStatus, Instalment
from kamgraph.jobs import JobRunner
from kamgraph.plugins.risk.models import DunningNotice
from kamgraph.security.actors import Role
from kamgraph.security.models import OutboxEvent

AGING = """query($groupBy: [ReceivablesGroupBy!]) { receivablesAging(groupBy: $groupBy) { asOf
  total { current days1To30 days31To60 days61To90 over90 total }
  groups { keys { region account { name } } buckets { current days1To30 days31To60 days61To90 over90 total } } } }"""


async def owing(customer, dues: dict[int, str], status=ContractStatus.ACTIVE, paid: dict[int, str] | None = None):
    """A contract whose instalments fall due ``days`` ago (negative: in the future) for the given amounts."""
    deal = await contract(customer, "1.00", status, instalments=1)
    await Instalment.filter(contract_id=deal.id).delete()
    for n, (days, amount) in enumerate(dues.items(), start=1):
        await Instalment.create(
            contract=deal,
            sequence=n,
            due_on=today() - timedelta(days=days),
            amount=Decimal(amount),
            paid_amount=Decimal((paid or {}).get(days, "0")),
        )
    return deal


async def test_ageing_buckets_per_portfolio_and_per_group(risk):
    east, south = await account("East Co"), await account("South Co", region="SOUTH")
    await owing(east, {-5: "100.00", 0: "1.00", 1: "10.00", 30: "20.00", 31: "30.00"}, paid={1: "4.00"})
    await owing(
        south, {60: "40.00", 61: "50.00", 90: "60.00", 91: "70.00", 400: "80.00"}, paid={400: "80.00"}
    )  # the last is paid
    await owing(south, {100: "999.00"}, status=ContractStatus.COMPLETED)  # not signed or active: not receivable
    await owing(south, {100: "999.00"}, status=ContractStatus.DRAFT)
    aging = (await risk(AGING, {"groupBy": ["REGION"]}))["receivablesAging"]
    assert aging["asOf"] == today().isoformat()
    assert aging["total"] == {
        "current": "101.00",
        "days1To30": "26.00",
        "days31To60": "70.00",
        "days61To90": "110.00",
        "over90": "70.00",
        "total": "377.00",
    }
    by_region = {g["keys"]["region"]: g["buckets"] for g in aging["groups"]}
    assert by_region["EAST"]["total"] == "157.00" and by_region["SOUTH"] == {
        "current": "0.00",
        "days1To30": "0.00",
        "days31To60": "40.00",
        "days61To90": "110.00",
        "over90": "70.00",
        "total": "220.00",
    }
    by_account = (await risk(AGING, {"groupBy": ["ACCOUNT"]}))["receivablesAging"]["groups"]
    assert {g["keys"]["account"]["name"]: g["buckets"]["total"] for g in by_account} == {
        "East Co": "157.00",
        "South Co": "220.00",
    }
    on_account = await risk(
        "query($id: ID!) { account(id: $id) { receivablesAging { over90 total } } }", {"id": south.node_id}
    )
    assert on_account["account"]["receivablesAging"] == {"over90": "70.00", "total": "220.00"}


async def test_ageing_keeps_to_the_callers_accounts_and_amount_permission(risk, actor_for):
    manager = await staff("Li Wei")
    mine, theirs = await account("Mine", owner=manager), await account("Theirs")
    await owing(mine, {10: "5.00"})
    await owing(theirs, {10: "7.00"})
    seen = (await risk(AGING, {"groupBy": ["ACCOUNT"]}, actor=actor_for(manager, Role.ACCOUNT_MANAGER)))[
        "receivablesAging"
    ]
    assert seen["total"]["total"] == "5.00" and [g["keys"]["account"]["name"] for g in seen["groups"]] == ["Mine"]
    expert = await staff("Expert", Role.SOLUTION_EXPERT)
    assert (await risk(AGING, {}, actor=actor_for(expert, Role.SOLUTION_EXPERT)))[
        "receivablesAging"
    ] is None  # no amounts permission


async def run_dunning(settings, every_pm, day):
    run = await JobRunner(every_pm, settings).run("risk.issue_dunning_notices", now=day)
    assert run.status == "succeeded", run.error
    return run


async def test_dunning_issues_each_notice_once_and_payment_stops_it(risk, settings, every_pm):
    from datetime import UTC, datetime, time

    customer = await account()
    late = await owing(customer, {0: "100.00"})
    [instalment] = await Instalment.filter(contract_id=late.id)

    def at(days_later):  # noon in the business time zone, days after the due day
        return datetime.combine(
            instalment.due_on + timedelta(days=days_later), time(12), tzinfo=settings.zone
        ).astimezone(UTC)

    async def notices():
        return [
            (n.stage.value, n.days_overdue)
            for n in await DunningNotice.filter(instalment_id=instalment.id).order_by("id")
        ]

    await run_dunning(settings, every_pm, at(29))
    assert await notices() == []
    await run_dunning(settings, every_pm, at(30))
    await run_dunning(settings, every_pm, at(30))  # twice the same day: nothing new
    assert await notices() == [("FIRST_NOTICE", 30)]
    await run_dunning(settings, every_pm, at(59))
    await run_dunning(settings, every_pm, at(60))
    await run_dunning(settings, every_pm, at(90))
    await run_dunning(settings, every_pm, at(91))
    await run_dunning(settings, every_pm, at(91))
    assert await notices() == [("FIRST_NOTICE", 30), ("SECOND_NOTICE", 60), ("FINAL_NOTICE", 90), ("LEGAL", 91)]
    events = [e.type for e in await OutboxEvent.filter(type__startswith="risk.").order_by("id")]
    assert events.count("risk.dunning_notice.issued") == 4 and events.count("risk.legal_case.opened") == 1

    paid_up = await owing(customer, {0: "50.00"})
    await run_dunning(settings, every_pm, at(30))
    await Instalment.filter(contract_id=paid_up.id).update(paid_amount=Decimal("50.00"))
    await run_dunning(settings, every_pm, at(60))
    stages = await DunningNotice.filter(contract_id=paid_up.id).values_list("stage", flat=True)
    assert [s.value if hasattr(s, "value") else s for s in stages] == ["FIRST_NOTICE"]  # paid: the sequence stops


async def test_notices_are_listed_with_their_stage_and_scope(risk, settings, every_pm, actor_for):
    from datetime import UTC, datetime

    manager = await staff("Li Wei")
    mine, theirs = await account("Mine", owner=manager), await account("Theirs")
    await owing(mine, {45: "10.00"})
    await owing(theirs, {75: "20.00"})
    await run_dunning(settings, every_pm, datetime.now(UTC))
    query = """{ dunningNotices(orderBy: [{field: DAYS_OVERDUE, direction: DESC}]) { totalCount
      edges { node { stage daysOverdue outstanding account { name } contract { number } } } } }"""
    everything = (await risk(query))["dunningNotices"]
    assert [
        (e["node"]["stage"], e["node"]["account"]["name"], e["node"]["outstanding"]) for e in everything["edges"]
    ] == [
        ("SECOND_NOTICE", "Theirs", "20.00"),
        ("FIRST_NOTICE", "Mine", "10.00"),
    ]  # 75 days: the catch-up sends the second only
    own = (await risk(query, actor=actor_for(manager, Role.ACCOUNT_MANAGER)))["dunningNotices"]
    assert own["totalCount"] == 1 and own["edges"][0]["node"]["account"]["name"] == "Mine"
