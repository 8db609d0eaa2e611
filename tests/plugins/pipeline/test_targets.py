"""Sales targets: set, split into parts that are checked for adding up, and attained from core data
(contracts signed, payments received, first contracts), against hand-computed figures."""

from datetime import date
from decimal import Decimal

import pytest
from factories import account, contract, staff

from kamgraph.core.contracts.models import ContractStatus, Payment
from kamgraph.plugins.pipeline.models import SalesTarget
from kamgraph.security.actors import Role

SET = """mutation($input: SetSalesTargetInput!) { setSalesTarget(input: $input) {
  target { id value actual deviation attainment } userErrors { field code message } } }"""


async def set_target(pipeline, **values):
    result = (await pipeline(SET, {"input": {"metric": "REVENUE", "year": 2026} | values}))["setSalesTarget"]
    assert result["userErrors"] == [], result["userErrors"]
    return result["target"]


@pytest.fixture
async def sales(pipeline):
    li, zhao = await staff("Li Wei"), await staff("Zhao Lei")
    east = await account("East", owner=li, region="EAST", industry_code="C39")
    south = await account("South", owner=zhao, region="SOUTH", industry_code="J66")
    await account("North", owner=li, region="NORTH")
    first = await contract(east, "1000000.00", ContractStatus.ACTIVE, signed_on=date(2026, 2, 10))
    await contract(east, "500000.00", ContractStatus.COMPLETED, signed_on=date(2026, 5, 5))
    big = await contract(south, "2000000.00", ContractStatus.ACTIVE, signed_on=date(2026, 4, 20))
    old = await contract(south, "300000.00", ContractStatus.ACTIVE, signed_on=date(2025, 12, 1))
    await Payment.create(contract=first, amount=Decimal("400000.00"), paid_on=date(2026, 3, 1))
    await Payment.create(contract=big, amount=Decimal("1000000.00"), paid_on=date(2026, 6, 30))
    await Payment.create(contract=old, amount=Decimal("100000.00"), paid_on=date(2025, 12, 20))
    return {"li": li, "zhao": zhao}


async def test_attainment_from_contracts_payments_and_first_contracts(pipeline, sales):
    year = await set_target(pipeline, value="5000000.00")
    assert (year["actual"], year["deviation"], year["attainment"]) == ("3500000.00", "-1500000.00", 0.7)
    q2 = await set_target(pipeline, value="2000000.00", quarter=2, parentId=year["id"])
    assert (q2["actual"], q2["deviation"]) == ("2500000.00", "500000.00")
    east = await set_target(pipeline, value="2000000.00", region="EAST", parentId=year["id"])
    assert east["actual"] == "1500000.00"
    li = await set_target(pipeline, value="1000000.00", personId=sales["li"].node_id)
    assert li["actual"] == "1500000.00"  # contracts of the accounts Li Wei owns
    collections = await set_target(pipeline, metric="COLLECTIONS", value="2000000.00")
    assert collections["actual"] == "1400000.00"  # payments of December 2025 are not 2026's
    new_accounts = await set_target(pipeline, metric="NEW_ACCOUNTS", value="3")
    assert (new_accounts["actual"], new_accounts["attainment"]) == ("1", 1 / 3)  # South signed first in 2025: not new
    q1_new = await set_target(pipeline, metric="NEW_ACCOUNTS", value="1", quarter=1, parentId=new_accounts["id"])
    assert q1_new["actual"] == "1"


async def test_parts_that_do_not_add_up_are_reported(pipeline, sales):
    year = await set_target(pipeline, value="5000000.00")
    for quarter, value in ((1, "1000000.00"), (2, "2000000.00"), (3, "1000000.00"), (4, "500000.00")):
        await set_target(pipeline, value=value, quarter=quarter, parentId=year["id"])
    for region, value in (("EAST", "2000000.00"), ("SOUTH", "3000000.00")):
        await set_target(pipeline, value=value, region=region, parentId=year["id"])
    checks = (
        await pipeline(
            "query($id: ID!) { node(id: $id) { ... on SalesTarget { parts { quarter region } "
            "splitChecks { axis total difference addsUp } } } }",
            {"id": year["id"]},
        )
    )["node"]
    assert len(checks["parts"]) == 6
    assert sorted((c["axis"], c["total"], c["difference"], c["addsUp"]) for c in checks["splitChecks"]) == [
        ("QUARTERS", "4500000.00", "-500000.00", False),
        ("REGIONS", "5000000.00", "0.00", True),
    ]
    again = await set_target(
        pipeline, value="1500000.00", quarter=4, parentId=year["id"]
    )  # the same key: its value changes
    assert again["value"] == "1500000.00" and await SalesTarget.filter(quarter=4).count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"quarter": 5}, ["input", "quarter"]),
        ({"region": "EAST", "industrySection": "C"}, ["input", "region"]),
        ({"value": "-1.00"}, ["input", "value"]),
        ({"metric": "NEW_ACCOUNTS", "value": "2.5"}, ["input", "value"]),
        ({"industrySection": "Z"}, ["input", "industrySection"]),
        ({"year": 1999}, ["input", "year"]),
    ],
)
async def test_bad_targets_are_refused_and_change_nothing(pipeline, changes, field):
    result = (await pipeline(SET, {"input": {"metric": "REVENUE", "year": 2026, "value": "100.00"} | changes}))[
        "setSalesTarget"
    ]
    assert field in [e["field"] for e in result["userErrors"]], result["userErrors"]
    assert await SalesTarget.all().count() == 0


