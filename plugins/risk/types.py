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
    described_enum,
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

RatingEnum = described_enum(
    Rating,
    "A to D; D is high risk and pays in advance. The combined score's band gives the rating, its credit limit and "
    "payment terms: riskRules.ratingBands has the bands in force (KAMGRAPH_RISK_RATING_BANDS); the values below "
    "are the defaults.",
    {
        "A": "Lowest risk: a score of 85 or more; a credit limit of 20,000,000 CNY and 90 days' payment terms.",
        "B": "A score from 70 to below 85; a credit limit of 10,000,000 CNY and 60 days' payment terms.",
        "C": "A score from 55 to below 70; a credit limit of 3,000,000 CNY and 30 days' payment terms.",
        "D": "High risk: a score below 55; no credit (limit 0, terms 0 days), the customer pays in advance.",
    },
    name="CreditRating",
)
CheckEnum = described_enum(
    Check,
    "The three checks of a credit assessment, each scored 0 to 100; their weighted sum is the score (weights in "
    "riskRules.checkWeights, KAMGRAPH_RISK_CHECK_WEIGHTS).",
    {
        "CREDIT_REPORT": "The customer's credit report; 40 % of the score by default.",
        "INDUSTRY_REPUTATION": "The customer's reputation in its industry; 30 % of the score by default.",
        "FINANCIAL_CONDITION": "The customer's financial condition; 30 % of the score by default.",
    },
    name="CreditCheck",
)
DunningStageEnum = described_enum(
    DunningStage,
    "First, second, final notice; then legal. The daily job issues each stage at most once per instalment and "
    "never after a later one; the days overdue are in riskRules.dunning (KAMGRAPH_RISK_DUNNING_DAYS).",
    {
        "FIRST_NOTICE": "The first notice: from 30 days overdue by default.",
        "SECOND_NOTICE": "The second notice: from 60 days overdue by default.",
        "FINAL_NOTICE": "The final notice: from 90 days overdue by default.",
        "LEGAL": "The case goes to legal: the day after the final notice's threshold (91 days overdue by default).",
    },
    name="DunningStage",
)
AgeingBucketEnum = strawberry.enum(
    AgeingBucket, name="AgeingBucket", description="Days overdue: 0, 1-30, 31-60, 61-90, over 90."
)


@strawberry.type(
    description="One check of an assessment: its score (0-100) and evidence notes (encrypted at rest). " + CREDIT
)
class CreditCheckResult:
    check: CheckEnum = strawberry.field(description="Which check.")
    score: int | None = strawberry.field(description="The check's score, 0 to 100. " + CREDIT)
    notes: str | None = strawberry.field(
        description="The evidence behind the score; null when none was given. " + CREDIT
    )


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
    valid_from: date = strawberry.field(description="The first day the assessment is valid.")
    valid_until: date = strawberry.field(
        description="The last day of its period, included; one ended early is valid only through the day before endedOn."
    )
    ended_on: date | None = strawberry.field(description="Ended early: valid through the day before.")
    end_reason: str | None = strawberry.field(description="Why it was ended early; null unless it was.")
    assessed_by: str = strawberry.field(description="The name of who recorded it.")
    assessed_at: datetime = strawberry.field(description="When it was recorded.")
    score = sensitive_field("score", Decimal, "The weighted score of the three checks. " + CREDIT)
    rating = sensitive_field("rating", RatingEnum, CREDIT)
    credit_limit = sensitive_field("credit_limit", Decimal, "Credit granted, in CNY. " + CREDIT)
    payment_terms_days = sensitive_field("payment_terms_days", int, CREDIT)
    prepayment = sensitive_field("prepayment", bool, "The customer pays in advance (rating D). " + CREDIT)
    account = to_one_field(Account, "account_id", AccountType, "The account assessed.")

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
    assessed_at: datetime = strawberry.field(description="When the assessment in force was recorded.")
    valid_from: date = strawberry.field(description="The first day of the assessment in force.")
    expires_at: date = strawberry.field(description="The last day the assessment is valid.")
    assessment: CreditAssessmentType = strawberry.field(
        description="The assessment in force today; its values carry the same guard."
    )


@strawberry.type(
    name="CreditOverride", description="A KA director's permission to sign one contract beyond the credit rule."
)
class CreditOverrideType(Node):
    is_type_of = node_type_of(CreditOverride)

    reason: str = strawberry.field(description="Why the credit rule is set aside.")
    granted_by: str = strawberry.field(description="The name of the KA director who granted it.")
    granted_at: datetime = strawberry.field(description="When it was granted.")
    used_at: datetime | None = strawberry.field(description="When the contract it allowed was signed.")
    contract = to_one_field(Contract, "contract_id", ContractType, "The contract it lets be signed.")
    account = to_one_field(Account, "account_id", AccountType, "The contract's account.")


