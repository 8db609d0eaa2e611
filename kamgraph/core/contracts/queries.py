"""Root queries for contracts: ``contract(id:)``, ``contracts(...)`` and ``contractsAggregate``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from kamgraph.api import context
from kamgraph.api.fields import list_field, node_field
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


@strawberry.type
class ContractQueries:
    contract = node_field(Contract, ContractType)
    contracts = list_field(
        Contract,
        ContractType,
        ContractFilter,
        ContractOrder,
        "The contracts of the accounts you may see. Archived ones only with includeArchived.",
    )

    @strawberry.field(
        description="Counts and exact amount totals of the contracts you may see, grouped; computed in SQL."
    )
    async def contracts_aggregate(
        self, info: Info, filter: ContractFilter | None = None, group_by: list[ContractGroupBy] | None = None
    ) -> ContractsAggregate:
        rows = context(info).rows(Contract).filter(filter).live()
        columns = list(dict.fromkeys(g.value for g in group_by or ()))
        sums = {"amount": 't."amount"'} if context(info).may_total(Contract, "amount") else {}
        total = (await rows.aggregate([], sums))[0]
        groups = await rows.aggregate(columns, sums) if columns else []
        return ContractsAggregate(
            count=total["count"],
            amount=total["sums"].get("amount"),
            groups=[
                ContractGroup(
                    keys=ContractGroupKeys.of(g["keys"], _KEYS), count=g["count"], amount=g["sums"].get("amount")
                )
                for g in groups
            ],
        )
