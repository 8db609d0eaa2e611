"""Demo data of the risk plugin: an assessment for most accounts (a few rated D, a few expired), one
override, a risk register, contingency plans in each state and competitor offers. Deterministic for a seed
and a day; dunning notices and warnings come from the plugin's jobs, which ``serve`` runs at start-up."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from kamgraph.plugin import Account, Contract, ContractStatus, write_transaction
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    ContingencyTask,
    CreditAssessment,
    CreditOverride,
    RegisteredRisk,
)
from kamgraph.plugins.risk.rules import (
    Check,
    PlanStatus,
    PlanType,
    RiskKind,
    RiskStatus,
)

NOTES = {
    Check.CREDIT_REPORT: ["央行征信报告无不良记录", "征信报告有两次逾期记录", "企业信用报告良好，无诉讼"],
    Check.INDUSTRY_REPUTATION: ["行业口碑良好，合作伙伴评价高", "同行反馈付款偶有拖延", "行业协会会员，信誉稳定"],
    Check.FINANCIAL_CONDITION: ["近三年营收稳定增长，现金流充足", "资产负债率偏高，需关注", "年报显示净利润下滑"],
}


async def seed_risk(settings, seed: int, today) -> None:
    config = risk_config(settings)
    rng = random.Random(seed * 7 + 11)
    accounts = await Account.filter(archived_at__isnull=True).order_by("id")
    rows = []
    for account in accounts:
        if rng.random() < 0.1:
            continue  # never assessed: signing its contracts is refused until someone assesses it
        scores = {check: rng.randint(35, 100) for check in Check}
        band = rules.band_for(rules.combined_score(scores, config.weight_of), config.bands)
        start = today - timedelta(days=rng.randint(0, 330))
        if rng.random() < 0.08:  # expired a while ago
            start -= timedelta(days=400)
        notes = {check: rng.choice(NOTES[check]) for check in Check}
        rows.append(
            CreditAssessment(
                account_id=account.id,
                sequence=1,
                valid_from=start,
                valid_until=rules.default_valid_until(start, config.assessment_months),
                credit_report_score=scores[Check.CREDIT_REPORT],
                industry_reputation_score=scores[Check.INDUSTRY_REPUTATION],
                financial_condition_score=scores[Check.FINANCIAL_CONDITION],
                credit_report_notes=notes[Check.CREDIT_REPORT],
                industry_reputation_notes=notes[Check.INDUSTRY_REPUTATION],
                financial_condition_notes=notes[Check.FINANCIAL_CONDITION],
                score=rules.combined_score(scores, config.weight_of),
                rating=band.rating,
                credit_limit=band.credit_limit,
                payment_terms_days=band.payment_terms_days,
                prepayment=band.prepayment,
                assessed_by="demo",
            )
        )
    async with write_transaction():
        await CreditAssessment.bulk_create(rows)
        await _seed_register(rng, accounts, today)
        approved = (
            await Contract.filter(status=ContractStatus.APPROVED, archived_at__isnull=True).order_by("id").first()
        )
        if approved is not None:
            await CreditOverride.create(
                contract_id=approved.id,
                account_id=approved.account_id,
                granted_by="demo",
                reason="战略客户，总监批准超额度签约",
            )


RISKS = [
    (RiskKind.CREDIT, "回款周期持续拉长", "客户近两个季度付款平均延迟20天以上"),
    (RiskKind.COOPERATION, "关键决策人可能调岗", "客户CIO有调任集团总部的传闻"),
    (RiskKind.POLICY, "数据出境新规影响部署方案", "新规要求核心数据境内存储，需评估现有架构"),
    (RiskKind.COOPERATION, "竞争对手深度接触", "竞品厂商已向客户采购部提交方案"),
]
COMPETITORS = [
    ("云启科技", "低于我方报价15%"),
    ("数智未来", "免费迁移服务加一年维保"),
    ("海纳软件", "按用量计费，首年五折"),
]


async def _seed_register(rng: random.Random, accounts: list[Account], today) -> None:
    owners = {a.id: a.owner_id for a in accounts}
    now = datetime.combine(today, time(10), tzinfo=UTC)
    risks = []
    for account in rng.sample(accounts, k=min(36, len(accounts))):
        kind, title, description = rng.choice(RISKS)
        risks.append(
            RegisteredRisk(
                account_id=account.id,
                kind=kind,
                title=title,
                description=description,
                probability=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                owner_id=owners[account.id],
                status=rng.choice(list(RiskStatus)[:2]),
            )
        )
    await RegisteredRisk.bulk_create(risks)
    chosen = rng.sample(accounts, k=min(6, len(accounts)))
    for n, account in enumerate(chosen):
        plan_type = list(PlanType)[n % 3]
        task, hours = rules.FIRST_TASKS[plan_type]
        plan = ContingencyPlan(
            account_id=account.id, plan_type=plan_type, title=f"{plan_type.value.replace('_', ' ').title()} plan"
        )
        if n >= 2:  # activated: one post-mortem overdue, one due, two written
            occurred = now - timedelta(hours=(72, 12, 96, 200)[n - 2])
            plan.status, plan.activated_at, plan.event_occurred_at = PlanStatus.ACTIVE, occurred, occurred
            plan.event_summary = "事件已发生，预案启动"
            plan.post_mortem_due_at = rules.hours_after(occurred, rules.POST_MORTEM_HOURS)
            if n >= 4:
                plan.status, plan.post_mortem, plan.post_mortem_at = (
                    PlanStatus.CLOSED,
                    "复盘：根因已定位并完成整改",
                    occurred + timedelta(hours=40),
                )
        await plan.save()
        if plan.activated_at:
            await ContingencyTask.create(
                plan=plan, title=task, due_at=rules.hours_after(plan.activated_at, hours), done_at=plan.post_mortem_at
            )
    for n, account in enumerate(rng.sample(accounts, k=min(9, len(accounts)))):
        competitor, offer = COMPETITORS[n % 3]
        seen = now - timedelta(hours=(6, 30, 60)[n % 3])
        row = CompetitorOffer(
            account_id=account.id,
            competitor=competitor,
            offer=offer,
            seen_at=seen,
            recorded_by="demo",
            comparison_due_at=rules.hours_after(seen, rules.COMPARISON_HOURS),
        )
        if n % 4 == 0:
            row.comparison, row.compared_at, row.compared_by = (
                "我方提供4小时响应SLA与本地化团队",
                seen + timedelta(hours=20),
                "demo",
            )
        await row.save()
