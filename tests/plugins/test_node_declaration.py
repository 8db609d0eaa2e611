"""A node type declared once (kamgraph.api.declare.NodeType), seen through risk's early warnings: the lookup,
the root list and the child list with their generated filter and order, each through the caller's scope."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import account, staff

from kamgraph.plugins.risk.models import RiskWarning
from kamgraph.plugins.risk.rules import WarningKind, WarningLevel
from kamgraph.security.actors import Role


@pytest.fixture
async def warnings(risk):
    li, zhao = await staff("Li Wei"), await staff("Zhao Lei")
    east = await account("East Co", owner=li, region="EAST")
    south = await account("South Co", owner=zhao, region="SOUTH")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    made = {}
    for n, (customer, level) in enumerate(
        [(east, WarningLevel.LOW), (east, WarningLevel.HIGH), (south, WarningLevel.MEDIUM)]
    ):
        row = await RiskWarning.create(
            account=customer, kind=WarningKind.OVERDUE_PAYMENT, cause=f"c{n}", level=level, reason="late"
        )
        await RiskWarning.filter(id=row.id).update(raised_at=start + timedelta(days=n))
        made[(customer.name, level)] = row
    return {"li": li, "east": east, "south": south, "rows": made}


async def test_the_list_filters_on_fields_relations_and_combinations(risk, warnings):
    data = await risk(
        """{ riskWarnings(filter: {or: [{level: {eq: HIGH}}, {account: {region: {eq: SOUTH}}}]}) {
               totalCount edges { node { level account { name } } } }
             none: riskWarnings(filter: {not: {level: {in: [LOW, MEDIUM, HIGH]}}}) { totalCount } }"""
    )
    nodes = [e["node"] for e in data["riskWarnings"]["edges"]]
    assert nodes == [  # newest first: the declared default order
        {"level": "MEDIUM", "account": {"name": "South Co"}},
        {"level": "HIGH", "account": {"name": "East Co"}},
    ]
    assert data["none"]["totalCount"] == 0


async def test_the_child_list_and_the_lookup_are_declared_with_it(risk, warnings):
    first = warnings["rows"][("East Co", WarningLevel.LOW)]
    data = await risk(
        """query($account: ID!, $warning: ID!) {
             account(id: $account) { riskWarnings(orderBy: [{field: LEVEL}]) { edges { node { level } } } }
             riskWarning(id: $warning) { level }
             byId: riskWarnings(filter: {id: {eq: $warning}}) { totalCount } }""",
        {"account": warnings["east"].node_id, "warning": first.node_id},
    )
    assert [e["node"]["level"] for e in data["account"]["riskWarnings"]["edges"]] == ["HIGH", "LOW"]
    assert data["riskWarning"] == {"level": "LOW"} and data["byId"]["totalCount"] == 1


async def test_every_declared_path_keeps_to_the_callers_scope(risk, warnings, actor_for):
    li = actor_for(warnings["li"], Role.ACCOUNT_MANAGER)
    south = warnings["rows"][("South Co", WarningLevel.MEDIUM)]
    data = await risk(
        """query($warning: ID!, $account: ID!) {
             riskWarnings { totalCount }
             riskWarning(id: $warning) { level }
             node(id: $warning) { id }
             account(id: $account) { riskWarnings { totalCount } } }""",
        {"warning": south.node_id, "account": warnings["south"].node_id},
        actor=li,
    )
    assert data == {"riskWarnings": {"totalCount": 2}, "riskWarning": None, "node": None, "account": None}
