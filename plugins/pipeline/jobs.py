"""The pipeline's scheduled jobs: timers that ran out (§3.1.2, §3.1.4) become events, each once; and the
weekly funnel snapshot (§3.6.2: the funnel is analysed every week).

A follow-up not recorded 48 hours after the first contact, and a solution not delivered 5 working days
after the needs report, are reported as ``pipeline.opportunity.follow_up_overdue`` and ``pipeline.opportunity.solution_overdue``.
The day it was reported is written on the row in the transaction that emits the event, so a run repeated
reports nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kamgraph.plugin import SYSTEM_ACTOR, Job, JobContext, every, quarterly, to_global_id, visible, weekly
from kamgraph.plugins.pipeline import analytics, rules
from kamgraph.plugins.pipeline.config import pipeline_config
from kamgraph.plugins.pipeline.models import FunnelSnapshot, Opportunity, StageChange


async def report_overdue_timers(ctx: JobContext) -> dict[str, Any]:
    open_codes = [s.code for s in pipeline_config(ctx.settings).stage_rules.open]
    now = ctx.now
    async with ctx.unit_of_work() as unit:
        live = Opportunity.filter(stage__in=open_codes, archived_at__isnull=True)
        late_follow_ups = await live.filter(
            follow_up_due_at__lt=now, followed_up_at__isnull=True, follow_up_overdue_reported_at__isnull=True
        )
        for o in late_follow_ups:
            unit.emit(
                "pipeline.opportunity.follow_up_overdue",
                o.node_id,
                accountId=to_global_id("Account", o.account_id),
                ownerId=to_global_id("Person", o.owner_id),
                dueAt=o.follow_up_due_at.isoformat(),
            )
        await Opportunity.filter(id__in=[o.id for o in late_follow_ups]).update(follow_up_overdue_reported_at=now)
        late_solutions = await live.filter(
            solution_due_on__lt=ctx.today, solution_submitted_at__isnull=True, solution_overdue_reported_at__isnull=True
        )
        for o in late_solutions:
            unit.emit(
                "pipeline.opportunity.solution_overdue",
                o.node_id,
                accountId=to_global_id("Account", o.account_id),
                ownerId=to_global_id("Person", o.owner_id),
                dueOn=o.solution_due_on.isoformat(),
            )
        await Opportunity.filter(id__in=[o.id for o in late_solutions]).update(solution_overdue_reported_at=now)
    return {"followUpsOverdue": len(late_follow_ups), "solutionsOverdue": len(late_solutions)}


async def snapshot_funnel(ctx: JobContext) -> dict[str, Any]:
    """This week's funnel snapshot, for all regions and each: taken once a week (a second run finds it taken)."""
    week = rules.week_start(ctx.today)
    if await FunnelSnapshot.filter(week_start=week).exists():
        return {"week": week.isoformat(), "taken": False}
    stage_rules = pipeline_config(ctx.settings).stage_rules
    start, end = analytics.period_bounds(
        week - timedelta(weeks=rules.SNAPSHOT_WEEKS), week - timedelta(days=1), ctx.settings.time_zone
    )
    total, by_region = await analytics.funnel(
        visible(StageChange, SYSTEM_ACTOR), stage_rules, start, end, ["opportunity.account.region"]
    )
    rows = [
        FunnelSnapshot(
            week_start=week,
            region=region,
            stage=s["stage"],
            reached=s["reached"],
            conversion_to_next=s["conversion_to_next"],
            average_days=s["average_days"],
            lost=funnel["lost"],
        )
        for region, funnel in [(None, total), *((g["keys"]["opportunity.account.region"], g) for g in by_region)]
        for s in funnel["stages"]
    ]
    async with ctx.unit_of_work():
        await FunnelSnapshot.bulk_create(rows)
    return {"week": week.isoformat(), "taken": True, "rows": len(rows)}


async def refresh_target_accounts(ctx: JobContext) -> dict[str, Any]:
    """The quarter's target-account list from the ratings (kept once per quarter)."""
    from kamgraph.plugins.pipeline.targets import refresh_list

    quarter = rules.quarter_of(ctx.today)
    async with ctx.unit_of_work():
        made = await refresh_list(quarter, pipeline_config(ctx.settings).target_weights)
    return {"quarter": quarter, "entries": made}


PIPELINE_JOBS = [
    Job(
        "pipeline.report_overdue_timers",
        report_overdue_timers,
        every(hours=1),
        "Report follow-ups not made 48 hours after a first contact and solutions not delivered 5 working days after the needs report, once each.",
    ),
    Job(
        "pipeline.snapshot_funnel",
        snapshot_funnel,
        weekly(0, "03:00"),
        "Keep this week's funnel (the last 13 weeks of first contacts, all regions and each) so trends compare week over week.",
    ),
    Job(
        "pipeline.refresh_target_accounts",
        refresh_target_accounts,
        quarterly("04:00"),
        "Rank the rated candidate accounts into the quarter's target-account list, potential above 1,000,000 CNY first.",
    ),
]