async def test_a_part_must_divide_its_parent(pipeline, sales):
    quarter = await set_target(pipeline, value="100.00", quarter=1)
    result = (
        await pipeline(
            SET,
            {
                "input": {
                    "metric": "REVENUE",
                    "year": 2026,
                    "value": "50.00",
                    "region": "EAST",
                    "parentId": quarter["id"],
                }
            },
        )
    )["setSalesTarget"]
    assert result["userErrors"][0]["field"] == ["input", "parentId"] and await SalesTarget.all().count() == 1


async def test_people_see_their_own_targets_directors_all_and_statements_do_not_grow_with_the_page(
    pipeline, sales, actor_for, sql_counter
):
    await set_target(pipeline, value="5000000.00")
    await set_target(pipeline, value="1000000.00", personId=sales["li"].node_id)
    await set_target(pipeline, value="2000000.00", personId=sales["zhao"].node_id)
    query = (
        "{ salesTargets(filter: {year: {eq: 2026}}) { totalCount edges { node { value actual person { name } } } } }"
    )
    own = (await pipeline(query, actor=actor_for(sales["li"], Role.ACCOUNT_MANAGER)))["salesTargets"]
    assert [(e["node"]["person"]["name"], e["node"]["actual"]) for e in own["edges"]] == [("Li Wei", "1500000.00")]
    sql_counter.statements.clear()
    assert (await pipeline(query))["salesTargets"]["totalCount"] == 3
    few = len(sql_counter.statements)
    for n in range(6):
        await set_target(pipeline, value="10.00", personId=(await staff(f"Manager {n}")).node_id)
    sql_counter.statements.clear()
    assert (await pipeline(query))["salesTargets"]["totalCount"] == 9
    assert len(sql_counter.statements) == few  # one statement per metric, year and dimension, not per target


RATE = """mutation($id: ID!, $position: Int!, $potential: Decimal!, $fit: Int!) { rateTargetAccount(input: {accountId: $id,
  industryPosition: $position, purchasePotential: $potential, strategicFit: $fit}) { rating { purchasePotential } userErrors { field code } } }"""


async def test_the_quarterly_target_account_list_puts_big_potentials_first(pipeline, settings, every_pm, actor_for):
    from datetime import UTC, datetime

    from kamgraph.jobs import JobRunner
    from kamgraph.plugins.pipeline.models import TargetAccountEntry

    manager = await staff("Li Wei")
    strong = await account("Strong but small buyer", size="ENTERPRISE", owner=manager)
    big = await account("Big buyer", size="MEDIUM")
    middling = await account("Middling", size="LARGE")
    for customer, position, potential, fit in (
        (strong, 5, "900000.00", 5),
        (big, 2, "1500000.00", 2),
        (middling, 3, "1000000.00", 3),
    ):
        result = (
            await pipeline(RATE, {"id": customer.node_id, "position": position, "potential": potential, "fit": fit})
        )["rateTargetAccount"]
        assert result["userErrors"] == []
    bad = (await pipeline(RATE, {"id": big.node_id, "position": 6, "potential": "-1", "fit": 0}))["rateTargetAccount"][
        "userErrors"
    ]
    assert {tuple(e["field"]) for e in bad} == {
        ("input", "industryPosition"),
        ("input", "purchasePotential"),
        ("input", "strategicFit"),
    }
    january = datetime(2027, 1, 1, 4, tzinfo=settings.zone).astimezone(UTC)
    for _ in range(2):
        run = await JobRunner(every_pm, settings).run("pipeline.refresh_target_accounts", now=january)
        assert run.status == "succeeded", run.error
    assert await TargetAccountEntry.filter(quarter="2027-Q1").count() == 3  # once, though the job ran twice
    listed = (await pipeline("{ targetAccounts { edges { node { quarter rank score priority account { name } } } } }"))[
        "targetAccounts"
    ]
    assert [
        (e["node"]["rank"], e["node"]["account"]["name"], e["node"]["score"], e["node"]["priority"])
        for e in listed["edges"]
    ] == [(1, "Big buyer", "50.3", True), (2, "Strong but small buyer", "90.8", False), (3, "Middling", "66.3", False)]
    own = await pipeline(
        "{ targetAccounts { edges { node { account { name } } } } }", actor=actor_for(manager, Role.ACCOUNT_MANAGER)
    )
    assert [e["node"]["account"]["name"] for e in own["targetAccounts"]["edges"]] == ["Strong but small buyer"]
