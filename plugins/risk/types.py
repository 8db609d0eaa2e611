"""GraphQL types of the risk plugin: credit assessments and the credit profile on ``Account``, overrides,
dunning notices, receivables ageing, and the rules in force."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from kamgraph.plugin import (
    Account,
    AccountKeys,
    AccountStatus,
    AccountStatusEnum,
    AccountType,
    Contract,
    ContractType,
    Instalment,
    InstalmentType,
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
    load_one,
    node_type_of,
    sensitive_field,
    to_one_field,
)
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    ContingencyTask,
    CreditAssessment,
    CreditOverride,
    DunningNotice,
    RegisteredRisk,
    RiskWarning,
)
from kamgraph.plugins.risk.rules import (
    AgeingBucket,
    Check,
    DunningStage,
    PlanStatus,
    PlanType,
    Rating,
    RiskKind,
    RiskStatus,
    WarningKind,
    WarningLevel,
)

CREDIT = "Sensitive: null without risk.credit.read; every read is audited."
AMOUNTS = "Sensitive: null without contracts.amounts.read; every read is audited."

RatingEnum = strawberry.enum(Rating, name="CreditRating", description="A to D; D is high risk and pays in advance.")
CheckEnum = strawberry.enum(Check, name="CreditCheck", description="The three checks of a credit assessment.")
DunningStageEnum = strawberry.enum(
    DunningStage, name="DunningStage", description="First, second, final notice; then legal."
)
AgeingBucketEnum = strawberry.enum(
    AgeingBucket, name="AgeingBucket", description="Days overdue: 0, 1-30, 31-60, 61-90, over 90."
)


@strawberry.type(
    description="One check of an assessment: its score (0-100) and evidence notes (encrypted at rest). " + CREDIT
)
class CreditCheckResult:
    check: CheckEnum
    score: int | None
    notes: str | None


_CHECK_COLUMNS = {
    Check.CREDIT_REPORT: ("credit_report_score", "credit_report_notes"),
    Check.INDUSTRY_REPUTATION: ("industry_reputation_score", "industry_reputation_notes"),
    Check.FINANCIAL_CONDITION: ("financial_condition_score", "financial_condition_notes"),
}


@strawberry.type(
    name="CreditAssessment", description="One version of an account's credit assessment, valid for a period."
)
class CreditAssessmentType(Node):
    is_type_of = node_type_of(CreditAssessment)

    sequence: int = strawberry.field(description="1 for the account's first assessment, then 2, 3...")
    valid_from: date
    valid_until: date
    ended_on: date | None = strawberry.field(description="Ended early: valid through the day before.")
    end_reason: str | None
    assessed_by: str
    assessed_at: datetime
    score = sensitive_field("score", Decimal, "The weighted score of the three checks. " + CREDIT)
    rating = sensitive_field("rating", RatingEnum, CREDIT)
    credit_limit = sensitive_field("credit_limit", Decimal, "Credit granted, in CNY. " + CREDIT)
    payment_terms_days = sensitive_field("payment_terms_days", int, CREDIT)
    prepayment = sensitive_field("prepayment", bool, "The customer pays in advance (rating D). " + CREDIT)
    account = to_one_field(Account, "account_id", AccountType)

    @strawberry.field(description="The three checks with their scores and notes. " + CREDIT)
    def checks(self, info: Info) -> list[CreditCheckResult]:
        ctx = context(info)
        return [
            CreditCheckResult(check=check, score=ctx.sensitive(self, score), notes=ctx.sensitive(self, notes))
            for check, (score, notes) in _CHECK_COLUMNS.items()
        ]


@strawberry.type(description="The credit standing of an account today: its assessment in force and its exposure.")
class CreditProfile:
    rating: RatingEnum | None = strawberry.field(description=CREDIT)
    score: Decimal | None = strawberry.field(description=CREDIT)
    limit: Decimal | None = strawberry.field(description="The credit limit, in CNY. " + CREDIT)
    payment_terms_days: int | None = strawberry.field(description=CREDIT)
    prepayment: bool | None = strawberry.field(description=CREDIT)
    exposure: Decimal | None = strawberry.field(description="Unpaid value of signed and active contracts. " + AMOUNTS)
    available: Decimal | None = strawberry.field(
        description="Limit minus exposure (negative beyond the limit). Needs both permissions."
    )
    assessed_at: datetime
    valid_from: date
    expires_at: date = strawberry.field(description="The last day the assessment is valid.")
    assessment: CreditAssessmentType


@strawberry.type(
    name="CreditOverride", description="A KA director's permission to sign one contract beyond the credit rule."
)
class CreditOverrideType(Node):
    is_type_of = node_type_of(CreditOverride)

    reason: str
    granted_by: str
    granted_at: datetime
    used_at: datetime | None = strawberry.field(description="When the contract it allowed was signed.")
    contract = to_one_field(Contract, "contract_id", ContractType)
    account = to_one_field(Account, "account_id", AccountType)


@strawberry.type(
    name="DunningNotice",
    description="A notice issued for an overdue instalment; the event of the same name carries it to webhooks.",
)
class DunningNoticeType(Node):
    is_type_of = node_type_of(DunningNotice)

    stage: DunningStageEnum
    days_overdue: int
    issued_on: date
    outstanding = sensitive_field(
        "outstanding", Decimal, "Unpaid on the instalment when the notice was issued. " + AMOUNTS
    )
    instalment = to_one_field(Instalment, "instalment_id", InstalmentType)
    contract = to_one_field(Contract, "contract_id", ContractType)
    account = to_one_field(Account, "account_id", AccountType)


@strawberry.type(description="Outstanding receivables by days overdue, in CNY. " + AMOUNTS)
class AgingBuckets:
    current: Decimal = strawberry.field(description="Not yet due, or due today.")
    days_1_to_30: Decimal = strawberry.field(name="days1To30")
    days_31_to_60: Decimal = strawberry.field(name="days31To60")
    days_61_to_90: Decimal = strawberry.field(name="days61To90")
    over_90: Decimal = strawberry.field(name="over90")
    total: Decimal

    @classmethod
    def of(cls, sums: dict[str, Decimal]) -> AgingBuckets:
        b = AgeingBucket
        parts = [sums[bucket.value] for bucket in b]
        return cls(
            current=sums[b.CURRENT.value],
            days_1_to_30=sums[b.DAYS_1_30.value],
            days_31_to_60=sums[b.DAYS_31_60.value],
            days_61_to_90=sums[b.DAYS_61_90.value],
            over_90=sums[b.OVER_90.value],
            total=sum(parts, Decimal("0.00")),
        )


@strawberry.enum(description="What receivablesAging groups by.")
class ReceivablesGroupBy(Enum):
    ACCOUNT = "contract.account"
    CONTRACT = "contract"
    REGION = "contract.account.region"
    TIER = "contract.account.tier"
    INDUSTRY = "contract.account.industry_section"
    ACCOUNT_STATUS = "contract.account.status"
    OWNER = "contract.account.owner"


@strawberry.type(description="The group's value for each groupBy key; keys not grouped by are null.")
class ReceivablesGroupKeys(AccountKeys):
    region: RegionEnum | None = None
    tier: TierEnum | None = None
    industry: str | None = None
    account_status: AccountStatusEnum | None = None
    contract_id: strawberry.Private[int | None] = None

    @strawberry.field
    async def contract(self, info: Info) -> ContractType | None:
        return await load_one(info, Contract, self.contract_id)


GROUP_KEYS = {
    "contract.account": ("account_id", None),
    "contract": ("contract_id", None),
    "contract.account.region": ("region", Region),
    "contract.account.tier": ("tier", Tier),
    "contract.account.industry_section": ("industry", None),
    "contract.account.status": ("account_status", AccountStatus),
    "contract.account.owner": ("owner_id", None),
}


@strawberry.type
class ReceivablesGroup:
    keys: ReceivablesGroupKeys
    buckets: AgingBuckets


@strawberry.type(description="Receivables ageing of signed and active contracts as of a day, computed in SQL.")
class ReceivablesAging:
    as_of: date
    total: AgingBuckets
    groups: list[ReceivablesGroup]


@strawberry.type(description="A rating band: a score from minScore up earns this rating, limit and terms.")
class RatingBandType:
    rating: RatingEnum
    min_score: Decimal
    credit_limit: Decimal
    payment_terms_days: int
    prepayment: bool


@strawberry.type(description="A check's weight in the combined score.")
class CheckWeight:
    check: CheckEnum
    weight: Decimal


@strawberry.type(description="A dunning stage and the days overdue it starts at.")
class DunningStep:
    stage: DunningStageEnum
    days_overdue: int


@strawberry.type(description="The risk rules in force (KAMGRAPH_RISK_* settings).")
class RiskRules:
    rating_bands: list[RatingBandType]
    check_weights: list[CheckWeight]
    assessment_months: int
    dunning: list[DunningStep]


WarningKindEnum = strawberry.enum(WarningKind, name="RiskWarningKind", description="Which rule raised the warning.")
WarningLevelEnum = strawberry.enum(WarningLevel, name="RiskWarningLevel")


@strawberry.type(
    name="RiskWarning", description="An early warning on an account, raised once per cause and resolved with a note."
)
class RiskWarningType(Node):
    is_type_of = node_type_of(RiskWarning)

    kind: WarningKindEnum
    level: WarningLevelEnum
    cause: str = strawberry.field(
        description="What it is about: the global id of an instalment, contact or assessment, or a month."
    )
    reason: str
    raised_at: datetime
    escalated_at: datetime | None = strawberry.field(description="When a later run raised its level.")
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    account = to_one_field(Account, "account_id", AccountType)

    @strawberry.field(
        description="Who it is routed to: the account's owner and the directors whose scope holds the account."
    )
    async def routed_to(self, info: Info) -> list[PersonType]:
        from kamgraph.plugins.risk.services import routed_to

        ctx = context(info)

        async def load(account_ids):
            found = await routed_to(ctx.rows, account_ids)
            return [found[a] for a in account_ids]

        return await ctx.loader("risk.routed_to", load).load(self.account_id)


# --- risk register, contingency plans, competitor watch ---------------------------------------------------

RiskKindEnum = strawberry.enum(RiskKind, name="RiskKind", description="Credit, cooperation or policy risk (§5.2.2.1).")
RiskStatusEnum = strawberry.enum(RiskStatus, name="RiskStatus")
PlanTypeEnum = strawberry.enum(
    PlanType,
    name="ContingencyPlanType",
    description="Key person left (successor plan), product defect (24-hour fix team), regulation change.",
)
PlanStatusEnum = strawberry.enum(PlanStatus, name="ContingencyPlanStatus")


def _overdue(due: str, done: str):
    """A computed field: the deadline ``due`` has passed while ``done`` is still empty."""
    return computed_field(
        lambda row: rules.is_overdue(getattr(row, due), getattr(row, done), datetime.now(UTC)),
        bool,
        (due, done),
        "The deadline has passed and it is not done.",
    )


@strawberry.type(name="RegisteredRisk", description="A risk in an account's register, rated by probability and impact.")
class RegisteredRiskType(Node):
    is_type_of = node_type_of(RegisteredRisk)

    kind: RiskKindEnum
    title: str
    description: str | None
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    status: RiskStatusEnum
    mitigation: str | None
    closed_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    score = computed_field(
        lambda row: rules.risk_score(row.probability, row.impact),
        int,
        ("probability", "impact"),
        "Probability times impact, 1 to 25.",
    )
    severity = computed_field(
        lambda row: rules.severity(rules.risk_score(row.probability, row.impact)),
        WarningLevelEnum,
        ("probability", "impact"),
        "Low (1-7), medium (8-14) or high (15-25).",
    )
    owner = to_one_field(Person, "owner_id", PersonType)
    account = to_one_field(Account, "account_id", AccountType)


@strawberry.type(name="ContingencyTask", description="A task of an activated contingency plan.")
class ContingencyTaskType(Node):
    is_type_of = node_type_of(ContingencyTask)

    title: str
    due_at: datetime | None
    done_at: datetime | None
    overdue = _overdue("due_at", "done_at")
    owner = to_one_field(Person, "owner_id", PersonType)


@strawberry.type(
    name="ContingencyPlan", description="A contingency plan (§3.5.4); its post-mortem is due 48 hours after the event."
)
class ContingencyPlanType(Node):
    is_type_of = node_type_of(ContingencyPlan)

    plan_type: PlanTypeEnum
    title: str
    status: PlanStatusEnum
    created_at: datetime
    activated_at: datetime | None
    event_occurred_at: datetime | None
    event_summary: str | None
    post_mortem_due_at: datetime | None
    post_mortem: str | None
    post_mortem_at: datetime | None
    post_mortem_overdue = _overdue("post_mortem_due_at", "post_mortem_at")
    tasks = children_field(
        ContingencyTask, "plan", ContingencyTaskType, ("id",), "The plan's tasks, in the order they were added."
    )
    risk = to_one_field(RegisteredRisk, "risk_id", RegisteredRiskType, "The registered risk this plan answers, if any.")
    account = to_one_field(Account, "account_id", AccountType)


@strawberry.type(
    name="CompetitorOffer",
    description="A competitor's offer seen at an account; a differentiation comparison is due in 48 hours.",
)
class CompetitorOfferType(Node):
    is_type_of = node_type_of(CompetitorOffer)

    competitor: str
    product: str | None
    offer: str
    seen_at: datetime
    recorded_by: str
    comparison_due_at: datetime
    comparison: str | None
    compared_at: datetime | None
    compared_by: str | None
    comparison_overdue = _overdue("comparison_due_at", "compared_at")
    account = to_one_field(Account, "account_id", AccountType)


# --- the node types, each declared once: x(id:), the list, Account.<list>, XFilter and XOrder -------------------

DUNNING_NOTICES = NodeType(
    DunningNotice,
    DunningNoticeType,
    list_name="dunningNotices",
    filters=("stage", "days_overdue", "issued_on", "account"),
    orders=("issued_on", "days_overdue"),
    default_order=("-issued_on",),
    parent="account",
    description="Dunning notices of the accounts you may see, newest first unless ordered otherwise.",
)
RISK_WARNINGS = NodeType(
    RiskWarning,
    RiskWarningType,
    list_name="riskWarnings",
    filters=("kind", "level", "raised_at", "resolved_at", "account"),
    orders=("raised_at", "level"),
    default_order=("-raised_at",),
    parent="account",
    description="Early warnings on the accounts you may see; open ones have resolvedAt {isNull: true}. "
    "Newest first unless ordered otherwise.",
)
REGISTERED_RISKS = NodeType(
    RegisteredRisk,
    RegisteredRiskType,
    list_name="registeredRisks",
    filters=("kind", "status", "probability", "impact", "created_at", "account"),
    orders=("created_at", "probability", "impact"),
    parent="account",
    description="The risk register of the accounts you may see.",
)
CONTINGENCY_PLANS = NodeType(
    ContingencyPlan,
    ContingencyPlanType,
    list_name="contingencyPlans",
    filters=("plan_type", "status", "post_mortem_due_at", "post_mortem_at", "account"),
    orders=("created_at", "post_mortem_due_at"),
    parent="account",
    description="Contingency plans of the accounts you may see.",
)
COMPETITOR_OFFERS = NodeType(
    CompetitorOffer,
    CompetitorOfferType,
    list_name="competitorOffers",
    filters=("competitor", "seen_at", "comparison_due_at", "compared_at", "account"),
    orders=("seen_at", "comparison_due_at"),
    default_order=("-seen_at",),
    parent="account",
    description="Competitor offers seen at the accounts you may see, newest first unless ordered otherwise.",
)
NODES = [DUNNING_NOTICES, RISK_WARNINGS, REGISTERED_RISKS, CONTINGENCY_PLANS, COMPETITOR_OFFERS]