@strawberry.type(
    name="DunningNotice",
    description="A notice issued for an overdue instalment; the event of the same name carries it to webhooks.",
)
class DunningNoticeType(Node):
    is_type_of = node_type_of(DunningNotice)

    stage: DunningStageEnum = strawberry.field(description="The dunning stage this notice is.")
    days_overdue: int = strawberry.field(
        description="Days the instalment was overdue on the day the notice was issued."
    )
    issued_on: date = strawberry.field(description="The day the daily dunning job issued it.")
    outstanding = sensitive_field(
        "outstanding", Decimal, "Unpaid on the instalment when the notice was issued. " + AMOUNTS
    )
    instalment = to_one_field(Instalment, "instalment_id", InstalmentType, "The overdue instalment.")
    contract = to_one_field(Contract, "contract_id", ContractType, "The instalment's contract.")
    account = to_one_field(Account, "account_id", AccountType, "The contract's account.")


@strawberry.type(description="Outstanding receivables by days overdue, in CNY. " + AMOUNTS)
class AgingBuckets:
    current: Decimal = strawberry.field(description="Not yet due, or due today.")
    days_1_to_30: Decimal = strawberry.field(
        name="days1To30", description="Unpaid on instalments 1 to 30 days overdue."
    )
    days_31_to_60: Decimal = strawberry.field(
        name="days31To60", description="Unpaid on instalments 31 to 60 days overdue."
    )
    days_61_to_90: Decimal = strawberry.field(
        name="days61To90", description="Unpaid on instalments 61 to 90 days overdue."
    )
    over_90: Decimal = strawberry.field(name="over90", description="Unpaid on instalments more than 90 days overdue.")
    total: Decimal = strawberry.field(description="All of it: the five buckets added up, current included.")

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
    ACCOUNT = strawberry.enum_value("contract.account", description="By the contract's account (keys.account).")
    CONTRACT = strawberry.enum_value("contract", description="By contract (keys.contract).")
    REGION = strawberry.enum_value("contract.account.region", description="By the account's region.")
    TIER = strawberry.enum_value("contract.account.tier", description="By the account's tier.")
    INDUSTRY = strawberry.enum_value(
        "contract.account.industry_section", description="By the account's industry section (GB/T 4754-2017 letter)."
    )
    ACCOUNT_STATUS = strawberry.enum_value("contract.account.status", description="By the account's lifecycle status.")
    OWNER = strawberry.enum_value("contract.account.owner", description="By the account's owner (keys.owner).")


@strawberry.type(description="The group's value for each groupBy key; keys not grouped by are null.")
class ReceivablesGroupKeys(AccountKeys):
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
    account_status: AccountStatusEnum | None = strawberry.field(
        default=None, description="The account's lifecycle status grouped by; null when not grouped by it."
    )
    contract_id: strawberry.Private[int | None] = None

    @strawberry.field(description="The contract grouped by; null when not grouped by contract.")
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


@strawberry.type(description="One group of receivablesAging: its keys and its receivables by days overdue.")
class ReceivablesGroup:
    keys: ReceivablesGroupKeys = strawberry.field(description="The group's value of each groupBy key.")
    buckets: AgingBuckets = strawberry.field(description="The group's outstanding receivables by days overdue.")


@strawberry.type(description="Receivables ageing of signed and active contracts as of a day, computed in SQL.")
class ReceivablesAging:
    as_of: date = strawberry.field(description="The day days overdue are counted to: today, in the business time zone.")
    total: AgingBuckets = strawberry.field(description="All the receivables counted, across every group.")
    groups: list[ReceivablesGroup] = strawberry.field(
        description="One entry per combination of groupBy values that occurs; empty without groupBy."
    )


@strawberry.type(description="A rating band: a score from minScore up earns this rating, limit and terms.")
class RatingBandType:
    rating: RatingEnum = strawberry.field(description="The band's rating.")
    min_score: Decimal = strawberry.field(
        description="The lowest combined score of the band, included; the band runs up to the next band's minScore."
    )
    credit_limit: Decimal = strawberry.field(
        description="The credit limit the band grants, in CNY (an assessment may grant less, never more)."
    )
    payment_terms_days: int = strawberry.field(description="The payment terms the band grants, in days.")
    prepayment: bool = strawberry.field(
        description="Customers in this band pay in advance: 0 days' terms and the whole amount due by the start."
    )


@strawberry.type(description="A check's weight in the combined score.")
class CheckWeight:
    check: CheckEnum = strawberry.field(description="The check.")
    weight: Decimal = strawberry.field(description="Its share of the combined score, as a fraction (0.4 is 40 %).")


@strawberry.type(description="A dunning stage and the days overdue it starts at.")
class DunningStep:
    stage: DunningStageEnum = strawberry.field(description="The dunning stage.")
    days_overdue: int = strawberry.field(description="The days overdue from which the stage is issued.")


