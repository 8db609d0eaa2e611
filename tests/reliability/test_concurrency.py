"""Optimistic concurrency under real concurrency: of writers that read the same version, exactly one wins."""

import asyncio

from factories import account, contract

from kamgraph.core.contracts.models import Contract, ContractStatus
from kamgraph.ids import to_global_id
from kamgraph.security.models import AuditRecord

UPDATE = "mutation($id: ID!, $t: String!) { updateContract(input: {id: $id, expectedVersion: 1, title: $t}) { contract { version } userErrors { code } } }"


async def test_fifty_concurrent_updates_from_one_version_one_succeeds(gql):
    deal = await contract(await account(), status=ContractStatus.DRAFT)
    gid = to_global_id("Contract", deal.id)
    results = await asyncio.gather(*(gql(UPDATE, {"id": gid, "t": f"title {n}"}) for n in range(50)))
    outcomes = [r["updateContract"] for r in results]
    winners = [o for o in outcomes if not o["userErrors"]]
    assert len(winners) == 1 and winners[0]["contract"]["version"] == 2
    assert all(o["userErrors"] == [{"code": "CONFLICT"}] for o in outcomes if o["userErrors"])
    saved = await Contract.get(id=deal.id)
    assert saved.version == 2 and saved.title.startswith("title ")
    assert await AuditRecord.filter(action="update", subject_type="Contract").count() == 1  # losers left no trace
