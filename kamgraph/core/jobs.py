"""The core's scheduled jobs: overdue instalments become events, expired credentials and replays are purged.

Both are idempotent: an instalment is reported overdue once (the day is kept on the row, written in
the transaction that emits the event), and purging what has expired twice deletes nothing the second time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q, Subquery

from kamgraph.core.contracts.models import Contract, ContractStatus, Instalment
from kamgraph.ids import to_global_id
from kamgraph.jobs import Job, JobContext, daily, every

BATCH = 500
JOB_RUNS_KEPT = timedelta(days=90)


async def report_overdue_instalments(ctx: JobContext) -> dict[str, Any]:
    """Emit ``payment.overdue`` once for every instalment of a signed or active contract left unpaid past its due day."""
    reported = 0
    while True:
        async with ctx.unit_of_work() as unit:
            owing = Contract.filter(
                status__in=(ContractStatus.SIGNED, ContractStatus.ACTIVE), archived_at__isnull=True
            ).values("id")
            batch = await (
                Instalment.filter(
                    due_on__lt=ctx.today,
                    overdue_reported_on__isnull=True,
                    paid_amount__lt=F("amount"),
                    contract_id__in=Subquery(owing),
                )
                .order_by("id")
                .limit(BATCH)
                .prefetch_related("contract")
            )
            for instalment in batch:
                contract = instalment.contract
                unit.emit(
                    "payment.overdue",
                    instalment.node_id,
                    contractId=contract.node_id,
                    number=contract.number,
                    accountId=to_global_id("Account", contract.account_id),
                    dueOn=instalment.due_on.isoformat(),
                    daysOverdue=(ctx.today - instalment.due_on).days,
                )
            await Instalment.filter(id__in=[i.id for i in batch]).update(overdue_reported_on=ctx.today)
        reported += len(batch)
        if len(batch) < BATCH:
            return {"reported": reported}


async def purge_expired(ctx: JobContext) -> dict[str, int]:
    """Delete idempotency records past their 24 hours, sessions and login throttles long expired, and
    the records of job runs older than 90 days."""
    from kamgraph.api.idempotency import KEPT
    from kamgraph.jobs.models import JobRun
    from kamgraph.security.models import IdempotencyRecord, LoginThrottle, Session

    now = datetime.now(UTC)
    async with ctx.unit_of_work():
        replays = await IdempotencyRecord.filter(created_at__lt=now - KEPT).delete()
        sessions = await Session.filter(expires_at__lt=now - timedelta(days=1)).delete()
        throttles = await LoginThrottle.filter(
            Q(locked_until__isnull=True, window_started_at__lt=now - timedelta(days=1))
            | Q(locked_until__lt=now - timedelta(days=1))
        ).delete()
        runs = await JobRun.filter(started_at__lt=now - JOB_RUNS_KEPT).exclude(status="running").delete()
    return {"idempotencyRecords": replays, "sessions": sessions, "loginThrottles": throttles, "jobRuns": runs}


CORE_JOBS = [
    Job(
        "core.report_overdue_instalments",
        report_overdue_instalments,
        daily("01:00"),
        "Emit payment.overdue once for each instalment unpaid after its due day (dunning and reminders start from it).",
    ),
    Job(
        "core.purge_expired",
        purge_expired,
        every(hours=1),
        "Delete idempotency records older than 24 hours, sessions and login throttles expired a day ago, job runs older than 90 days.",
    ),
]
