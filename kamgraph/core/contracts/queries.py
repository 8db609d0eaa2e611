"""Root queries for contracts: ``contract(id:)``, ``contracts(...)`` and ``contractsAggregate``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from kamgraph.api import Connection, context, list_connection
from kamgraph.api.nodes import resolve_global_ids
from kamgraph.core.accounts.models import AccountStatus, Region, Tier
from kamgraph.core.contracts.models import Contract, ContractStatus, Edition
from kamgraph.core.contracts.types import (
    ContractFilter,
    ContractGroup,
    ContractGroupBy,
    ContractGroupKeys,
    ContractOrder,
    ContractsAggregate,
    ContractType,
)

_KEYS = {
    "status": ("status", ContractStatus),
    "edition": ("edition", Edition),
    "currency": ("currency", None),
    "account.tier": ("tier", Tier),
    "account.region": ("region", Region),
    "account.industry_section": ("industry", None),
    "account.status": ("account_status", AccountStatus),
    "account.owner": ("owner_id", None),
    "account": ("account_id", None),
}


def group_keys(keys: dict[str, object]) -> ContractGroupKeys:
    values = {}
    for path, value in keys.items():
        name, convert = _KEYS[path]
        values[name] = convert(value) if convert and value is not None else value
    return ContractGroupKeys(**values)


@strawberry.type
class ContractQueries:
    @strawberry.field(description="One contract by id; null when absent or outside your scope.")
    async def contract(self, info: Info, id: strawberry.ID) -> ContractType | None:
        found = (await resolve_global_ids(info, [id]))[0]
        return found if isinstance(found, Contract) else None

    @strawberry.field(description="The contracts of the accounts you may see. Archived ones only with includeArchived.")
    async def contracts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ContractFilter | None = None,
        order_by: list[ContractOrder] | None = None,
        include_archived: bool = False,
    ) -> Connection[ContractType]:
        rows = context(info).rows(Contract).filter(filter)
        return await list_connection(
            info, rows if include_archived else rows.live(),
            order_by=order_by, first=first, after=after, last=last, before=before,
        )

    @strawberry.field(description="Counts and exact amount totals of the contracts you may see, grouped; computed in SQL.")
    async def contracts_aggregate(
        self, info: Info, filter: ContractFilter | None = None, group_by: list[ContractGroupBy] | None = None
    ) -> ContractsAggregate:
        rows = context(info).rows(Contract).filter(filter).live()
        columns = list(dict.fromkeys(g.value for g in group_by or ()))
        sums = {"amount": 't."amount"'}
        total = (await rows.aggregate([], sums))[0]
        groups = await rows.aggregate(columns, sums) if columns else []
        return ContractsAggregate(
            count=total["count"],
            amount=total["sums"]["amount"],
            groups=[ContractGroup(keys=group_keys(g["keys"]), count=g["count"], amount=g["sums"]["amount"]) for g in groups],
        )
