"""The pipeline's scheduled job: timers that ran out (§3.1.2, §3.1.4) become events, each once.

A follow-up not recorded 48 hours after the first contact, and a solution not delivered 5 working days
after the needs report, are reported as ``opportunity.follow_up_overdue`` and ``opportunity.solution_overdue``.
The day it was reported is written on the row in the transaction that emits the event, so a run repeated
reports nothing twice.
"""

from __future__ import annotations

from typing import Any

from kamgraph.ids import to_global_id
from kamgraph.jobs import Job, JobContext, every
from kamgraph.plugins.pipeline.config import pipeline_config
from kamgraph.plugins.pipeline.models import Opportunity


async def report_overdue_timers(ctx: JobContext) -> dict[str, Any]:
    open_codes = [s.code for s in pipeline_config(ctx.settings).stage_rules.open]
    now = ctx.now
    async with ctx.unit_of_work() as unit:
        live = Opportunity.filter(stage__in=open_codes, archived_at__isnull=True)
        late_follow_ups = await live.filter(follow_up_due_at__lt=now, followed_up_at__isnull=True, follow_up_overdue_reported_at__isnull=True)
        for o in late_follow_ups:
            unit.emit("opportunity.follow_up_overdue", o.node_id, accountId=to_global_id("Account", o.account_id),
                      ownerId=to_global_id("Person", o.owner_id), dueAt=o.follow_up_due_at.isoformat())
        await Opportunity.filter(id__in=[o.id for o in late_follow_ups]).update(follow_up_overdue_reported_at=now)
        late_solutions = await live.filter(solution_due_on__lt=ctx.today, solution_submitted_at__isnull=True,
                                           solution_overdue_reported_at__isnull=True)
        for o in late_solutions:
            unit.emit("opportunity.solution_overdue", o.node_id, accountId=to_global_id("Account", o.account_id),
                      ownerId=to_global_id("Person", o.owner_id), dueOn=o.solution_due_on.isoformat())
        await Opportunity.filter(id__in=[o.id for o in late_solutions]).update(solution_overdue_reported_at=now)
    return {"followUpsOverdue": len(late_follow_ups), "solutionsOverdue": len(late_solutions)}


PIPELINE_JOBS = [
    Job("pipeline.report_overdue_timers", report_overdue_timers, every(hours=1),
        "Report follow-ups not made 48 hours after a first contact and solutions not delivered 5 working days after the needs report, once each."),
]
