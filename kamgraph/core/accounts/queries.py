"""Root queries for accounts: lists, aggregates, tier reviews and the industry reference data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info
from tortoise.functions import Count

from kamgraph.api import Connection, OrderDirection, context, list_connection, load_one
from kamgraph.api.fields import list_field, node_field
from kamgraph.core.accounts.models import (
    Account,
    AccountSize,
    AccountStatus,
    Region,
    Tier,
    TierReview,
    TierReviewStatus,
)
from kamgraph.core.accounts.rules import (
    StaffingRatios,
    department_staffing_warnings,
    industry_sections,
)
from kamgraph.core.accounts.types import (
    AccountFilter,
    AccountGroup,
    AccountGroupBy,
    AccountGroupKeys,
    AccountOrder,
    AccountsAggregate,
    AccountType,
    Industry,
    IndustrySection,
    StaffingWarning,
    TierReviewOrder,
    TierReviewOrderField,
    TierReviewStatusEnum,
    TierReviewType,
)
from kamgraph.core.contracts.models import Contract
from kamgraph.core.contracts.rules import SIGNED_STATUSES
from kamgraph.core.people.models import Person, StaffRole
from kamgraph.core.people.types import PersonType

#: signed contract value of the account row ``t``: a correlated sub-select summed per group.
SIGNED_VALUE = (
    '(SELECT COALESCE(SUM(c."amount"), 0) FROM "contract" c WHERE c."account_id" = t."id" AND c."status" IN ('
    + ", ".join(f"'{s.value}'" for s in sorted(SIGNED_STATUSES))
    + "))"
)

_KEY_TYPES = {"tier": Tier, "region": Region, "status": AccountStatus, "size": AccountSize}
_KEY_NAMES = {"industry_section": "industry", "industry_code": "industry_division", "owner": "owner_id"}


def group_keys(keys: dict[str, object]) -> AccountGroupKeys:
    values = {}
    for column, value in keys.items():
        convert = _KEY_TYPES.get(column)
        values[_KEY_NAMES.get(column, column)] = convert(value) if convert and value is not None else value
    return AccountGroupKeys(**values)


@strawberry.type
class AccountQueries:
    account = node_field(Account, AccountType)
    accounts = list_field(
        Account,
        AccountType,
        AccountFilter,
        AccountOrder,
        "The accounts you may see. Archived ones only with includeArchived.",
    )

    @strawberry.field(description="Counts and signed value of the accounts you may see, grouped; computed in SQL.")
    async def accounts_aggregate(
        self, info: Info, filter: AccountFilter | None = None, group_by: list[AccountGroupBy] | None = None
    ) -> AccountsAggregate:
        rows = context(info).rows(Account).filter(filter).live()
        columns = list(dict.fromkeys(g.value for g in group_by or ()))
        sums = {"signed_value": SIGNED_VALUE} if context(info).may_total(Contract, "amount") else {}
        groups = await rows.aggregate(columns, sums)
        total = await rows.aggregate([], sums)
        return AccountsAggregate(
            count=total[0]["count"],
            signed_value=total[0]["sums"].get("signed_value"),
            groups=[
                AccountGroup(keys=group_keys(g["keys"]), count=g["count"], signed_value=g["sums"].get("signed_value"))
                for g in groups
            ]
            if columns
            else [],
        )

    @strawberry.field(description="Tier change proposals and decisions, newest first.")
    async def tier_reviews(
        self,
        info: Info,
        status: Annotated[
            TierReviewStatusEnum | None,
            strawberry.argument(description="Only reviews with this status (e.g. PENDING: those awaiting a decision)."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TierReviewType]:
        rows = context(info).rows(TierReview)
        if status is not None:
            rows = rows.where("status", TierReviewStatus(status.value))
        order = [TierReviewOrder(field=TierReviewOrderField.PROPOSED_AT, direction=OrderDirection.DESC)]
        return await list_connection(info, rows, order_by=order, first=first, after=after)

    @strawberry.field(
        description="Head counts, portfolio loads and departures from the staffing model (warnings only)."
    )
    async def staffing_report(self, info: Info) -> StaffingReport:
        return await staffing_report(info)

    @strawberry.field(description="GB/T 4754-2017 sections and divisions: the valid values of industryCode.")
    def industries(self) -> list[IndustrySection]:
        return [
            IndustrySection(
                code=s.code,
                name=s.name,
                name_en=s.name_en,
                divisions=[Industry.of(s.code + d.code) for d in s.divisions],
            )
            for s in industry_sections().values()
        ]


@strawberry.type(description="An account manager's portfolio by tier.")
class ManagerLoad:
    manager_id: strawberry.Private[int]
    strategic_accounts: int = strawberry.field(description="How many STRATEGIC accounts they own.")
    core_accounts: int = strawberry.field(
        description="How many CORE accounts they own (the model: at most 5 by default, see StaffingWarning "
        "MANAGER_OVERLOADED)."
    )
    potential_accounts: int = strawberry.field(description="How many POTENTIAL accounts they own.")

    @strawberry.field(description="The account manager (the accounts' owner); null if you may not read them.")
    async def manager(self, info: Info) -> PersonType | None:
        return await load_one(info, Person, self.manager_id)


@strawberry.type(description="The department against the staffing model of DOMAIN.md section 1.")
class StaffingReport:
    account_managers: int = strawberry.field(description="Staff (not archived) holding the ACCOUNT_MANAGER role.")
    solution_experts: int = strawberry.field(
        description="Staff holding the SOLUTION_EXPERT role (the model: 1 per 5 account managers by default)."
    )
    customer_success_managers: int = strawberry.field(description="Staff holding the CUSTOMER_SUCCESS_MANAGER role.")
    data_analysts: int = strawberry.field(
        description="Staff holding the DATA_ANALYST role (the model: 1 per 10 account managers by default)."
    )
    contract_specialists: int = strawberry.field(
        description="Staff holding the CONTRACT_SPECIALIST role (the model: 1 per 10 account managers by default)."
    )
    manager_loads: list[ManagerLoad] = strawberry.field(description="Accounts you may see, by owner and tier.")
    warnings: list[StaffingWarning] = strawberry.field(
        description="Departures from the department's ratios and from the core-account load per manager; "
        "advice only, nothing is refused."
    )


async def staffing_report(info: Info) -> StaffingReport:
    ctx = context(info)
    # Staff roles are not account-owned: every internal user may count colleagues. Archived staff have left.
    counted = (
        await StaffRole.filter(person__archived_at__isnull=True)
        .annotate(n=Count("id"))
        .group_by("role")
        .values("role", "n")
    )
    roles = {str(getattr(row["role"], "value", row["role"])): row["n"] for row in counted}
    groups = await ctx.rows(Account).live().where("owner", None, "<>").aggregate(["owner", "tier"])
    loads: dict[int, dict[str, int]] = {}
    for group in groups:
        loads.setdefault(group["keys"]["owner"], {})[group["keys"]["tier"]] = group["count"]
    managers = await ctx.rows(Person).get_many(loads)
    core_by_name = {
        managers[pid].name if pid in managers else str(pid): tiers.get(Tier.CORE.value, 0)
        for pid, tiers in loads.items()
    }
    s = ctx.settings
    ratios = StaffingRatios(
        s.max_core_accounts_per_manager,
        s.managers_per_data_analyst,
        s.managers_per_contract_specialist,
        s.managers_per_solution_expert,
    )
    warnings = department_staffing_warnings(roles, core_by_name, ratios)
    return StaffingReport(
        account_managers=roles.get("ACCOUNT_MANAGER", 0),
        solution_experts=roles.get("SOLUTION_EXPERT", 0),
        customer_success_managers=roles.get("CUSTOMER_SUCCESS_MANAGER", 0),
        data_analysts=roles.get("DATA_ANALYST", 0),
        contract_specialists=roles.get("CONTRACT_SPECIALIST", 0),
        manager_loads=[
            ManagerLoad(
                manager_id=pid,
                strategic_accounts=t.get("STRATEGIC", 0),
                core_accounts=t.get("CORE", 0),
                potential_accounts=t.get("POTENTIAL", 0),
            )
            for pid, t in sorted(loads.items())
        ],
        warnings=[StaffingWarning(code=w.code, message=w.message) for w in warnings],
    )


@strawberry.type(description="Business rule values in force in this deployment (DOMAIN.md: every number is a default).")
class BusinessRules:
    strategic_threshold: Decimal = strawberry.field(
        description="Trailing-12-month signed value above which an account is STRATEGIC (CNY)."
    )
    core_threshold: Decimal = strawberry.field(
        description="Trailing-12-month signed value from which an account is CORE (CNY)."
    )
    max_page_size: int = strawberry.field(
        description="The most items a page may hold (first or last); a larger request is refused with LIMIT_EXCEEDED."
    )
    default_page_size: int = strawberry.field(description="The items of a page when neither first nor last is given.")
    time_zone: str = strawberry.field(description="Time zone of business dates.")
    today: date = strawberry.field(description="Today in the business time zone.")
    holidays: list[date] = strawberry.field(description="Holidays that working-day timers skip.")


@strawberry.type
class RulesQueries:
    @strawberry.field(
        description="The business rule values in force: tier thresholds, page sizes, the time zone and holidays."
    )
    def business_rules(self, info: Info) -> BusinessRules:
        s = context(info).settings
        return BusinessRules(
            strategic_threshold=s.strategic_threshold,
            core_threshold=s.core_threshold,
            max_page_size=s.max_page_size,
            default_page_size=s.default_page_size,
            time_zone=s.time_zone,
            today=s.today(),
            holidays=sorted(s.calendar.holidays),
        )
