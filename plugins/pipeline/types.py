"""GraphQL types of the pipeline plugin: opportunities with their stage history, filters and orders, and the
shapes of the totals, the forecast and the funnel."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from kamgraph.plugin import (
    Account,
    AccountKeys,
    AccountType,
    Contract,
    ContractType,
    Edition,
    EditionEnum,
    Node,
    NodeType,
    Person,
    PersonType,
    Region,
    RegionEnum,
    Tier,
    TierEnum,
    children_field,
    computed_field,
    context,
    described_enum,
    load_children,
    node_type_of,
    order_input,
    sensitive_field,
    to_one_field,
)
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.models import (
    Opportunity,
    SalesTarget,
    StageChange,
    TargetAccountEntry,
    TargetAccountRating,
)
from kamgraph.plugins.pipeline.rules import Axis, Metric

#: an opportunity's amount is the value of the contract it expects, so it carries that value's guard
GUARDED_AMOUNT = "Null without contracts.amounts.read; every read is audited."


@strawberry.type(
    name="StageChange", description="A stage an opportunity entered: when, from where, by whom, and when it left."
)
class StageChangeType(Node):
    is_type_of = node_type_of(StageChange)

    from_stage: str | None = strawberry.field(description="Null for the stage the opportunity started in.")
    to_stage: str = strawberry.field(description="The stage entered, a code of pipelineRules.stages.")
    entered_at: datetime = strawberry.field(description="When it entered the stage.")
    left_at: datetime | None = strawberry.field(description="When it left the stage; null while it is there.")
    changed_by: str = strawberry.field(description="The name of who moved it (or opened it, for the first stage).")
    reason: str | None = strawberry.field(
        description="The reason given with the move (always given for a loss); null when none was."
    )


@strawberry.type(
    name="Opportunity", description="A sale being worked at an account, moving through the configured stages."
)
class OpportunityType(Node):
    is_type_of = node_type_of(Opportunity)

    title: str = strawberry.field(description="What is being sold.")
    amount = sensitive_field(
        "amount", Decimal, "Expected contract value, in the opportunity's currency. " + GUARDED_AMOUNT
    )
    currency: str = strawberry.field(description="The amount's currency, an ISO 4217 code; CNY by default.")
    expected_close_on: date = strawberry.field(
        description="When it is expected to close; the forecast counts it in that month."
    )
    edition: EditionEnum = strawberry.field(description="The contract edition offered.")
    lead_source: str | None = strawberry.field(description="Where it came from: referral, exhibition, inbound...")
    stage: str = strawberry.field(description="One of pipelineRules.stages.")
    probability: Decimal = strawberry.field(description="The win probability of its stage, 0 to 1.")
    stage_entered_at: datetime = strawberry.field(description="When it entered its current stage.")
    loss_reason: str | None = strawberry.field(description="Why it was lost; null unless it was.")
    competitor: str | None = strawberry.field(description="The competitor involved, if any (who won, when lost).")
    closed_at: datetime | None = strawberry.field(description="When it was won or lost.")
    first_contact_at: datetime = strawberry.field(
        description="When the customer was first contacted; the follow-up timer starts here."
    )
    follow_up_due_at: datetime = strawberry.field(description="48 hours after the first contact (§3.1.2).")
    followed_up_at: datetime | None = strawberry.field(
        description="When the follow-up was recorded (recordFollowUp); null until then."
    )
    needs_reported_on: date | None = strawberry.field(description="The customer needs analysis report (§3.1.3).")
    needs_summary: str | None = strawberry.field(
        description="The summary of the customer needs report; null until it is recorded."
    )
    solution_due_on: date | None = strawberry.field(description="5 working days after the needs report (§3.1.4).")
    solution_submitted_at: datetime | None = strawberry.field(description="When it left its first stage forward.")
    version: int
    external_id: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    weighted_amount = sensitive_field(
        "amount",
        Decimal,
        "Amount times the win probability of its stage. " + GUARDED_AMOUNT,
        wrap=lambda row, amount: rules.weighted(amount, row.probability),
        needs=("probability",),
    )
    follow_up_overdue = computed_field(
        lambda row: rules.is_overdue(row.follow_up_due_at, row.followed_up_at, datetime.now(UTC)),
        bool,
        ("follow_up_due_at", "followed_up_at"),
        "The follow-up is late.",
    )
    account = to_one_field(Account, "account_id", AccountType, "The account it is at.")
    owner = to_one_field(Person, "owner_id", PersonType, "The account manager who owns it.")
    contract = to_one_field(Contract, "contract_id", ContractType, "The contract it was won with.")
    stage_history = children_field(
        StageChange, "opportunity", StageChangeType, ("entered_at", "id"), "Every stage it entered, oldest first."
    )

    @strawberry.field(description="The solution is late: 5 working days after the needs report, not delivered.")
    def solution_overdue(self, info: Info) -> bool:
        return rules.is_overdue(self.solution_due_on, self.solution_submitted_at, context(info).settings.today())


OPPORTUNITIES = NodeType(
    Opportunity,
    OpportunityType,
    list_name="opportunities",
    filters=(
        "title",
        "stage",
        "amount",
        "expected_close_on",
        "edition",
        "lead_source",
        "first_contact_at",
        "closed_at",
        "account",
        "owner",
    ),
    orders=("expected_close_on", "amount", "created_at", "stage_entered_at"),
    parent="account",
    description="The opportunities of the accounts you may see.",
)
OpportunityFilter, OpportunityOrder = OPPORTUNITIES.filter, OPPORTUNITIES.order


@strawberry.enum(description="What opportunitiesAggregate groups by; account keys group by the opportunity's account.")
class OpportunityGroupBy(Enum):
    STAGE = strawberry.enum_value("stage", description="By stage (keys.stage).")
    EDITION = strawberry.enum_value("edition", description="By the edition offered (keys.edition).")
    OWNER = strawberry.enum_value("owner", description="By the opportunity's owner (keys.owner).")
    ACCOUNT = strawberry.enum_value("account", description="By account (keys.account).")
    REGION = strawberry.enum_value("account.region", description="By the account's region (keys.region).")
    TIER = strawberry.enum_value("account.tier", description="By the account's tier (keys.tier).")
    INDUSTRY = strawberry.enum_value(
        "account.industry_section",
        description="By the account's industry section, a GB/T 4754-2017 letter (keys.industry).",
    )


@strawberry.enum(description="What the funnel groups by.")
class FunnelGroupBy(Enum):
    REGION = strawberry.enum_value("opportunity.account.region", description="By the account's region (keys.region).")
    INDUSTRY = strawberry.enum_value(
        "opportunity.account.industry_section",
        description="By the account's industry section, a GB/T 4754-2017 letter (keys.industry).",
    )
    TIER = strawberry.enum_value("opportunity.account.tier", description="By the account's tier (keys.tier).")
    OWNER = strawberry.enum_value("opportunity.owner", description="By the opportunity's owner (keys.owner).")


GROUP_KEYS = {
    "stage": ("stage", None),
    "edition": ("edition", Edition),
    "owner": ("owner_id", None),
    "account": ("account_id", None),
    "account.region": ("region", Region),
    "account.tier": ("tier", Tier),
    "account.industry_section": ("industry", None),
    "opportunity.account.region": ("region", Region),
    "opportunity.account.tier": ("tier", Tier),
    "opportunity.account.industry_section": ("industry", None),
    "opportunity.owner": ("owner_id", None),
}


@strawberry.type(description="The group's value for each groupBy key; keys not grouped by are null.")
class PipelineGroupKeys(AccountKeys):
    stage: str | None = strawberry.field(
        default=None, description="The stage grouped by; null when not grouped by stage."
    )
    edition: EditionEnum | None = strawberry.field(
        default=None, description="The edition grouped by; null when not grouped by edition."
    )
    region: RegionEnum | None = strawberry.field(
        default=None, description="The account's region grouped by; null when not grouped by region."
    )
    tier: TierEnum | None = strawberry.field(
        default=None, description="The account's tier grouped by; null when not grouped by tier."
    )
    industry: str | None = strawberry.field(
        default=None,
        description="The account's industry section (GB/T 4754-2017 letter) grouped by; null when not grouped by it.",
    )


@strawberry.type(description="One group of opportunitiesAggregate: its keys, count and sums.")
class OpportunityGroup:
    keys: PipelineGroupKeys = strawberry.field(description="The group's value of each groupBy key.")
    count: int = strawberry.field(description="How many opportunities the group has.")
    amount: Decimal | None = strawberry.field(description="Summed. " + GUARDED_AMOUNT)
    weighted: Decimal | None = strawberry.field(description="Amount times win probability, summed. " + GUARDED_AMOUNT)


@strawberry.type(description="Counts and totals of the opportunities you may see; computed in SQL.")
class OpportunitiesAggregate:
    count: int = strawberry.field(description="How many opportunities meet the filter (archived ones left out).")
    amount: Decimal | None = strawberry.field(description="Summed. " + GUARDED_AMOUNT)
    weighted: Decimal | None = strawberry.field(description="Amount times win probability, summed. " + GUARDED_AMOUNT)
    groups: list[OpportunityGroup] = strawberry.field(
        description="One entry per combination of groupBy values that occurs; empty without groupBy."
    )


@strawberry.type(description="Open opportunities expected to close in one month or quarter.")
class ForecastPeriod:
    period: str = strawberry.field(description="2026-12, or 2026-Q4.")
    starts_on: date = strawberry.field(
        description="The first day of the month; for a quarter, of its first month inside the forecast."
    )
    count: int = strawberry.field(description="How many open opportunities are expected to close in it.")
    amount: Decimal | None = strawberry.field(description="Summed. " + GUARDED_AMOUNT)
    weighted: Decimal | None = strawberry.field(
        description="Σ amount × probability: the weighted forecast. " + GUARDED_AMOUNT
    )


@strawberry.type(description="The weighted forecast of the open pipeline, by month and by quarter.")
class PipelineForecast:
    months: list[ForecastPeriod] = strawberry.field(
        description="One entry per month, from the month of `from`, empty months included."
    )
    quarters: list[ForecastPeriod] = strawberry.field(
        description="The months added up by quarter; a quarter only partly inside the forecast adds up its months "
        "inside it."
    )


@strawberry.type(description="One stage of the funnel for a cohort of opportunities.")
class FunnelStage:
    stage: str = strawberry.field(description="The stage code; the stages come in funnel order, the won stage last.")
    reached: int = strawberry.field(description="Opportunities that reached this stage or went past it.")
    conversion_to_next: float | None = strawberry.field(
        description="The share of those that reached the next stage; null for the last."
    )
    average_days: float | None = strawberry.field(description="Average days spent in the stage by those that left it.")


@strawberry.type(description="The funnel of one group of the period's opportunities.")
class FunnelGroup:
    keys: PipelineGroupKeys = strawberry.field(description="The group's value of each groupBy key.")
    stages: list[FunnelStage] = strawberry.field(description="The group's funnel, one entry per stage in funnel order.")
    lost: int = strawberry.field(description="How many of the group's opportunities were lost.")


@strawberry.type(description="The funnel of the opportunities first contacted in a period, computed in SQL.")
class Funnel:
    starts_on: date = strawberry.field(description="The first day of the period.")
    ends_on: date = strawberry.field(description="The last day of the period, included.")
    stages: list[FunnelStage] = strawberry.field(description="One entry per stage, in funnel order.")
    lost: int = strawberry.field(description="How many of the period's opportunities were lost.")
    groups: list[FunnelGroup] = strawberry.field(
        description="One funnel per combination of groupBy values that occurs; empty without groupBy."
    )


@strawberry.type(description="The funnel as the weekly snapshot kept it.")
class FunnelWeek:
    week_start: date = strawberry.field(
        description="The Monday of the week the snapshot was taken; it covers the first contacts of the 13 weeks "
        "before it."
    )
    region: RegionEnum | None = strawberry.field(description="Null: all regions.")
    stages: list[FunnelStage] = strawberry.field(description="One entry per stage, in funnel order.")
    lost: int = strawberry.field(description="How many of those opportunities had been lost.")


@strawberry.type(description="A configured stage.")
class PipelineStage:
    code: str = strawberry.field(description="The stage's code, as Opportunity.stage and moveOpportunity use it.")
    probability: Decimal = strawberry.field(description="Its win probability, 0 to 1 (0.3 is 30 %).")
    outcome: str = strawberry.field(description="OPEN, WON or LOST.")


@strawberry.type(description="The pipeline rules in force (KAMGRAPH_PIPELINE_* settings).")
class PipelineRules:
    stages: list[PipelineStage] = strawberry.field(
        description="The stages as configured (KAMGRAPH_PIPELINE_STAGES; by default FIRST_CONTACT 30 %, "
        "PROPOSAL_SUBMITTED 50 %, NEGOTIATION 70 %, WON 100 %, LOST 0 %)."
    )
    allow_skip: bool = strawberry.field(
        description="Whether a move may skip open stages (KAMGRAPH_PIPELINE_ALLOW_SKIP; default false)."
    )
    allow_back: bool = strawberry.field(
        description="Whether a move may go back one stage (KAMGRAPH_PIPELINE_ALLOW_BACK; default true)."
    )
    follow_up_hours: int = strawberry.field(
        description="Hours after the first contact the follow-up is due (KAMGRAPH_PIPELINE_FOLLOW_UP_HOURS; "
        "default 48)."
    )
    solution_working_days: int = strawberry.field(
        description="Working days after the needs report the solution is due "
        "(KAMGRAPH_PIPELINE_SOLUTION_WORKING_DAYS; default 5)."
    )
    target_weights: list[Decimal] = strawberry.field(
        description="Weights of size, industry position, purchasing ability, strategic fit."
    )


MetricEnum = described_enum(
    Metric,
    "Revenue (contracts signed), collections (payments), new accounts.",
    {
        "REVENUE": "The amount of the contracts signed in the period, whatever their status since.",
        "COLLECTIONS": "The payments received in the period.",
        "NEW_ACCOUNTS": "The number of accounts whose first contract was signed in the period.",
    },
    name="SalesMetric",
)
AxisEnum = described_enum(
    Axis,
    "How a target is split into parts.",
    {
        "QUARTERS": "Into the quarters of its year, for the same department, region, industry or person.",
        "REGIONS": "The department's target across regions, for the same period.",
        "INDUSTRIES": "The department's target across industries, for the same period.",
        "PEOPLE": "The department's, a region's or an industry's target across people, for the same period.",
    },
    name="TargetSplit",
)


@strawberry.type(description="One way a target is split into parts: their total and its difference from the target.")
class TargetSplitCheck:
    axis: AxisEnum = strawberry.field(description="How the target is split.")
    total: Decimal = strawberry.field(description="The parts' values added up.")
    difference: Decimal = strawberry.field(description="The parts' total less the target: zero when they add up.")
    adds_up: bool = strawberry.field(description="Whether the parts' total equals the target.")


@strawberry.type(
    name="SalesTarget",
    description="A sales target for a year or quarter, for the department or a region, industry or person.",
)
class SalesTargetType(Node):
    is_type_of = node_type_of(SalesTarget)

    metric: MetricEnum = strawberry.field(description="What the target measures.")
    year: int = strawberry.field(description="The target's year.")
    quarter: int | None = strawberry.field(description="1 to 4; null for the whole year.")
    region: RegionEnum | None = strawberry.field(description="The region it is for; null unless a region's target.")
    industry_section: str | None = strawberry.field(
        description="The industry it is for, a GB/T 4754-2017 section letter; null unless an industry's target."
    )
    value = sensitive_field("value", Decimal, "The target: CNY, or a number of accounts. Audited when read.")
    version: int
    person = to_one_field(
        Person,
        "person_id",
        PersonType,
        "The person the target is for; null for the department, a region or an industry.",
    )
    parent = to_one_field(
        SalesTarget,
        "parent_id",
        Annotated["SalesTargetType", strawberry.lazy("kamgraph.plugins.pipeline.types")],
        "The target this one is part of.",
    )
    parts = children_field(
        SalesTarget,
        "parent",
        Annotated["SalesTargetType", strawberry.lazy("kamgraph.plugins.pipeline.types")],
        ("quarter", "id"),
        "The targets it is split into.",
    )

    @strawberry.field(
        description="What was achieved, from contracts signed, payments received or first contracts of new accounts. "
        "Money needs contracts.amounts.read."
    )
    async def actual(self, info: Info) -> Decimal | None:
        from kamgraph.plugins.pipeline.targets import actuals

        ctx = context(info)
        if self.metric is not Metric.NEW_ACCOUNTS and not ctx.may_total(Contract, "amount"):
            return None

        async def load(targets):
            found = await actuals(targets)
            return [found[t.id] for t in targets]

        return await ctx.loader("pipeline.actuals", load).load(self)

    @strawberry.field(description="Actual less target: negative when behind.")
    async def deviation(self, info: Info) -> Decimal | None:
        actual = await SalesTargetType.actual(self, info)
        return None if actual is None else rules.deviation(self.value, actual)

    @strawberry.field(description="Actual divided by target (1.0 = attained); null for a zero target.")
    async def attainment(self, info: Info) -> float | None:
        actual = await SalesTargetType.actual(self, info)
        return None if actual is None else rules.attainment(self.value, actual)

    @strawberry.field(
        description="Whether its parts add up to it, for each way it is split (quarters, regions, industries, people)."
    )
    async def split_checks(self, info: Info) -> list[TargetSplitCheck]:
        from kamgraph.plugins.pipeline.targets import decomposition

        parts = await load_children(info, SalesTarget, "parent", self.id, ("id",))
        return [TargetSplitCheck(**check) for check in decomposition(self, parts)]


SALES_TARGETS = NodeType(
    SalesTarget,
    SalesTargetType,
    list_name="salesTargets",
    filters=("metric", "year", "quarter", "region", "industry_section", "person"),
    orders=("year", "quarter"),
    default_order=("year", "quarter"),
    parent="person",
    description="Sales targets with their attainment: all of them for directors and analysts, one's own for others "
    "(pipeline.targets.all); by year, then quarter (the year's own first), unless ordered otherwise.",
)


@strawberry.type(
    name="TargetAccountRating",
    description="A candidate account's rating on the factors of §3.1.1 (its size is the account's).",
)
class TargetAccountRatingType(Node):
    is_type_of = node_type_of(TargetAccountRating)

    industry_position: int = strawberry.field(description="1 (marginal) to 5 (leader).")
    purchase_potential = sensitive_field(
        "purchase_potential", Decimal, "Annual purchase potential, CNY. " + GUARDED_AMOUNT
    )
    strategic_fit: int = strawberry.field(description="1 to 5.")
    rated_by: str = strawberry.field(description="The name of who rated it last.")
    rated_at: datetime = strawberry.field(description="When it was last rated.")
    account = to_one_field(Account, "account_id", AccountType, "The account rated.")


@strawberry.type(name="TargetAccountEntry", description="A place on a quarter's target-account list.")
class TargetAccountEntryType(Node):
    is_type_of = node_type_of(TargetAccountEntry)

    quarter: str = strawberry.field(description="The list's quarter, e.g. 2026-Q4.")
    rank: int = strawberry.field(description="Its place on the list, from 1.")
    score: Decimal = strawberry.field(
        description="Size, industry position, purchasing ability and fit, weighted (pipelineRules)."
    )
    purchase_potential = sensitive_field(
        "purchase_potential", Decimal, "Annual purchase potential, CNY. " + GUARDED_AMOUNT
    )
    priority: bool = strawberry.field(description="Potential above 1,000,000 CNY: listed first.")
    account = to_one_field(Account, "account_id", AccountType, "The account listed.")


@strawberry.enum
class TargetAccountOrderField(Enum):
    RANK = "rank"


TargetAccountOrder = order_input("TargetAccountOrder", TargetAccountOrderField)
