"""GraphQL for the job runner: ``jobs`` (what runs when, and how it last went) and ``jobRuns`` (history)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from kamgraph.api import (
    Connection,
    Node,
    OrderDirection,
    context,
    list_connection,
    order_input,
)
from kamgraph.api.nodes import node_type_of
from kamgraph.jobs import JobRunner
from kamgraph.jobs.models import JobRun


@strawberry.type(name="JobRun", description="One run of a scheduled job.")
class JobRunType(Node):
    is_type_of = node_type_of(JobRun)

    job: str
    trigger: str = strawberry.field(description="schedule or manual")
    status: str = strawberry.field(description="running, succeeded, failed or abandoned (its runner died)")
    holder: str = strawberry.field(description="The host and process that ran it.")
    started_at: datetime
    finished_at: datetime | None
    error: str | None

    @strawberry.field(description="What the job reported it did.")
    def summary(self) -> JSON | None:
        return json.loads(self.summary) if self.summary else None


@strawberry.type(description="A scheduled job of an enabled plugin.")
class Job:
    name: str
    description: str
    schedule: str
    due: bool = strawberry.field(
        description="Its latest slot has no successful run yet: the next scheduler round starts it."
    )
    last_run: JobRunType | None


@strawberry.enum
class JobRunOrderField(Enum):
    STARTED_AT = "started_at"


JobRunOrder = order_input("JobRunOrder", JobRunOrderField)
NEWEST_FIRST = [JobRunOrder(field=JobRunOrderField.STARTED_AT, direction=OrderDirection.DESC)]


@strawberry.type
class JobQueries:
    @strawberry.field(description="The scheduled jobs, with their last run (empty without jobs.read).")
    async def jobs(self, info: Info) -> list[Job]:
        ctx = context(info)
        if ctx.actor is None or not ctx.actor.can("jobs.read"):
            return []
        runner = JobRunner(ctx.pm, ctx.settings)
        last, due = await runner.last_runs(ctx.rows(JobRun)), set(await runner.due())
        return [
            Job(
                name=name,
                description=job.description,
                schedule=job.schedule.describe(),
                due=name in due,
                last_run=last.get(name),
            )
            for name, job in sorted(runner.jobs.items())
        ]

    @strawberry.field(description="Runs of the scheduled jobs, newest first (jobs.read).")
    async def job_runs(
        self, info: Info, job: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[JobRunType]:
        rows = context(info).rows(JobRun)
        return await list_connection(
            info, rows.where("job", job) if job else rows, order_by=NEWEST_FIRST, first=first, after=after
        )
