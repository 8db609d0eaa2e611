"""Root queries of the risk plugin, and the fields it adds to ``Account`` and ``Contract``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import strawberry
from strawberry.types import Info

from kamgraph.api import (
    Connection,
    OrderDirection,
    RequestError,
    context,
    list_connection,
)
from kamgraph.api.fields import child_list_field, children_field, node_field
from kamgraph.core.contracts.models import Contract, Instalment
from kamgraph.ids import InvalidId, int_key
from kamgraph.plugins.risk import services
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    CreditAssessment,
    CreditOverride,
    DunningNotice,
    RegisteredRisk,
    RiskWarning,
)
from kamgraph.plugins.risk.types import (
    GROUP_KEYS,
    AgingBuckets,
    CheckWeight,
    CompetitorOfferFilter,
    CompetitorOfferOrder,
    CompetitorOfferOrderField,
    CompetitorOfferType,
    ContingencyPlanFilter,
    ContingencyPlanOrder,
    ContingencyPlanOrderField,
    ContingencyPlanType,
    CreditAssessmentType,
    CreditOverrideType,
    CreditProfile,
    DunningNoticeFilter,
    DunningNoticeOrder,
    DunningNoticeOrderField,
    DunningNoticeType,
    DunningStep,
    RatingBandType,
    ReceivablesAging,
    ReceivablesGroup,
    ReceivablesGroupBy,
    ReceivablesGroupKeys,
    RegisteredRiskFilter,
    RegisteredRiskOrder,
    RegisteredRiskType,
    RiskRules,
    RiskWarningFilter,
    RiskWarningOrder,
    RiskWarningOrderField,
    RiskWarningType,
)

NEWEST_FIRST = [RiskWarningOrder(field=RiskWarningOrderField.RAISED_AT, direction=OrderDirection.DESC)]
NEWEST_NOTICES = [DunningNoticeOrder(field=DunningNoticeOrderField.ISSUED_ON, direction=OrderDirection.DESC)]


@strawberry.type
class RiskQueries:
    credit_assessment = node_field(CreditAssessment, CreditAssessmentType)

    @strawberry.field(description="Dunning notices of the accounts you may see, newest first unless ordered otherwise.")
    async def dunning_notices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: DunningNoticeFilter | None = None,
        order_by: list[DunningNoticeOrder] | None = None,
    ) -> Connection[DunningNoticeType]:
        return await list_connection(
            info,
            context(info).rows(DunningNotice).filter(filter),
            order_by=order_by or NEWEST_NOTICES,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Early warnings on the accounts you may see; open ones have resolvedAt {isNull: true}. "
        "Newest first unless ordered otherwise."
    )
    async def risk_warnings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: RiskWarningFilter | None = None,
        order_by: list[RiskWarningOrder] | None = None,
    ) -> Connection[RiskWarningType]:
        return await list_connection(
            info,
            context(info).rows(RiskWarning).filter(filter),
            order_by=order_by or NEWEST_FIRST,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Outstanding receivables of signed and active contracts by days overdue, across the accounts "
        "you may see (or those named), grouped; computed in SQL. Null without contracts.amounts.read."
    )
    async def receivables_aging(
        self,
        info: Info,
        group_by: list[ReceivablesGroupBy] | None = None,
        account_ids: list[strawberry.ID] | None = None,
    ) -> ReceivablesAging | None:
        ctx = context(info)
        if not ctx.may_total(Instalment, "amount"):
            return None
        rows = ctx.rows(Instalment)
        if account_ids is not None:
            try:
                rows = rows.where("contract.account", [int_key(gid, "Account") for gid in account_ids])
            except InvalidId as bad:
                raise RequestError(str(bad)) from None
        today = ctx.settings.today()
        total, groups = await services.receivables_aging(
            rows, list(dict.fromkeys(g.value for g in group_by or ())), today
        )
        return ReceivablesAging(
            as_of=today,
            total=AgingBuckets.of(total),
            groups=[
                ReceivablesGroup(
                    keys=ReceivablesGroupKeys.of(g["keys"], GROUP_KEYS), buckets=AgingBuckets.of(g["sums"])
                )
                for g in groups
            ],
        )

    registered_risk = node_field(RegisteredRisk, RegisteredRiskType)
    contingency_plan = node_field(ContingencyPlan, ContingencyPlanType)

    @strawberry.field(description="The risk register of the accounts you may see.")
    async def registered_risks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: RegisteredRiskFilter | None = None,
        order_by: list[RegisteredRiskOrder] | None = None,
    ) -> Connection[RegisteredRiskType]:
        return await list_connection(
            info,
            context(info).rows(RegisteredRisk).filter(filter).live(),
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Contingency plans of the accounts you may see.")
    async def contingency_plans(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ContingencyPlanFilter | None = None,
        order_by: list[ContingencyPlanOrder] | None = None,
    ) -> Connection[ContingencyPlanType]:
        return await list_connection(
            info,
            context(info).rows(ContingencyPlan).filter(filter),
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Activated plans whose post-mortem is past its 48 hours and not written, most overdue first."
    )
    async def overdue_post_mortems(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContingencyPlanType]:
        rows = (
            context(info)
            .rows(ContingencyPlan)
            .where("post_mortem_due_at", datetime.now(UTC), "<")
            .where("post_mortem_at", None)
        )
        return await list_connection(
            info,
            rows,
            order_by=[
                ContingencyPlanOrder(field=ContingencyPlanOrderField.POST_MORTEM_DUE_AT, direction=OrderDirection.ASC)
            ],
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Competitor offers seen at the accounts you may see, newest first unless ordered otherwise."
    )
    async def competitor_offers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: CompetitorOfferFilter | None = None,
        order_by: list[CompetitorOfferOrder] | None = None,
    ) -> Connection[CompetitorOfferType]:
        newest = [CompetitorOfferOrder(field=CompetitorOfferOrderField.SEEN_AT, direction=OrderDirection.DESC)]
        return await list_connection(
            info,
            context(info).rows(CompetitorOffer).filter(filter),
            order_by=order_by or newest,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Competitor offers whose differentiation comparison is past its 48 hours, most overdue first."
    )
    async def overdue_differentiations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CompetitorOfferType]:
        rows = (
            context(info)
            .rows(CompetitorOffer)
            .where("comparison_due_at", datetime.now(UTC), "<")
            .where("compared_at", None)
        )
        return await list_connection(
            info,
            rows,
            order_by=[
                CompetitorOfferOrder(field=CompetitorOfferOrderField.COMPARISON_DUE_AT, direction=OrderDirection.ASC)
            ],
            first=first,
            after=after,
        )

    @strawberry.field(description="The risk rules in force: rating bands, check weights, validity, dunning days.")
    def risk_rules(self, info: Info) -> RiskRules:
        config = risk_config(context(info).settings)
        return RiskRules(
            rating_bands=[
                RatingBandType(
                    rating=b.rating,
                    min_score=b.min_score,
                    credit_limit=b.credit_limit,
                    payment_terms_days=b.payment_terms_days,
                    prepayment=b.prepayment,
                )
                for b in config.bands
            ],
            check_weights=[CheckWeight(check=check, weight=weight) for check, weight in config.weights],
            assessment_months=config.assessment_months,
            dunning=[DunningStep(stage=stage, days_overdue=days) for stage, days in config.dunning_days],
        )


# --- fields on core types (register_type_extensions) --------------------------------------------------


async def credit_profile(root, info: Info) -> CreditProfile | None:
    """The account's assessment in force today and its exposure; one statement each for a whole page."""
    ctx = context(info)
    today = ctx.settings.today()

    async def load_current(ids):
        found = await services.current_assessments(ctx.rows(CreditAssessment), ids, today)
        return [found.get(i) for i in ids]

    current = await ctx.loader("risk.current_assessment", load_current).load(root.id)
    if current is None:
        return None
    exposure = None
    if ctx.may_total(Contract, "amount"):

        async def load_exposure(ids):
            found = await services.exposures(ctx.rows(Contract), ids)
            return [found[i] for i in ids]

        exposure = await ctx.loader("risk.exposure", load_exposure).load(root.id)
    limit = ctx.sensitive(current, "credit_limit")
    return CreditProfile(
        rating=ctx.sensitive(current, "rating"),
        score=ctx.sensitive(current, "score"),
        limit=limit,
        payment_terms_days=ctx.sensitive(current, "payment_terms_days"),
        prepayment=ctx.sensitive(current, "prepayment"),
        exposure=exposure,
        available=None if limit is None or exposure is None else limit - exposure,
        assessed_at=current.assessed_at,
        valid_from=current.valid_from,
        expires_at=current.valid_until
        if current.ended_on is None
        else min(current.valid_until, current.ended_on - timedelta(days=1)),
        assessment=current,
    )


