"""GraphQL types of accounts: ``Account``, its team, tier reviews, filter, order and aggregate groups."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from kamgraph.api import (
    Connection,
    Node,
    OrderDirection,
    child_connection,
    context,
    load_one,
)
from kamgraph.api.connections import order_input
from kamgraph.api.declare import register_filter
from kamgraph.api.fields import (
    child_list_field,
    children_field,
    computed_field,
    sensitive_field,
    to_one_field,
)
from kamgraph.api.filters import (
    DateTimeFilter,
    IDFilter,
    StringFilter,
    enum_filter,
    id_resolver,
)
from kamgraph.api.nodes import load_children, node_type_of
from kamgraph.core.accounts.models import (
    Account,
    AccountSize,
    AccountStatus,
    AccountTeamMember,
    Region,
    TeamRole,
    Tier,
    TierReview,
    TierReviewStatus,
)
from kamgraph.core.accounts.rules import account_staffing_warnings, industry_sections
from kamgraph.core.contracts.models import Contract
from kamgraph.core.people.models import Person
from kamgraph.core.people.types import PersonFilter, PersonOrder, PersonType
from kamgraph.health import SignalContext

if TYPE_CHECKING:
    from kamgraph.core.contracts.types import (  # noqa: F401
        ContractFilter,
        ContractOrder,
        ContractType,
    )

TierEnum = strawberry.enum(
    Tier, name="Tier", description="STRATEGIC above 10M CNY a year, CORE from 1M, else POTENTIAL."
)
AccountStatusEnum = strawberry.enum(AccountStatus, name="AccountStatus")
RegionEnum = strawberry.enum(Region, name="Region")
AccountSizeEnum = strawberry.enum(
    AccountSize, name="AccountSize", description="Head count: <100, <1,000, <10,000, more."
)
TeamRoleEnum = strawberry.enum(TeamRole, name="TeamRole")
TierReviewStatusEnum = strawberry.enum(TierReviewStatus, name="TierReviewStatus")

AccountRef = Annotated["AccountType", strawberry.lazy("kamgraph.core.accounts.types")]
AccountFilterRef = Annotated["AccountFilter", strawberry.lazy("kamgraph.core.accounts.types")]
ContractRef = Annotated["ContractType", strawberry.lazy("kamgraph.core.contracts.types")]
ContractFilterRef = Annotated["ContractFilter", strawberry.lazy("kamgraph.core.contracts.types")]
ContractOrderRef = Annotated["ContractOrder", strawberry.lazy("kamgraph.core.contracts.types")]


@strawberry.type(description="A GB/T 4754-2017 industry: section and division.")
class Industry:
    code: str = strawberry.field(description='Section letter and division, e.g. "C39".')
    section: str
    section_name: str
    section_name_en: str
    division: str
    division_name: str

    @classmethod
    def of(cls, code: str) -> Industry:
        section = industry_sections()[code[0]]
        division = next(d for d in section.divisions if d.code == code[1:])
        return cls(
            code=code,
            section=section.code,
            section_name=section.name,
            section_name_en=section.name_en,
            division=division.code,
            division_name=division.name,
        )


@strawberry.type(description="A GB/T 4754-2017 section with its divisions (reference data).")
class IndustrySection:
    code: str
    name: str
    name_en: str
    divisions: list[Industry]


TierFilter = enum_filter(TierEnum)
AccountStatusFilter = enum_filter(AccountStatusEnum)
RegionFilter = enum_filter(RegionEnum)
AccountSizeFilter = enum_filter(AccountSizeEnum)


@strawberry.input(description="Conditions on accounts; relation filters (owner, parent, contracts) nest.")
class AccountFilter:
    id: IDFilter | None = None
    name: StringFilter | None = None
    credit_code: StringFilter | None = None
    industry_section: StringFilter | None = strawberry.field(
        default=None, name="industry", description="GB/T 4754 section letter."
    )
    industry_code: StringFilter | None = strawberry.field(
        default=None, name="industryCode", description="Section and division, e.g. C39."
    )
    region: RegionFilter | None = None
    size: AccountSizeFilter | None = None
    status: AccountStatusFilter | None = None
    tier: TierFilter | None = None
    external_id: StringFilter | None = None
    owner: PersonFilter | None = None
    parent: AccountFilter | None = None
    contracts: ContractFilterRef | None = strawberry.field(
        default=None, description="Accounts with at least one matching contract."
    )
    contacts: PersonFilter | None = strawberry.field(
        default=None, description="Accounts with at least one matching contact."
    )
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    and_: list[AccountFilter] | None = strawberry.field(default=None, name="and")
    or_: list[AccountFilter] | None = strawberry.field(default=None, name="or")
    not_: AccountFilter | None = strawberry.field(default=None, name="not")

    resolve_id = id_resolver("Account")


register_filter(Account, AccountFilter)  # relation filters of declared node types nest into it


@strawberry.enum
class AccountOrderField(Enum):
    NAME = "name"
    TIER = "tier"
    REGION = "region"
    STATUS = "status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


AccountOrder = order_input("AccountOrder", AccountOrderField)


@strawberry.type(description="A departure from the staffing model of DOMAIN.md section 1; advice, not an error.")
class StaffingWarning:
    code: str
    message: str


@strawberry.type(name="HealthSignal", description="One plugin's reading of an account's health.")
class HealthSignalReading:
    name: str = strawberry.field(description="<plugin>.<what>, e.g. risk.payment_behaviour.")
    description: str
    score: int = strawberry.field(description="0 (alarming) to 100 (healthy).")
    detail: str


@strawberry.type(description="A member of an account's team and their role on it.")
class TeamMember:
    role: TeamRoleEnum
    created_at: datetime = strawberry.field(name="since")
    person = to_one_field(Person, "person_id", PersonType)


@strawberry.type(name="TierReview", description="A tier change proposed by re-evaluation, and its decision.")
class TierReviewType(Node):
    is_type_of = node_type_of(TierReview)

    current_tier: TierEnum
    proposed_tier: TierEnum
    trailing_value = sensitive_field(
        "trailing_value",
        Decimal,
        "Signed contract value of the trailing 12 months (CNY). Sensitive: null without contracts.amounts.read; "
        "every read is audited.",
    )
    status: TierReviewStatusEnum
    proposed_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None

    @strawberry.field
    async def account(self, info: Info) -> AccountType | None:
        return await load_one(info, Account, self.account_id)


@strawberry.type(name="Account", description="A customer company.")
class AccountType(Node):
    is_type_of = node_type_of(Account)

    name: str
    credit_code: str = strawberry.field(description="Unified social credit code (GB 32100-2015).")
    industry_code: str = strawberry.field(description="GB/T 4754-2017 section and division, e.g. C39.")
    region: RegionEnum
    size: AccountSizeEnum
    status: AccountStatusEnum
    tier: TierEnum
    version: int
    external_id: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    industry = computed_field(lambda account: Industry.of(account.industry_code), Industry, ("industry_code",))
    owner = to_one_field(Person, "owner_id", PersonType, "The account manager responsible for the account.")

    parent = to_one_field(Account, "parent_id", AccountRef, "The group this account belongs to.")

    team = children_field(
        AccountTeamMember, "account", TeamMember, ("id",), "Owner and members, with their roles on the account."
    )

    subsidiaries = child_list_field(
        Account, "parent", AccountRef, AccountFilterRef, AccountOrder, "Accounts of this group."
    )
    contacts = child_list_field(Person, "account", PersonType, PersonFilter, PersonOrder, "Contacts at this customer.")
    contracts = child_list_field(
        Contract, "account", ContractRef, ContractFilterRef, ContractOrderRef, "Contracts with this customer."
    )

    @strawberry.field(description="Where the account's team departs from the staffing model for its tier.")
    async def staffing_warnings(self, info: Info) -> list[StaffingWarning]:
        team = await load_children(info, AccountTeamMember, "account", self.id)
        found = account_staffing_warnings(self.tier, {member.role.value for member in team})
        return [StaffingWarning(code=w.code, message=w.message) for w in found]

    @strawberry.field(
        description="Each enabled plugin's reading of the account's health, 0 (alarming) to 100 (healthy): "
        "what the health score is made of. Empty when no plugin contributes."
    )
    async def health_signals(self, info: Info) -> list[HealthSignalReading]:
        ctx = context(info)
        readings = []
        for signal in ctx.health_signals:

            async def compute(ids, signal=signal):
                found = await signal.compute(
                    SignalContext(ctx.rows, ctx.settings.today(), ctx.settings, ctx.actor), ids
                )
                return [found.get(i) for i in ids]

            value = await ctx.loader(("health", signal.name), compute).load(self.id)
            if value is not None:
                readings.append(
                    HealthSignalReading(
                        name=signal.name, description=signal.description, score=value.score, detail=value.detail
                    )
                )
        return readings

    @strawberry.field(description="Tier reviews of this account, newest first.")
    async def tier_reviews(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TierReviewType]:
        order = [TierReviewOrder(field=TierReviewOrderField.PROPOSED_AT, direction=OrderDirection.DESC)]
        return await child_connection(info, TierReview, "account", self.id, order_by=order, first=first, after=after)


@strawberry.enum
class TierReviewOrderField(Enum):
    PROPOSED_AT = "proposed_at"


TierReviewOrder = order_input("TierReviewOrder", TierReviewOrderField)


@strawberry.enum(description="What accountsAggregate groups by.")
class AccountGroupBy(Enum):
    TIER = "tier"
    REGION = "region"
    INDUSTRY = "industry_section"
    INDUSTRY_DIVISION = "industry_code"
    STATUS = "status"
    SIZE = "size"
    OWNER = "owner"


@strawberry.type(description="Group keys that name an account or its owner; the aggregates' key types extend it.")
class AccountKeys:
    account_id: strawberry.Private[int | None] = None
    owner_id: strawberry.Private[int | None] = None

    @strawberry.field(description="The account grouped by; null when not grouped by account.")
    async def account(self, info: Info) -> AccountType | None:
        return await load_one(info, Account, self.account_id)

    @strawberry.field(description="The owner grouped by; null when not grouped by owner.")
    async def owner(self, info: Info) -> PersonType | None:
        return await load_one(info, Person, self.owner_id)

    @classmethod
    def of(cls, keys: Mapping[str, object], names: Mapping[str, tuple[str, Callable[[Any], Any] | None]]) -> Any:
        """Keys of an aggregate group (``{"account.tier": "CORE"}``) as this type: ``names`` maps each path to the
        attribute it fills and how its database value converts (None: as it is)."""
        values = {}
        for path, value in keys.items():
            name, convert = names[path]
            values[name] = convert(value) if convert and value is not None else value
        return cls(**values)


@strawberry.type(description="The group's value for each groupBy key; keys not grouped by are null.")
class AccountGroupKeys:
    tier: TierEnum | None = None
    region: RegionEnum | None = None
    industry: str | None = None
    industry_division: str | None = None
    status: AccountStatusEnum | None = None
    size: AccountSizeEnum | None = None
    owner_id: strawberry.Private[int | None] = None

    @strawberry.field
    async def owner(self, info: Info) -> PersonType | None:
        return await load_one(info, Person, self.owner_id)


@strawberry.type
class AccountGroup:
    keys: AccountGroupKeys
    count: int
    signed_value: Decimal | None = strawberry.field(
        description="Total amount of the group's signed contracts (signed, active, completed, expired, terminated), CNY. "
        "Sensitive: null without contracts.amounts.read; every read is audited."
    )


@strawberry.type
class AccountsAggregate:
    count: int
    signed_value: Decimal | None
    groups: list[AccountGroup]