@strawberry.type(description="The risk rules in force (KAMGRAPH_RISK_* settings).")
class RiskRules:
    rating_bands: list[RatingBandType] = strawberry.field(
        description="The rating bands, highest minScore first (KAMGRAPH_RISK_RATING_BANDS; by default A from 85, "
        "B from 70, C from 55, D from 0)."
    )
    check_weights: list[CheckWeight] = strawberry.field(
        description="The weight of each check (KAMGRAPH_RISK_CHECK_WEIGHTS; by default 40, 30 and 30 %)."
    )
    assessment_months: int = strawberry.field(
        description="Months an assessment recorded without validUntil is valid (KAMGRAPH_RISK_ASSESSMENT_MONTHS; "
        "default 12)."
    )
    dunning: list[DunningStep] = strawberry.field(
        description="The dunning stages and the days overdue each starts at (KAMGRAPH_RISK_DUNNING_DAYS; by default "
        "30, 60 and 90, and legal at 91)."
    )


WarningKindEnum = described_enum(
    WarningKind,
    "Which rule raised the warning (the hourly job risk.raise_warnings runs them all).",
    {
        "OVERDUE_PAYMENT": "An instalment of a signed or active contract is unpaid after its due day: low up to 30 "
        "days overdue, medium up to 90, high beyond.",
        "PURCHASES_FALLING": "Contracts signed per month fell 3 complete months in a row (KAMGRAPH_RISK_FALLING_MONTHS); "
        "medium.",
        "KEY_CONTACT_LEFT": "A contact who is a key decision maker or an executive has left the customer; high.",
        "EXPOSURE_NEAR_LIMIT": "Credit exposure is above 90 % of the limit in force "
        "(KAMGRAPH_RISK_EXPOSURE_WARNING_PERCENT): medium; beyond the limit: high.",
    },
    name="RiskWarningKind",
)
WarningLevelEnum = described_enum(
    WarningLevel,
    "How serious an early warning, or a registered risk (its severity), is.",
    {
        "LOW": "Low: e.g. a payment up to 30 days overdue, or a registered risk scored 1 to 7.",
        "MEDIUM": "Medium: e.g. a payment 31 to 90 days overdue, or a registered risk scored 8 to 14.",
        "HIGH": "High: e.g. a payment more than 90 days overdue, or a registered risk scored 15 to 25.",
    },
    name="RiskWarningLevel",
)


@strawberry.type(
    name="RiskWarning", description="An early warning on an account, raised once per cause and resolved with a note."
)
class RiskWarningType(Node):
    is_type_of = node_type_of(RiskWarning)

    kind: WarningKindEnum = strawberry.field(description="The rule that raised it.")
    level: WarningLevelEnum = strawberry.field(
        description="How serious it is; a later run may raise it (escalatedAt), never lower it."
    )
    cause: str = strawberry.field(
        description="What it is about: the global id of an instalment, contact or assessment, or a month."
    )
    reason: str = strawberry.field(
        description="What the rule found, in words (e.g. which instalment is how many days overdue)."
    )
    raised_at: datetime = strawberry.field(description="When it was raised.")
    escalated_at: datetime | None = strawberry.field(description="When a later run raised its level.")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved; null while it is open.")
    resolved_by: str | None = strawberry.field(description="The name of who resolved it; null while it is open.")
    resolution: str | None = strawberry.field(description="The note it was resolved with; null while it is open.")
    account = to_one_field(Account, "account_id", AccountType, "The account it is about.")

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