async def account_receivables(root, info: Info) -> AgingBuckets | None:
    """This account's receivables by days overdue; one grouped statement for a whole page of accounts."""
    ctx = context(info)
    if not ctx.may_total(Instalment, "amount"):
        return None

    async def load(ids):
        today = ctx.settings.today()
        _, groups = await services.receivables_aging(
            ctx.rows(Instalment).where("contract.account", ids), ["contract.account"], today
        )
        found = {g["keys"]["contract.account"]: g["sums"] for g in groups}
        zero = {bucket: Decimal("0.00") for bucket in services.bucket_sums(today)}
        return [AgingBuckets.of(found.get(i, zero)) for i in ids]

    return await ctx.loader("risk.account_receivables", load).load(root.id)


async def contract_override(root, info: Info) -> CreditOverrideType | None:
    ctx = context(info)

    async def load(ids):
        found = {o.contract_id: o for o in await ctx.rows(CreditOverride).where("contract", ids).all()}
        return [found.get(i) for i in ids]

    return await ctx.loader("risk.contract_override", load).load(root.id)


risk_warnings = child_list_field(
    RiskWarning, "account", RiskWarningType, RiskWarningFilter, RiskWarningOrder, "Early warnings on this account."
)
risk_warnings.python_name, risk_warnings.graphql_name = "risk_warnings", "riskWarnings"

registered_risks = child_list_field(
    RegisteredRisk,
    "account",
    RegisteredRiskType,
    RegisteredRiskFilter,
    RegisteredRiskOrder,
    "The account's risk register.",
)
registered_risks.python_name, registered_risks.graphql_name = "registered_risks", "registeredRisks"
contingency_plans = child_list_field(
    ContingencyPlan,
    "account",
    ContingencyPlanType,
    ContingencyPlanFilter,
    ContingencyPlanOrder,
    "The account's contingency plans.",
)
contingency_plans.python_name, contingency_plans.graphql_name = "contingency_plans", "contingencyPlans"
competitor_offers = child_list_field(
    CompetitorOffer,
    "account",
    CompetitorOfferType,
    CompetitorOfferFilter,
    CompetitorOfferOrder,
    "Competitor offers seen at the account.",
)
competitor_offers.python_name, competitor_offers.graphql_name = "competitor_offers", "competitorOffers"

credit_assessments = children_field(
    CreditAssessment,
    "account",
    CreditAssessmentType,
    ("sequence",),
    "Every version of the account's credit assessment, oldest first.",
)
credit_assessments.python_name, credit_assessments.graphql_name = "credit_assessments", "creditAssessments"
