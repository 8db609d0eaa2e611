"""The benchmark compares like with like: on the same rows, kamgraph, the floor (driver alone) and the
naive baseline produce the same JSON for the same scenario. Times are for bench/, never for tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest
from factories import account, contact, contract, staff

from kamgraph.core.contracts.models import Payment

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))

import floor  # noqa: E402
from naive import naive_app  # noqa: E402
from run import EXPORT, LOOKUP, PORTFOLIO  # noqa: E402


@pytest.fixture
async def rows(gql):
    for n in range(3):
        owner = await staff(f"Manager {n}")
        customer = await account(f"Account {n}", owner=owner)
        await contact(customer, f"Contact {n}")
        for k in range(2):
            signed = await contract(customer, f"{(n + 1) * 1000 + k}.00")
            for day in range(4):
                await Payment.create(
                    contract=signed, amount=f"{10 + day}.50", paid_on=signed.start_on.replace(day=1 + day)
                )


async def naive(query: str, variables: dict | None = None) -> dict:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=naive_app()), base_url="http://bench") as client:
        return (await client.post("/graphql", json={"query": query, "variables": variables or {}})).json()


@pytest.mark.parametrize("scenario", ["portfolio", "export"])
async def test_kamgraph_floor_and_naive_return_the_same_document(gql, settings, rows, scenario):
    query, variables = (PORTFOLIO, {"first": 50}) if scenario == "portfolio" else (EXPORT.replace("1000", "50"), {})
    kamgraph = await gql(query, variables)
    driver = await floor.Driver(settings.database_url).open()
    try:
        floored = await (floor.portfolio(driver) if scenario == "portfolio" else floor.export(driver, first=50))
    finally:
        await driver.close()
    assert json.loads(floored)["data"] == kamgraph
    assert (await naive(query, variables))["data"] == kamgraph
    assert len(kamgraph["accounts"]["edges"]) == 3


async def test_the_point_lookup_floor_returns_the_same_document(gql, settings, rows):
    from kamgraph.core.accounts.models import Account

    customer = await Account.get(name="Account 1")
    kamgraph = await gql(LOOKUP, {"id": customer.node_id})
    driver = await floor.Driver(settings.database_url).open()
    try:
        floored = json.loads(await floor.lookup(driver, customer.id))["data"]
    finally:
        await driver.close()
    assert (
        floored == kamgraph and kamgraph["account"]["contracts"]["edges"] and kamgraph["account"]["contacts"]["edges"]
    )
