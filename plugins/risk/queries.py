"""Root queries of the risk plugin, and the fields it adds to ``Account`` and ``Contract``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from kamgraph.plugin import (
    Connection,
    Contract,
    Instalment,
    InvalidId,
    OrderDirection,
    RequestError,
    children_field,
    context,
    int_key,
    list_connection,
    node_field,
)
from kamgraph.plugins.risk import services
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    CreditAssessment,
    CreditOverride,
)
from kamgraph.plugins.risk.types import (
    COMPETITOR_OFFERS,
    CONTINGENCY_PLANS,
    GROUP_KEYS,
    AgingBuckets,
    CheckWeight,
    CompetitorOfferType,
    ContingencyPlanType,
    CreditAssessmentType,
    CreditOverrideType,
    CreditProfile,
    DunningStep,
    RatingBandType,
    ReceivablesAging,
    ReceivablesGroup,
    ReceivablesGroupBy,
    ReceivablesGroupKeys,
    RiskRules,
)

POST_MORTEM_DUE_FIRST = [
    CONTINGENCY_PLANS.order(field=CONTINGENCY_PLANS.order_field.POST_MORTEM_DUE_AT, direction=OrderDirection.ASC)
]
COMPARISON_DUE_FIRST = [
    COMPETITOR_OFFERS.order(field=COMPETITOR_OFFERS.order_field.COMPARISON_DUE_AT, direction=OrderDirection.ASC)
]


@strawberry.type
class RiskQueries:
    credit_assessment = node_field(CreditAssessment, CreditAssessmentType)

    @strawberry.field(
        description="Outstanding receivables of signed and active contracts by days overdue, across the accounts "
        "you may see (or those named), grouped; computed in SQL. Null without contracts.amounts.read."
    )
    async def receivables_aging(
        self,
        info: Info,
        group_by: list[ReceivablesGroupBy] | None = None,
        account_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Only these accounts (global ids); every account you may see when omitted. An account "
                "outside your scope counts nothing."
            ),
        ] = None,
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
            order_by=POST_MORTEM_DUE_FIRST,
            first=first,
            after=after,
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
            order_by=COMPARISON_DUE_FIRST,
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


credit_assessments = children_field(
    CreditAssessment,
    "account",
    CreditAssessmentType,
    ("sequence",),
    "Every version of the account's credit assessment, oldest first.",
)
credit_assessments.python_name, credit_assessments.graphql_name = "credit_assessments", "creditAssessments"