RiskKindEnum = described_enum(
    RiskKind,
    "Credit, cooperation or policy risk (§5.2.2.1).",
    {
        "CREDIT": "Credit risk: the customer may not pay what it owes.",
        "COOPERATION": "Cooperation risk: the relationship with the customer may weaken or end.",
        "POLICY": "Policy risk: a change of policy or regulation may affect the business with the customer.",
    },
    name="RiskKind",
)
RiskStatusEnum = described_enum(
    RiskStatus,
    "Where a registered risk stands; a closed risk can no longer be changed.",
    {
        "OPEN": "Registered and not yet being mitigated; a new risk starts here.",
        "MITIGATING": "Its mitigation is under way.",
        "CLOSED": "Closed, with the reason (closedReason).",
    },
    name="RiskStatus",
)
PlanTypeEnum = described_enum(
    PlanType,
    "Key person left (successor plan), product defect (24-hour fix team), regulation change. Activating a plan "
    "starts its first task, due the given hours after activation.",
    {
        "KEY_PERSON_LEFT": "A key person at the customer leaves: the successor plan; its first task (name the "
        "successor contact and introduce them to the account team) is due in 48 hours.",
        "PRODUCT_DEFECT": "A major product defect: a fix team; its first task (deliver the fix) is due in 24 hours.",
        "REGULATION_CHANGE": "A regulation changes: its first task (assess compliance with the new regulation) is "
        "due in 120 hours.",
    },
    name="ContingencyPlanType",
)
PlanStatusEnum = described_enum(
    PlanStatus,
    "Where a contingency plan stands: prepared, activated by its event, closed by its post-mortem.",
    {
        "READY": "Prepared, waiting for its event (activateContingencyPlan).",
        "ACTIVE": "Its event happened; the post-mortem is due 48 hours after the event.",
        "CLOSED": "Its post-mortem is recorded; no task can be added any more.",
    },
    name="ContingencyPlanStatus",
)


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

    kind: RiskKindEnum = strawberry.field(description="Credit, cooperation or policy risk.")
    title: str = strawberry.field(description="A short name of the risk.")
    description: str | None = strawberry.field(description="The risk in more detail; null when none was given.")
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    status: RiskStatusEnum = strawberry.field(description="Open, being mitigated, or closed.")
    mitigation: str | None = strawberry.field(description="What is done to reduce the risk; null when none was given.")
    closed_reason: str | None = strawberry.field(description="Why the risk was closed; null unless it is closed.")
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
    owner = to_one_field(
        Person, "owner_id", PersonType, "The member of staff who owns the risk; null when none is named."
    )
    account = to_one_field(Account, "account_id", AccountType, "The account whose register holds it.")


@strawberry.type(name="ContingencyTask", description="A task of an activated contingency plan.")
class ContingencyTaskType(Node):
    is_type_of = node_type_of(ContingencyTask)

    title: str = strawberry.field(description="What is to be done.")
    due_at: datetime | None = strawberry.field(description="When it is due; null when it has no deadline.")
    done_at: datetime | None = strawberry.field(description="When it was marked done; null while it is open.")
    overdue = _overdue("due_at", "done_at")
    owner = to_one_field(
        Person, "owner_id", PersonType, "The member of staff who carries it out; null when none is named."
    )


@strawberry.type(
    name="ContingencyPlan", description="A contingency plan (§3.5.4); its post-mortem is due 48 hours after the event."
)
class ContingencyPlanType(Node):
    is_type_of = node_type_of(ContingencyPlan)

    plan_type: PlanTypeEnum = strawberry.field(description="Which of the three contingencies it answers.")
    title: str = strawberry.field(description="The plan's name.")
    status: PlanStatusEnum = strawberry.field(description="Prepared, active or closed.")
    created_at: datetime
    activated_at: datetime | None = strawberry.field(description="When it was activated; null while it is READY.")
    event_occurred_at: datetime | None = strawberry.field(
        description="When its event happened, as given at activation; null while it is READY."
    )
    event_summary: str | None = strawberry.field(
        description="What happened, as given at activation; null while it is READY."
    )
    post_mortem_due_at: datetime | None = strawberry.field(
        description="48 hours after the event (§5.2.2.3); null while it is READY."
    )
    post_mortem: str | None = strawberry.field(description="The post-mortem; null until it is recorded.")
    post_mortem_at: datetime | None = strawberry.field(
        description="When the post-mortem was recorded, closing the plan; null until then."
    )
    post_mortem_overdue = _overdue("post_mortem_due_at", "post_mortem_at")
    tasks = children_field(
        ContingencyTask, "plan", ContingencyTaskType, ("id",), "The plan's tasks, in the order they were added."
    )
    risk = to_one_field(RegisteredRisk, "risk_id", RegisteredRiskType, "The registered risk this plan answers, if any.")
    account = to_one_field(Account, "account_id", AccountType, "The account the plan is for.")


@strawberry.type(
    name="CompetitorOffer",
    description="A competitor's offer seen at an account; a differentiation comparison is due in 48 hours.",
)
class CompetitorOfferType(Node):
    is_type_of = node_type_of(CompetitorOffer)

    competitor: str = strawberry.field(description="The competitor's name.")
    product: str | None = strawberry.field(description="The competitor's product offered; null when not given.")
    offer: str = strawberry.field(description="What was offered: price, terms, promises.")
    seen_at: datetime = strawberry.field(description="When the offer was seen.")
    recorded_by: str = strawberry.field(description="The name of who recorded it.")
    comparison_due_at: datetime = strawberry.field(
        description="When the differentiation comparison is due: 48 hours after seenAt (§3.5.3)."
    )
    comparison: str | None = strawberry.field(
        description="How our offer differs from the competitor's; null until it is recorded."
    )
    compared_at: datetime | None = strawberry.field(description="When the comparison was recorded; null until then.")
    compared_by: str | None = strawberry.field(description="The name of who recorded the comparison; null until then.")
    comparison_overdue = _overdue("comparison_due_at", "compared_at")
    account = to_one_field(Account, "account_id", AccountType, "The account where it was seen.")


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
