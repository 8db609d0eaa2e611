"""The risk plugin's scheduled jobs: dunning (§3.5.2) and early warnings (§1.2.4.1).

Every day, each unpaid instalment of a signed or active contract that is 30, 60 or 90 days overdue gets
its first, second or final notice, and after 90 days the case goes to legal. A notice is a row, unique per
instalment and stage, written in the transaction that emits its event: running the job twice on a day
issues nothing the second time, and a crash between the two cannot lose or repeat a notice. Payment
stops the sequence, since only unpaid instalments are looked at.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from tortoise.expressions import F, Subquery

from kamgraph.plugin import Contract, Instalment, Job, JobContext, create, daily, every, to_global_id
from kamgraph.plugins.risk import rules, services
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.models import DunningNotice
from kamgraph.plugins.risk.rules import DunningStage
from kamgraph.plugins.risk.services import EXPOSED

BATCH = 500


async def issue_dunning_notices(ctx: JobContext) -> dict[str, Any]:
    """Issue today's notices, in batches of instalments, one transaction each."""
    days = risk_config(ctx.settings).dunning
    latest_due = ctx.today - timedelta(days=min(days.values()))
    issued: dict[str, int] = defaultdict(int)
    after = 0
    while True:
        async with ctx.unit_of_work() as unit:
            owing = Contract.filter(status__in=EXPOSED, archived_at__isnull=True).values("id")
            batch = await (
                Instalment.filter(
                    id__gt=after, due_on__lte=latest_due, paid_amount__lt=F("amount"), contract_id__in=Subquery(owing)
                )
                .order_by("id")
                .limit(BATCH)
                .prefetch_related("contract")
            )
            sent: dict[int, set[DunningStage]] = defaultdict(set)
            for instalment_id, stage in await DunningNotice.filter(instalment_id__in=[i.id for i in batch]).values_list(
                "instalment_id", "stage"
            ):
                sent[instalment_id].add(DunningStage(stage))
            for instalment in batch:
                overdue = (ctx.today - instalment.due_on).days
                stage = rules.dunning_step(overdue, sent[instalment.id], days)
                if stage is None:
                    continue
                contract = instalment.contract
                notice = await create(
                    DunningNotice,
                    audit_account=contract.account_id,
                    instalment_id=instalment.id,
                    contract_id=contract.id,
                    account_id=contract.account_id,
                    stage=stage,
                    days_overdue=overdue,
                    outstanding=instalment.amount - instalment.paid_amount,
                    issued_on=ctx.today,
                )
                about = {
                    "instalmentId": instalment.node_id,
                    "contractId": contract.node_id,
                    "number": contract.number,
                    "accountId": to_global_id("Account", contract.account_id),
                    "dueOn": instalment.due_on.isoformat(),
                    "daysOverdue": overdue,
                }
                unit.emit("risk.dunning_notice.issued", notice.node_id, stage=stage.value, **about)
                if stage is DunningStage.LEGAL:
                    unit.emit("risk.legal_case.opened", notice.node_id, **about)
                issued[stage.value] += 1
        if len(batch) < BATCH:
            return {"issued": dict(issued)}
        after = batch[-1].id


async def raise_warnings(ctx: JobContext) -> dict[str, Any]:
    """Run every warning rule over the portfolio and raise or escalate what they find (idempotent: one
    warning per cause, ever)."""
    config = risk_config(ctx.settings)
    findings = [
        *await services.overdue_findings(ctx.today),
        *await services.exposure_findings(ctx.today, config),
        *await services.contact_findings(),
        *await services.purchase_findings(ctx.today, config),
    ]
    async with ctx.unit_of_work() as unit:
        return await services.raise_warnings(unit, findings)


RISK_JOBS = [
    Job(
        "risk.issue_dunning_notices",
        issue_dunning_notices,
        daily("02:00"),
        "Issue the first, second and final dunning notice at 30, 60 and 90 days overdue, then open a legal case; each once.",
    ),
    Job(
        "risk.raise_warnings",
        raise_warnings,
        every(hours=1),
        "Raise early warnings (overdue payment, falling purchases, key contact left, exposure near the limit), once per cause.",
    ),
]
