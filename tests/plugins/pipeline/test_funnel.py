"""The funnel, the weighted forecast and the totals against hand-computed figures on a small fixed data set,
and each in the caller's scope (the aggregates read through the scoped accessor)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from factories import account, staff

from kamgraph.plugins.pipeline.models import Opportunity, StageChange
from kamgraph.security.actors import Role

PROBABILITY = {"FIRST_CONTACT": "0.3", "PROPOSAL_SUBMITTED": "0.5", "NEGOTIATION": "0.7", "WON": "1", "LOST": "0"}


def noon(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


async def opportunity(customer, path: list[tuple[str, datetime]], amount: str, close: date) -> Opportunity:
    stage, entered = path[-1]
    made = await Opportunity.create(
        account=customer,
        owner_id=customer.owner_id,
        title="Deal",
        amount=Decimal(amount),
        expected_close_on=close,
        stage=stage,
        probability=Decimal(PROBABILITY[stage]),
        stage_entered_at=entered,
        first_contact_at=path[0][1],
        follow_up_due_at=path[0][1],
        closed_at=entered if stage in ("WON", "LOST") else None,
    )
    for n, (to_stage, at) in enumerate(path):
        await StageChange.create(
            opportunity=made,
            from_stage=path[n - 1][0] if n else None,
            to_stage=to_stage,
            entered_at=at,
            left_at=path[n + 1][1] if n + 1 < len(path) else None,
            changed_by="test",
        )
    return made


@pytest.fixture
async def book(pipeline):
    li, zhao = await staff("Li Wei"), await staff("Zhao Lei")
    east, south = await account("East", owner=li, region="EAST"), await account("South", owner=zhao, region="SOUTH")
    await opportunity(
        east,
        [
            ("FIRST_CONTACT", noon(10, 1)),
            ("PROPOSAL_SUBMITTED", noon(10, 5)),
            ("NEGOTIATION", noon(10, 15)),
            ("WON", noon(10, 25)),
        ],
        "3000000.00",
        date(2026, 11, 15),
    )
    await opportunity(
        east,
        [("FIRST_CONTACT", noon(10, 3)), ("PROPOSAL_SUBMITTED", noon(10, 13)), ("LOST", noon(10, 20))],
        "800000.00",
        date(2026, 12, 1),
    )
    await opportunity(south, [("FIRST_CONTACT", noon(10, 10)), ("LOST", noon(10, 12))], "400000.00", date(2026, 12, 1))
    await opportunity(south, [("FIRST_CONTACT", noon(10, 20))], "1000000.00", date(2026, 12, 10))
    await opportunity(
        east, [("FIRST_CONTACT", noon(9, 15)), ("PROPOSAL_SUBMITTED", noon(10, 2))], "500000.00", date(2026, 11, 30)
    )
    await opportunity(
        south,
        [("FIRST_CONTACT", noon(9, 1)), ("PROPOSAL_SUBMITTED", noon(9, 10)), ("NEGOTIATION", noon(9, 20))],
        "2000000.00",
        date(2027, 1, 20),
    )
    return {"li": li, "zhao": zhao}


FUNNEL = """{ funnel(from: "2026-10-01", to: "2026-10-31", groupBy: [REGION]) { startsOn endsOn lost
  stages { stage reached conversionToNext averageDays } groups { keys { region } lost stages { stage reached } } } }"""


async def test_the_funnel_of_a_period(pipeline, book):
    funnel = (await pipeline(FUNNEL))["funnel"]
    assert [(s["stage"], s["reached"], s["conversionToNext"], s["averageDays"]) for s in funnel["stages"]] == [
        ("FIRST_CONTACT", 4, 0.5, 5.33),
        ("PROPOSAL_SUBMITTED", 2, 0.5, 8.5),
        ("NEGOTIATION", 1, 1.0, 10.0),
        ("WON", 1, None, None),
    ]
    assert funnel["lost"] == 2  # the opportunities first contacted in September are not in October's cohort
    by_region = {g["keys"]["region"]: ([s["reached"] for s in g["stages"]], g["lost"]) for g in funnel["groups"]}
    assert by_region == {"EAST": ([2, 2, 1, 1], 1), "SOUTH": ([2, 0, 0, 0], 1)}


async def test_a_skipped_stage_counts_as_reached(pipeline, book):
    """With skips allowed, an opportunity that went from first contact straight to negotiation passed the
    proposal stage too (issue 13: a funnel that no longer counted it survived the mutation run)."""
    skipper = await account("Skipper", owner=book["li"], region="EAST")
    await opportunity(
        skipper, [("FIRST_CONTACT", noon(10, 4)), ("NEGOTIATION", noon(10, 9))], "100000.00", date(2026, 12, 20)
    )
    stages = {s["stage"]: s["reached"] for s in (await pipeline(FUNNEL))["funnel"]["stages"]}
    assert stages == {"FIRST_CONTACT": 5, "PROPOSAL_SUBMITTED": 3, "NEGOTIATION": 2, "WON": 1}


async def test_the_weighted_forecast_by_month_and_quarter(pipeline, book):
    forecast = (
        await pipeline(
            '{ pipelineForecast(from: "2026-11-01", months: 3) { months { period count amount weighted } '
            "quarters { period count amount weighted } } }"
        )
    )["pipelineForecast"]
    assert forecast["months"] == [
        {
            "period": "2026-11",
            "count": 1,
            "amount": "500000.00",
            "weighted": "250000.00",
        },  # the won deal closing in November is not open
        {
            "period": "2026-12",
            "count": 1,
            "amount": "1000000.00",
            "weighted": "300000.00",
        },  # the lost ones are not either
        {"period": "2027-01", "count": 1, "amount": "2000000.00", "weighted": "1400000.00"},
    ]
    assert forecast["quarters"] == [
        {"period": "2026-Q4", "count": 2, "amount": "1500000.00", "weighted": "550000.00"},
        {"period": "2027-Q1", "count": 1, "amount": "2000000.00", "weighted": "1400000.00"},
    ]


async def test_totals_by_stage(pipeline, book):
    totals = await pipeline(
        "{ opportunitiesAggregate(groupBy: [STAGE]) { count amount weighted groups { keys { stage } count amount weighted } } }"
    )
    aggregate = totals["opportunitiesAggregate"]
    assert (aggregate["count"], aggregate["amount"], aggregate["weighted"]) == (6, "7700000.00", "4950000.00")
    assert {g["keys"]["stage"]: (g["count"], g["amount"], g["weighted"]) for g in aggregate["groups"]} == {
        "WON": (1, "3000000.00", "3000000.00"),
        "LOST": (2, "1200000.00", "0.00"),
        "FIRST_CONTACT": (1, "1000000.00", "300000.00"),
        "PROPOSAL_SUBMITTED": (1, "500000.00", "250000.00"),
        "NEGOTIATION": (1, "2000000.00", "1400000.00"),
    }


async def test_an_account_manager_sees_only_their_scope_in_every_figure(pipeline, book, actor_for):
    as_li = actor_for(book["li"], Role.ACCOUNT_MANAGER)
    funnel = (await pipeline(FUNNEL, actor=as_li))["funnel"]
    assert [s["reached"] for s in funnel["stages"]] == [2, 2, 1, 1] and [
        g["keys"]["region"] for g in funnel["groups"]
    ] == ["EAST"]
    forecast = (
        await pipeline('{ pipelineForecast(from: "2026-11-01", months: 3) { months { weighted } } }', actor=as_li)
    )["pipelineForecast"]
    assert [m["weighted"] for m in forecast["months"]] == ["250000.00", "0.00", "0.00"]
    assert (await pipeline("{ opportunitiesAggregate { count } }", actor=as_li))["opportunitiesAggregate"]["count"] == 3


async def test_bad_periods_are_refused(pipeline):
    body = await pipeline('{ funnel(from: "2026-10-31", to: "2026-10-01") { lost } }', errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    body = await pipeline("{ pipelineForecast(months: 99) { months { period } } }", errors=True)
    assert "1 to 36 months" in body["errors"][0]["message"]


async def test_the_weekly_snapshot_is_kept_once_and_compared_by_week(pipeline, book, settings, every_pm, actor_for):
    from kamgraph.jobs import JobRunner
    from kamgraph.plugins.pipeline.models import FunnelSnapshot

    monday = datetime(2026, 11, 2, 3, tzinfo=settings.zone)  # its cohort: first contacts from 3 August to 1 November
    for _ in range(2):
        run = await JobRunner(every_pm, settings).run("pipeline.snapshot_funnel", now=monday.astimezone(UTC))
        assert run.status == "succeeded", run.error
    assert await FunnelSnapshot.filter(region=None).count() == 4  # once, though the job ran twice
    weeks = await pipeline(
        "{ funnelSnapshots { weekStart lost stages { stage reached conversionToNext } } "
        "east: funnelSnapshots(region: EAST) { stages { reached } } }"
    )
    [week] = weeks["funnelSnapshots"]
    assert week["weekStart"] == "2026-11-02" and week["lost"] == 2
    assert [(s["stage"], s["reached"], s["conversionToNext"]) for s in week["stages"]] == [
        ("FIRST_CONTACT", 6, 4 / 6),
        ("PROPOSAL_SUBMITTED", 4, 0.5),
        ("NEGOTIATION", 2, 0.5),
        ("WON", 1, None),
    ]
    assert [s["reached"] for s in weeks["east"][0]["stages"]] == [3, 3, 1, 1]
    assert (await pipeline("{ funnelSnapshots { weekStart } }", actor=actor_for(book["li"], Role.ACCOUNT_MANAGER)))[
        "funnelSnapshots"
    ] == []
