"""Root queries of the pipeline plugin and ``Account.opportunities``: every figure through the caller's
scoped rows, so an account manager's funnel and forecast are those of their own accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from kamgraph.plugin import (
    Connection,
    OrderDirection,
    RegionEnum,
    RequestError,
    context,
    list_connection,
    load_children,
)
from kamgraph.plugins.pipeline import analytics
from kamgraph.plugins.pipeline.config import pipeline_config
from kamgraph.plugins.pipeline.models import (
    FunnelSnapshot,
    Opportunity,
    StageChange,
    TargetAccountEntry,
    TargetAccountRating,
)
from kamgraph.plugins.pipeline.permissions import TRENDS_READ
from kamgraph.plugins.pipeline.types import (
    GROUP_KEYS,
    OPPORTUNITIES,
    ForecastPeriod,
    Funnel,
    FunnelGroup,
    FunnelGroupBy,
    FunnelStage,
    FunnelWeek,
    OpportunitiesAggregate,
    OpportunityFilter,
    OpportunityGroup,
    OpportunityGroupBy,
    OpportunityOrder,
    OpportunityType,
    PipelineForecast,
    PipelineGroupKeys,
    PipelineRules,
    PipelineStage,
    TargetAccountEntryType,
    TargetAccountOrder,
    TargetAccountOrderField,
    TargetAccountRatingType,
)

MAX_FORECAST_MONTHS = 36
OLDEST_FIRST = [OpportunityOrder(field=OPPORTUNITIES.order_field.CREATED_AT, direction=OrderDirection.ASC)]


@strawberry.type
class PipelineQueries:
    @strawberry.field(
        description="Counts, amounts and weighted amounts of the opportunities you may see, grouped; computed in SQL."
    )
    async def opportunities_aggregate(
        self,
        info: Info,
        filter: OpportunityFilter | None = None,
        group_by: list[OpportunityGroupBy] | None = None,
    ) -> OpportunitiesAggregate:
        rows = context(info).rows(Opportunity).filter(filter).live()
        [total] = await analytics.totals(rows, [])
        keys = list(dict.fromkeys(g.value for g in group_by or ()))
        groups = await analytics.totals(rows, keys) if keys else []
        return OpportunitiesAggregate(
            count=total["count"],
            amount=total["sums"]["amount"],
            weighted=total["sums"]["weighted"],
            groups=[
                OpportunityGroup(
                    keys=PipelineGroupKeys.of(g["keys"], GROUP_KEYS),
                    count=g["count"],
                    amount=g["sums"]["amount"],
                    weighted=g["sums"]["weighted"],
                )
                for g in groups
            ],
        )

    @strawberry.field(
        description="The weighted forecast (Σ amount × stage probability) of open opportunities by expected close "
        "month and quarter, from the month of `from` (default: this month)."
    )
    async def pipeline_forecast(
        self,
        info: Info,
        months: Annotated[
            int, strawberry.argument(description=f"How many months to forecast, 1 to {MAX_FORECAST_MONTHS}.")
        ] = 12,
        from_: Annotated[
            date | None,
            strawberry.argument(name="from", description="A day in the first month forecast; today by default."),
        ] = None,
        filter: OpportunityFilter | None = None,
    ) -> PipelineForecast:
        ctx = context(info)
        if not 1 <= months <= MAX_FORECAST_MONTHS:
            raise RequestError(f"a forecast covers 1 to {MAX_FORECAST_MONTHS} months, not {months}")
        config = pipeline_config(ctx.settings)
        found = await analytics.forecast(
            ctx.rows(Opportunity).filter(filter), config.stage_rules, from_ or ctx.settings.today(), months
        )
        month_periods = [
            ForecastPeriod(
                period=m["starts_on"].strftime("%Y-%m"),
                starts_on=m["starts_on"],
                count=m["count"],
                amount=m["amount"],
                weighted=m["weighted"],
            )
            for m in found
        ]
        quarters = [
            ForecastPeriod(
                period=q["period"],
                starts_on=q["starts_on"],
                count=q["count"],
                amount=q["amount"],
                weighted=q["weighted"],
            )
            for q in analytics.by_quarter(found)
        ]
        return PipelineForecast(months=month_periods, quarters=quarters)

    @strawberry.field(
        description="The funnel of the opportunities first contacted from `from` to `to` (inclusive): per stage, how "
        "many reached it, the conversion to the next, the days spent in it; grouped; computed in SQL."
    )
    async def funnel(
        self,
        info: Info,
        from_: Annotated[
            date,
            strawberry.argument(
                name="from", description="The first day of first contacts counted, in the business time zone."
            ),
        ],
        to: Annotated[
            date, strawberry.argument(description="The last day of first contacts counted, included; not before from.")
        ],
        group_by: list[FunnelGroupBy] | None = None,
    ) -> Funnel:
        ctx = context(info)
        if to < from_:
            raise RequestError("a funnel period ends on or after its first day")
        start, end = analytics.period_bounds(from_, to, ctx.settings.time_zone)
        config = pipeline_config(ctx.settings)
        total, groups = await analytics.funnel(
            ctx.rows(StageChange), config.stage_rules, start, end, list(dict.fromkeys(g.value for g in group_by or ()))
        )
        return Funnel(
            starts_on=from_,
            ends_on=to,
            stages=[FunnelStage(**s) for s in total["stages"]],
            lost=total["lost"],
            groups=[
                FunnelGroup(
                    keys=PipelineGroupKeys.of(g["keys"], GROUP_KEYS),
                    stages=[FunnelStage(**s) for s in g["stages"]],
                    lost=g["lost"],
                )
                for g in groups
            ],
        )

    @strawberry.field(
        description="Open opportunities whose follow-up is past its 48 hours (§3.1.2), most overdue first."
    )
    async def overdue_follow_ups(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OpportunityType]:
        ctx = context(info)
        rows = _open(ctx).where("follow_up_due_at", datetime.now(UTC), "<").where("followed_up_at", None)
        return await list_connection(
            info,
            rows,
            order_by=OLDEST_FIRST,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Open opportunities whose solution is past its 5 working days after the needs report (§3.1.4)."
    )
    async def overdue_solutions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OpportunityType]:
        ctx = context(info)
        rows = _open(ctx).where("solution_due_on", ctx.settings.today(), "<").where("solution_submitted_at", None)
        return await list_connection(
            info,
            rows,
            order_by=OLDEST_FIRST,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="The weekly funnel snapshots, newest first: for each week the funnel of the 13 weeks of first "
        "contacts before it, for all regions or one. Empty without pipeline.trends.read."
    )
    async def funnel_snapshots(
        self,
        info: Info,
        weeks: Annotated[
            int, strawberry.argument(description="How many weeks of snapshots, newest first: 1 to 104.")
        ] = 8,
        region: Annotated[
            RegionEnum | None,
            strawberry.argument(
                description="The snapshots of this region; those of all regions together when omitted."
            ),
        ] = None,
    ) -> list[FunnelWeek]:
        ctx = context(info)
        if ctx.actor is None or not ctx.actor.can(TRENDS_READ):
            return []
        if not 1 <= weeks <= 104:
            raise RequestError(f"snapshots go back 1 to 104 weeks, not {weeks}")
        latest = (
            await FunnelSnapshot.filter(region=region.value if region else None)
            .order_by("-week_start")
            .values_list("week_start", flat=True)
        )
        kept = sorted(set(latest), reverse=True)[:weeks]
        rows = await FunnelSnapshot.filter(region=region.value if region else None, week_start__in=kept).order_by(
            "-week_start", "id"
        )
        by_week: dict[date, list[FunnelSnapshot]] = {}
        for row in rows:
            by_week.setdefault(row.week_start, []).append(row)
        return [
            FunnelWeek(
                week_start=week,
                region=region,
                lost=found[0].lost,
                stages=[
                    FunnelStage(
                        stage=r.stage,
                        reached=r.reached,
                        conversion_to_next=r.conversion_to_next,
                        average_days=r.average_days,
                    )
                    for r in found
                ],
            )
            for week, found in by_week.items()
        ]

    @strawberry.field(
        description="A quarter's target-account list (default: the latest), in rank order: potential above 1,000,000 "
        "CNY first, then by score. Accounts outside your scope are left out."
    )
    async def target_accounts(
        self,
        info: Info,
        quarter: Annotated[
            str | None,
            strawberry.argument(description="The list's quarter, e.g. 2026-Q4; the latest list when omitted."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TargetAccountEntryType]:
        rows = context(info).rows(TargetAccountEntry)
        if quarter is None:
            [found] = await rows.aggregate([], values={"latest": 'MAX(t."quarter")'})
            quarter = found["values"]["latest"]
        return await list_connection(
            info,
            rows.where("quarter", quarter or ""),
            first=first,
            after=after,
            order_by=[TargetAccountOrder(field=TargetAccountOrderField.RANK, direction=OrderDirection.ASC)],
        )

    @strawberry.field(
        description="The pipeline rules in force: stages and their win probabilities, allowed moves, timers."
    )
    def pipeline_rules(self, info: Info) -> PipelineRules:
        config = pipeline_config(context(info).settings)
        stage_rules = config.stage_rules
        return PipelineRules(
            stages=[
                PipelineStage(code=s.code, probability=s.probability, outcome=s.outcome.value)
                for s in stage_rules.stages
            ],
            allow_skip=stage_rules.allow_skip,
            allow_back=stage_rules.allow_back,
            follow_up_hours=config.follow_up_hours,
            solution_working_days=config.solution_working_days,
            target_weights=list(config.target_weights),
        )


def _open(ctx):
    return ctx.rows(Opportunity).live().where("stage", [s.code for s in pipeline_config(ctx.settings).stage_rules.open])


async def account_target_rating(root, info: Info) -> TargetAccountRatingType | None:
    """The account's rating as a candidate for the target-account list, batched over a page of accounts."""
    rated = await load_children(info, TargetAccountRating, "account", root.id)
    return rated[0] if rated else None
