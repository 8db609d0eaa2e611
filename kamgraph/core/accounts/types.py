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
    described_enum,
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

TierEnum = described_enum(
    Tier,
    "An account's tier, from the signed contract value of its trailing 12 months (CNY). Re-evaluation proposes "
    "changes (tierReviews) and a director confirms them; the thresholds in force are in businessRules.",
    {
        "STRATEGIC": "Trailing-12-month signed value above the strategic threshold (10,000,000 CNY by default).",
        "CORE": "Trailing-12-month signed value at or above the core threshold (1,000,000 CNY by default), "
        "and not above the strategic threshold.",
        "POTENTIAL": "Trailing-12-month signed value below the core threshold, or none yet (a prospect); "
        "the tier of a new account.",
    },
    name="Tier",
)
AccountStatusEnum = described_enum(
    AccountStatus,
    "Where an account is in its lifecycle, as set with createAccount and updateAccount.",
    {
        "PROSPECT": "A possible customer that is not buying yet; the status of a new account unless another is given.",
        "ACTIVE": "A customer in an ongoing business relationship.",
        "AT_RISK": "A customer showing signs of churn (late payment, falling purchases, a key contact leaving...).",
        "EXITING": "A customer that is leaving: data migration, settlement and handover are under way.",
        "EXITED": "A former customer whose exit is complete.",
    },
    name="AccountStatus",
)
RegionEnum = described_enum(
    Region,
    "The sales region of an account (regional directors see the accounts of their region).",
    {
        "NORTH": "North China (华北), e.g. Beijing, Tianjin.",
        "NORTHEAST": "Northeast China (东北), e.g. Shenyang.",
        "EAST": "East China (华东), e.g. Shanghai, Hangzhou, Nanjing, Suzhou.",
        "CENTRAL": "Central China (华中), e.g. Wuhan, Changsha.",
        "SOUTH": "South China (华南), e.g. Guangzhou, Shenzhen.",
        "SOUTHWEST": "Southwest China (西南), e.g. Chengdu, Chongqing.",
        "NORTHWEST": "Northwest China (西北), e.g. Xi'an.",
    },
    name="Region",
)
AccountSizeEnum = described_enum(
    AccountSize,
    "The customer company's size by head count.",
    {
        "SMALL": "Fewer than 100 employees.",
        "MEDIUM": "100 to 999 employees; the size of a new account unless another is given.",
        "LARGE": "1,000 to 9,999 employees.",
        "ENTERPRISE": "10,000 employees or more.",
    },
    name="AccountSize",
)
TeamRoleEnum = described_enum(
    TeamRole,
    "The role a member of staff plays on one account's team (apart from the roles they hold as staff).",
    {
        "ACCOUNT_MANAGER": "Manages the account; the account's owner is on its team in this role.",
        "SOLUTION_EXPERT": "Designs the customer's solutions; with the account manager and the customer success "
        "manager, one of the iron triangle a strategic account needs.",
        "CUSTOMER_SUCCESS_MANAGER": "Looks after onboarding, satisfaction and renewals; one of the iron triangle "
        "a strategic account needs.",
        "CONTRACT_SPECIALIST": "Reviews the account's contracts and tracks their fulfilment.",
        "DATA_ANALYST": "Analyses the account's data.",
        "SERVICE_AGENT": "Handles the account's after-sales service.",
        "EXECUTIVE_SPONSOR": "A senior executive of ours who sponsors the relationship.",
    },
    name="TeamRole",
)
TierReviewStatusEnum = described_enum(
    TierReviewStatus,
    "Where a proposed tier change stands.",
    {
        "PENDING": "Proposed by re-evaluation, waiting for a director to confirm or dismiss it.",
        "APPLIED": "Confirmed by a director: the account has the proposed tier.",
        "DISMISSED": "Turned down by a director, or withdrawn by a later re-evaluation (decidedBy re-evaluation) "
        "when the trailing value no longer supports it or supports another tier.",
    },
    name="TierReviewStatus",
)

