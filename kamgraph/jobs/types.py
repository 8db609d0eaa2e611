"""GraphQL for the job runner: ``jobs`` (what runs when, and how it last went) and ``jobRuns`` (history)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from kamgraph.api import (
    Connection,
    Node,
    OrderDirection,
    context,
    described_enum,
    list_connection,
    order_input,
)
from kamgraph.api.fields import computed_field
from kamgraph.api.nodes import node_type_of
from kamgraph.jobs import JobRunner
from kamgraph.jobs.models import JobRun


class JobRunStatus(Enum):
    """The values of ``JobRun.status``, as the table stores them."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"


JobRunStatusEnum = described_enum(
    JobRunStatus,
    "How a run of a scheduled job stands or ended.",
    {
        "RUNNING": "Started and not finished yet.",
        "SUCCEEDED": "Finished without error; its summary says what it did.",
        "FAILED": "Raised an error (see error); the scheduler tries again 10 minutes later at the earliest.",
        "ABANDONED": "Its runner died mid-run: another runner took the job's lease over after it expired.",
    },
    name="JobRunStatus",
)


@strawberry.type(name="JobRun", description="One run of a scheduled job.")
class JobRunType(Node):
    is_type_of = node_type_of(JobRun)

    job: str = strawberry.field(description="The job's name, <plugin>.<what>, e.g. core.purge_expired.")
    trigger: str = strawberry.field(description="schedule or manual")
    status = computed_field(
        lambda run: JobRunStatus(run.status),
        JobRunStatusEnum,
        ("status",),
        "Whether the run is still going, succeeded, failed, or was abandoned (its runner died).",
    )
    holder: str = strawberry.field(description="The host and process that ran it.")
    started_at: datetime = strawberry.field(description="When the run started.")
    finished_at: datetime | None = strawberry.field(
        description="When it succeeded, failed or was found abandoned; null while RUNNING."
    )
    error: str | None = strawberry.field(description="With FAILED: the error it raised; null otherwise.")

    @strawberry.field(description="What the job reported it did.")
    def summary(self) -> JSON | None:
        return json.loads(self.summary) if self.summary else None


@strawberry.type(description="A scheduled job of an enabled plugin.")
class Job:
    name: str = strawberry.field(description="The job's name, <plugin>.<what>, e.g. core.purge_expired.")
    description: str = strawberry.field(description="What the job does, as its plugin describes it.")
    schedule: str = strawberry.field(
        description='When it runs, in words and in the business time zone, e.g. "daily at 01:00" or "every 5 minutes".'
    )
    due: bool = strawberry.field(
        description="Its latest slot has no successful run yet: the next scheduler round starts it."
    )
    last_run: JobRunType | None = strawberry.field(description="Its most recent run; null if it never ran.")


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
        self,
        info: Info,
        job: Annotated[
            str | None,
            strawberry.argument(description="Only the runs of this job (by name); every job's when omitted."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[JobRunType]:
        rows = context(info).rows(JobRun)
        return await list_connection(
            info, rows.where("job", job) if job else rows, order_by=NEWEST_FIRST, first=first, after=after
        )
