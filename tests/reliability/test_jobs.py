"""The job runner: every run recorded, one run at a time across processes, due jobs only, core jobs idempotent."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import _SITE, TEST_KEY
from factories import account, contract, staff, today

from kamgraph.core.contracts.models import ContractStatus, Instalment
from kamgraph.jobs import Job, JobRunner, every
from kamgraph.jobs.models import JobLock, JobRun
from kamgraph.security.actors import Role
from kamgraph.security.models import IdempotencyRecord, OutboxEvent

TALLY = "kam_testplugin.tally_notes"


async def test_a_run_is_recorded_with_its_summary_and_failures_with_their_error(pm, settings, clean):
    runner = JobRunner(pm, settings)
    assert {"core.report_overdue_instalments", "core.purge_expired", TALLY} <= set(runner.jobs)
    run = await runner.run(TALLY)
    assert (run.status, run.summary, run.trigger) == ("succeeded", '{"notes": 0}', "manual")

    async def broken(ctx):
        raise RuntimeError("the ledger is unreachable")

    runner.jobs["test.broken"] = Job("test.broken", broken, every(hours=1), "fails")
    failed = await runner.run("test.broken")
    assert failed.status == "failed" and failed.error == "RuntimeError: the ledger is unreachable"
    assert await JobLock.all().count() == 0  # the lease went with the run
    assert "test.broken" not in await runner.due()  # a failed job waits 10 minutes before it is tried again
    assert "test.broken" in await runner.due(datetime.now(UTC) + timedelta(minutes=11))


async def test_due_jobs_run_once_per_slot(pm, settings, clean):
    runner = JobRunner(pm, settings)
    # twenty past the hour: six minutes later is the same hour (near the hour, the hourly jobs would be due again)
    start = datetime.now(UTC).replace(minute=20, second=0, microsecond=0)
    first = {run.job for run in await runner.run_due(start)}
    assert first == set(runner.jobs)  # nothing has ever run: everything is due once
    assert await runner.run_due(start) == []  # and then not again until its next slot
    later = start + timedelta(minutes=6)
    assert [run.job for run in await runner.run_due(later)] == [
        TALLY
    ]  # every 5 minutes; the others are hourly or daily


async def test_two_runners_never_run_a_job_at_once(pm, settings, clean, monkeypatch):
    monkeypatch.setenv("KAM_TESTPLUGIN_JOB_SECONDS", "0.5")
    one, other = JobRunner(pm, settings), JobRunner(pm, settings)
    other.holder = "another-host:1"
    runs = await asyncio.gather(one.run(TALLY), other.run(TALLY))
    assert sorted(run is None for run in runs) == [False, True]
    assert await JobRun.filter(job=TALLY).count() == 1  # the refused attempt leaves no record


async def test_a_lease_left_by_a_dead_runner_expires_and_its_run_is_marked_abandoned(pm, settings, clean):
    past = datetime.now(UTC) - timedelta(hours=2)
    dead = await JobRun.create(job=TALLY, trigger="schedule", status="running", holder="gone:1", started_at=past)
    await JobLock.create(job=TALLY, holder="gone:1", run_id=dead.id, expires_at=past + timedelta(hours=1))
    run = await JobRunner(pm, settings).run(TALLY)
    assert run.status == "succeeded"
    assert (await JobRun.get(id=dead.id)).status == "abandoned"


async def test_separate_processes_share_the_lock(pm, settings, clean, tmp_path: Path):
    environment = {
        **os.environ,
        "KAMGRAPH_DATABASE_URL": settings.database_url,
        "KAMGRAPH_PLUGINS": "kam_testplugin",
        "KAMGRAPH_SECRET_KEY": TEST_KEY,
        "KAM_TESTPLUGIN_JOB_SECONDS": "6",
        "PYTHONPATH": os.pathsep.join([str(_SITE), str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "kamgraph.cli", "jobs", "run", TALLY]

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            command, env=environment, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    first = start()
    for _ in range(600):  # the second starts once the first holds the lease, however slow the machine
        if await JobLock.filter(job=TALLY).exists() or first.poll() is not None:
            break
        await asyncio.sleep(0.1)
    processes = [first, start()]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert sorted(p.returncode for p in processes) == [0, 3], (
        outputs
    )  # one ran it, the other was told it runs elsewhere
    assert await JobRun.filter(job=TALLY, status="succeeded").count() == 1


async def test_overdue_instalments_are_reported_once(pm, settings, clean):
    customer = await account()
    late = await contract(
        customer, "1000.00", ContractStatus.ACTIVE, start_on=today() - timedelta(days=100)
    )  # first due 70 days ago
    await contract(
        customer, "500.00", ContractStatus.DRAFT, start_on=today() - timedelta(days=100)
    )  # drafts owe nothing
    paid = await contract(customer, "800.00", ContractStatus.ACTIVE, start_on=today() - timedelta(days=100))
    await Instalment.filter(contract_id=paid.id).update(paid_amount=400)
    runner = JobRunner(pm, settings)
    run = await runner.run("core.report_overdue_instalments")
    assert run.summary == '{"reported": 1}'
    event = await OutboxEvent.get(type="payment.overdue")
    assert event.account_id == customer.id and late.number in event.data and '"daysOverdue": 70' in event.data
    again = await runner.run("core.report_overdue_instalments")
    assert again.summary == '{"reported": 0}' and await OutboxEvent.filter(type="payment.overdue").count() == 1


async def test_purge_removes_only_what_has_expired(pm, settings, clean):
    now = datetime.now(UTC)
    await IdempotencyRecord.create(key_hash="old", request_hash="x", created_at=now - timedelta(hours=25))
    await IdempotencyRecord.create(key_hash="new", request_hash="x", created_at=now - timedelta(hours=1))
    await JobRun.create(
        job=TALLY, trigger="schedule", status="succeeded", holder="h:1", started_at=now - timedelta(days=91)
    )
    run = await JobRunner(pm, settings).run("core.purge_expired")
    assert run.summary == '{"idempotencyRecords": 1, "sessions": 0, "loginThrottles": 0, "jobRuns": 1}'
    assert [r.key_hash for r in await IdempotencyRecord.all()] == ["new"]


JOBS = """{ jobs { name schedule due lastRun { status summary trigger } }
  jobRuns(job: "core.purge_expired", first: 5) { totalCount edges { node { status startedAt } } } }"""


async def test_directors_see_jobs_and_their_runs_and_others_see_none(gql, pm, settings, actor_for):
    await JobRunner(pm, settings).run("core.purge_expired")
    await JobRunner(pm, settings).run("core.purge_expired")
    data = await gql(JOBS)
    jobs = {job["name"]: job for job in data["jobs"]}
    assert jobs["core.purge_expired"]["lastRun"] == {
        "status": "SUCCEEDED",
        "trigger": "manual",
        "summary": {"idempotencyRecords": 0, "sessions": 0, "loginThrottles": 0, "jobRuns": 0},
    }
    assert jobs["core.purge_expired"]["due"] is False and jobs["core.report_overdue_instalments"]["due"] is True
    assert jobs["core.report_overdue_instalments"]["schedule"] == "daily at 01:00"
    assert data["jobRuns"]["totalCount"] == 2
    manager = actor_for(await staff("Li Wei"), Role.ACCOUNT_MANAGER)
    hidden = await gql(JOBS, actor=manager)
    assert hidden["jobs"] == [] and hidden["jobRuns"]["totalCount"] == 0
