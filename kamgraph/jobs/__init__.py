"""Scheduled jobs: plugins register them through ``register_jobs``; one runner executes them.

A :class:`Job` is an idempotent async function with a :class:`~kamgraph.jobs.schedule.Schedule`. The
runner records every run (``JobRun``) and runs a job only while it holds the job's lease in the
database (``JobLock``), so a job never runs twice at once, whichever processes run the scheduler:
``kamgraph jobs worker``, the in-process scheduler of ``kamgraph serve``, or ``kamgraph jobs run``.
A runner that dies leaves a lease that expires after the job's ``timeout``; its run is then marked
abandoned. Jobs must be idempotent (a run may be repeated after a crash): write markers in the same
transaction as the work, e.g. "notice sent on" on the row it concerns.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Max

from kamgraph import tracing
from kamgraph.background import repeat
from kamgraph.jobs.models import JobLock, JobRun
from kamgraph.jobs.schedule import Schedule, daily, every, monthly, quarterly, weekly
from kamgraph.metrics import JOB_RUNS
from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.workdays import business_today

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from kamgraph.events import UnitOfWork
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.scope import Rows
    from kamgraph.settings import Settings

__all__ = [
    "Job",
    "JobContext",
    "JobRunner",
    "Schedule",
    "daily",
    "every",
    "monthly",
    "quarterly",
    "scheduler",
    "weekly",
]

log = logging.getLogger("kamgraph.jobs")
RETRY_FAILED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    """``name`` is ``<plugin>.<what>``; ``run(ctx)`` returns a JSON-able summary of what it did (or None)."""

    name: str
    run: Callable[[JobContext], Awaitable[Any]]
    schedule: Schedule
    description: str
    #: the lease; a run that takes longer may be started again elsewhere, so keep runs well inside it
    timeout: timedelta = timedelta(hours=1)


@dataclass
class JobContext:
    """What a running job gets: settings, the business day, and write transactions as the system actor."""

    job: Job
    settings: Settings
    pm: PluginManager
    event_types: Mapping[str, Any]
    run_id: int
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def today(self) -> date:
        return business_today(self.settings.time_zone, self.now)

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """One write transaction with audit and events, made by the system on behalf of this job."""
        from kamgraph.events import unit_of_work

        return unit_of_work(
            self.pm,
            SYSTEM_ACTOR,
            self.settings,
            self.event_types,
            request_id=f"job-run-{self.run_id}",
            operation_name=self.job.name,
        )


class JobRunner:
    """Runs the jobs of the enabled plugins, one lease each."""

    def __init__(self, pm: PluginManager, settings: Settings) -> None:
        self.pm = pm
        self.settings = settings
        self.jobs: dict[str, Job] = {name: job for name, (_, job) in pm.collect_unique("register_jobs", "job").items()}
        self.event_types = {
            name: text for name, (_, text) in pm.collect_unique("register_event_types", "event type").items()
        }
        self.holder = f"{socket.gethostname()}:{os.getpid()}"

    async def run(self, name: str, trigger: str = "manual", now: datetime | None = None) -> JobRun | None:
        """Run one job now; None when it is already running elsewhere. A failure is recorded, not raised."""
        job = self.jobs[name]
        started = now or datetime.now(UTC)
        run = await JobRun.create(job=name, trigger=trigger, status="running", holder=self.holder, started_at=started)
        if not await self._acquire(job, run.id):
            await run.delete()
            return None
        heartbeat = asyncio.create_task(self._keep_lease(job))
        try:
            with tracing.span(f"job {name}", **{"kamgraph.job": name, "kamgraph.trigger": trigger}):
                summary = await job.run(JobContext(job, self.settings, self.pm, self.event_types, run.id, started))
            run.status, run.summary = (
                "succeeded",
                json.dumps(summary, ensure_ascii=False, default=str) if summary is not None else None,
            )
        except Exception as exc:
            log.exception("job %s (run %s) failed", name, run.id)
            run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            heartbeat.cancel()
            run.finished_at = datetime.now(UTC)
            await run.save(update_fields=["status", "summary", "error", "finished_at"])
            await JobLock.filter(job=name, holder=self.holder).delete()
            JOB_RUNS.labels(name, run.status).inc()
        return run

    async def due(self, now: datetime | None = None) -> list[str]:
        """The jobs whose latest slot has no successful run yet (a failed one is retried after 10 minutes)."""
        now = now or datetime.now(UTC)
        names = []
        for name, job in self.jobs.items():
            slot = job.schedule.latest_slot(now, self.settings.zone)
            if await JobRun.filter(job=name, status__in=("succeeded", "running"), started_at__gte=slot).exists():
                continue
            if await JobRun.filter(job=name, status="failed", started_at__gte=now - RETRY_FAILED_AFTER).exists():
                continue
            names.append(name)
        return names

    async def run_due(self, now: datetime | None = None) -> list[JobRun]:
        runs = []
        for name in await self.due(now):
            if (run := await self.run(name, "schedule", now)) is not None:
                runs.append(run)
        return runs

    async def last_runs(self, rows: Rows | None = None) -> dict[str, JobRun]:
        """The latest run of each job (through ``rows``, a caller's scoped accessor, when given): two statements."""
        latest = (
            await JobRun.filter(job__in=list(self.jobs))
            .annotate(last=Max("id"))
            .group_by("job")
            .values_list("last", flat=True)
        )
        found = (
            await rows.get_many(latest) if rows is not None else {r.id: r for r in await JobRun.filter(id__in=latest)}
        )
        return {run.job: run for run in found.values()}

    async def _acquire(self, job: Job, run_id: int) -> bool:
        now = datetime.now(UTC)
        try:
            await JobLock.create(job=job.name, holder=self.holder, run_id=run_id, expires_at=now + job.timeout)
            return True
        except IntegrityError:
            pass
        expired = await JobLock.get_or_none(job=job.name, expires_at__lt=now)
        if expired is None or not await JobLock.filter(
            job=job.name, holder=expired.holder, expires_at=expired.expires_at
        ).update(holder=self.holder, run_id=run_id, expires_at=now + job.timeout):
            return False
        if expired.run_id is not None:  # its runner died mid-run
            await JobRun.filter(id=expired.run_id, status="running").update(status="abandoned", finished_at=now)
        return True

    async def _keep_lease(self, job: Job) -> None:
        while True:
            await asyncio.sleep(job.timeout.total_seconds() / 3)
            await JobLock.filter(job=job.name, holder=self.holder).update(expires_at=datetime.now(UTC) + job.timeout)


async def scheduler(runner: JobRunner, stop: asyncio.Event, interval: float = 30.0) -> None:
    """Run due jobs until ``stop`` is set."""
    await repeat(runner.run_due, stop, interval, "a job scheduling round")