AccountRef = Annotated["AccountType", strawberry.lazy("kamgraph.core.accounts.types")]
AccountFilterRef = Annotated["AccountFilter", strawberry.lazy("kamgraph.core.accounts.types")]
ContractRef = Annotated["ContractType", strawberry.lazy("kamgraph.core.contracts.types")]
ContractFilterRef = Annotated["ContractFilter", strawberry.lazy("kamgraph.core.contracts.types")]
ContractOrderRef = Annotated["ContractOrder", strawberry.lazy("kamgraph.core.contracts.types")]


@strawberry.type(description="A GB/T 4754-2017 industry: section and division.")
class Industry:
    code: str = strawberry.field(description='Section letter and division, e.g. "C39".')
    section: str = strawberry.field(description='The section letter, A to T, e.g. "C" (manufacturing).')
    section_name: str = strawberry.field(description="The section's name in Chinese, as the standard gives it.")
    section_name_en: str = strawberry.field(description="The section's name in English.")
    division: str = strawberry.field(description='The two-digit division within the section, e.g. "39".')
    division_name: str = strawberry.field(description="The division's name in Chinese, as the standard gives it.")

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
    code: str = strawberry.field(description='The section letter, A to T, e.g. "C".')
    name: str = strawberry.field(description="The section's name in Chinese, as the standard gives it.")
    name_en: str = strawberry.field(description="The section's name in English.")
    divisions: list[Industry] = strawberry.field(
        description="The divisions of the section, each with the full industry code an account can take."
    )


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
    code: str = strawberry.field(
        description="What departs from the model: IRON_TRIANGLE_INCOMPLETE (a strategic account lacks an account "
        "manager, solution expert or customer success manager), NO_ACCOUNT_MANAGER (a core account has none), "
        "TOO_FEW_DATA_ANALYSTS, TOO_FEW_CONTRACT_SPECIALISTS, TOO_FEW_SOLUTION_EXPERTS (against the department's "
        "ratios to account managers) or MANAGER_OVERLOADED (more core accounts than the model allows)."
    )
    message: str = strawberry.field(description="The departure in plain words, with the numbers involved.")


@strawberry.type(name="HealthSignal", description="One plugin's reading of an account's health.")
class HealthSignalReading:
    name: str = strawberry.field(description="<plugin>.<what>, e.g. risk.payment_behaviour.")
    description: str = strawberry.field(description="What the signal measures, as its plugin describes it.")
    score: int = strawberry.field(description="0 (alarming) to 100 (healthy).")
    detail: str = strawberry.field(
        description="What the score rests on for this account, in a few words from the plugin."
    )


@strawberry.type(description="A member of an account's team and their role on it.")
class TeamMember:
    role: TeamRoleEnum = strawberry.field(description="Their role on this account's team.")
    created_at: datetime = strawberry.field(
        name="since", description="When they joined the team (a change of role keeps this date)."
    )
    person = to_one_field(Person, "person_id", PersonType, "The member of staff; null if you may not read them.")


@strawberry.type(name="TierReview", description="A tier change proposed by re-evaluation, and its decision.")
class TierReviewType(Node):
    is_type_of = node_type_of(TierReview)

    current_tier: TierEnum = strawberry.field(description="The account's tier when the change was proposed.")
    proposed_tier: TierEnum = strawberry.field(description="The tier its trailing-12-month signed value calls for.")
    trailing_value = sensitive_field(
        "trailing_value",
        Decimal,
        "Signed contract value of the trailing 12 months (CNY). Sensitive: null without contracts.amounts.read; "
        "every read is audited.",
    )
    status: TierReviewStatusEnum = strawberry.field(description="Whether it waits for a decision, or how it ended.")
    proposed_at: datetime = strawberry.field(description="When re-evaluation proposed it.")
    decided_at: datetime | None = strawberry.field(
        description="When it was confirmed or dismissed; null while pending."
    )
    decided_by: str | None = strawberry.field(
        description="The name of the director who decided, or re-evaluation when a later run withdrew it; "
        "null while pending."
    )
    reason: str | None = strawberry.field(
        description="Why it was confirmed or dismissed, kept with the account's tier history; null while pending."
    )

    @strawberry.field(description="The account the review is about; null if you may no longer see it.")
    async def account(self, info: Info) -> AccountType | None:
        return await load_one(info, Account, self.account_id)


@strawberry.type(name="Account", description="A customer company.")
class AccountType(Node):
    is_type_of = node_type_of(Account)

    name: str = strawberry.field(description="The customer company's name.")
    credit_code: str = strawberry.field(description="Unified social credit code (GB 32100-2015).")
    industry_code: str = strawberry.field(description="GB/T 4754-2017 section and division, e.g. C39.")
    region: RegionEnum = strawberry.field(description="The sales region the account belongs to.")
    size: AccountSizeEnum = strawberry.field(description="The company's size by head count.")
    status: AccountStatusEnum = strawberry.field(description="Where the account is in its lifecycle.")
    tier: TierEnum = strawberry.field(
        description="The tier in force; it changes only when a director confirms a tier review."
    )
    version: int
    external_id: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    industry = computed_field(
        lambda account: Industry.of(account.industry_code),
        Industry,
        ("industry_code",),
        "The industry of industryCode, with its section and division names.",
    )
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


class AccountGroupBy(Enum):
    TIER = "tier"
    REGION = "region"
    INDUSTRY = "industry_section"
    INDUSTRY_DIVISION = "industry_code"
    STATUS = "status"
    SIZE = "size"
    OWNER = "owner"


described_enum(
    AccountGroupBy,
    "What accountsAggregate groups by.",
    {
        "TIER": "By tier.",
        "REGION": "By region.",
        "INDUSTRY": "By GB/T 4754 section letter (A-T).",
        "INDUSTRY_DIVISION": "By full industry code: section and division, e.g. C39.",
        "STATUS": "By lifecycle status.",
        "SIZE": "By size.",
        "OWNER": "By owner (account manager); accounts without one form a group whose owner is null.",
    },
)


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
    tier: TierEnum | None = strawberry.field(default=None, description="The group's tier, when grouped by TIER.")
    region: RegionEnum | None = strawberry.field(
        default=None, description="The group's region, when grouped by REGION."
    )
    industry: str | None = strawberry.field(
        default=None, description="The group's GB/T 4754 section letter, when grouped by INDUSTRY."
    )
    industry_division: str | None = strawberry.field(
        default=None,
        description="The group's industry code (section and division, e.g. C39), when grouped by INDUSTRY_DIVISION.",
    )
    status: AccountStatusEnum | None = strawberry.field(
        default=None, description="The group's lifecycle status, when grouped by STATUS."
    )
    size: AccountSizeEnum | None = strawberry.field(default=None, description="The group's size, when grouped by SIZE.")
    owner_id: strawberry.Private[int | None] = None

    @strawberry.field(
        description="The group's owner, when grouped by OWNER; null otherwise, for accounts without an owner, "
        "or when you may not read the person."
    )
    async def owner(self, info: Info) -> PersonType | None:
        return await load_one(info, Person, self.owner_id)


@strawberry.type(description="One group of accountsAggregate: its keys, how many accounts, their signed value.")
class AccountGroup:
    keys: AccountGroupKeys = strawberry.field(description="The group's value of each groupBy key.")
    count: int = strawberry.field(description="How many of the accounts you may see are in the group.")
    signed_value: Decimal | None = strawberry.field(
        description="Total amount of the group's signed contracts (signed, active, completed, expired, terminated), CNY. "
        "Sensitive: null without contracts.amounts.read; every read is audited."
    )


@strawberry.type(description="Counts and signed contract value of the accounts you may see that match the filter.")
class AccountsAggregate:
    count: int = strawberry.field(description="How many accounts match (archived ones are left out).")
    signed_value: Decimal | None = strawberry.field(
        description="Total amount of the matching accounts' signed contracts (signed, active, completed, expired, "
        "terminated), in CNY (amounts are added as stored, whatever a contract's currency). Sensitive: null "
        "without contracts.amounts.read; every read is audited."
    )
    groups: list[AccountGroup] = strawberry.field(
        description="One entry per combination of groupBy values that occurs; empty without groupBy."
    )
