"""Demo data of the pipeline plugin: two years of opportunities at the demo accounts, moved through the
stages with realistic conversion (about 60 % at each step, half of negotiations won), each with its stage
history; the wins link a contract of their account. Deterministic for a seed and a day."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from kamgraph.plugin import Account, Contract, Edition, write_transaction
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.config import pipeline_config
from kamgraph.plugins.pipeline.models import (
    Opportunity,
    SalesTarget,
    StageChange,
    TargetAccountRating,
)
from kamgraph.plugins.pipeline.rules import Metric

SOURCES = ["行业峰会", "客户转介绍", "官网咨询", "渠道伙伴", "老客户增购"]
TITLES = ["数字化平台升级", "数据中台建设", "智能客服系统", "供应链协同平台", "安全合规改造", "年度运维服务"]
LOSS_REASONS = ["价格高于竞品", "客户预算冻结", "需求变更，项目搁置", "竞品方案更贴合现有系统"]
COMPETITORS = ["云启科技", "数智未来", "海纳软件"]


async def seed_pipeline(settings, seed: int, today) -> None:
    stage_rules = pipeline_config(settings).stage_rules
    rng = random.Random(seed * 13 + 5)
    now = datetime.combine(today, time(17), tzinfo=UTC)
    accounts = await Account.filter(archived_at__isnull=True, owner_id__isnull=False).order_by("id")
    contracts: dict[int, list[Contract]] = {}
    for contract in await Contract.filter(signed_on__isnull=False).order_by("signed_on"):
        contracts.setdefault(contract.account_id, []).append(contract)
    async with write_transaction():
        for account in accounts:
            for _ in range(rng.randint(1, 4)):
                await _opportunity(rng, stage_rules, account, contracts.get(account.id, []), now)
        await _targets(today.year, accounts, contracts)
        await _candidates(rng, accounts, today, pipeline_config(settings).target_weights)


async def _opportunity(
    rng: random.Random, stage_rules: rules.StageRules, account: Account, contracts: list[Contract], now: datetime
) -> None:
    first_contact = now - timedelta(days=rng.randint(1, 730), hours=rng.randint(0, 8))
    path, at = [stage_rules.first], first_contact
    moments = [first_contact]
    outcome = None
    for stage in stage_rules.funnel[1:]:
        at = at + timedelta(days=rng.randint(3, 35))
        if at > now:
            break
        if rng.random() < (0.55 if stage.outcome is rules.Outcome.WON else 0.62):
            path.append(stage)
            moments.append(at)
            if stage.outcome is rules.Outcome.WON:
                outcome = stage
        else:
            if (now - at).days > 20:  # long enough to call it lost
                path.append(stage_rules.lost)
                moments.append(at)
                outcome = stage_rules.lost
            break
    won = outcome is not None and outcome.outcome is rules.Outcome.WON
    linked = contracts.pop(0) if won and contracts else None
    if won and linked is None:  # no contract of the account to link: still negotiating
        path, moments = path[:-1], moments[:-1]
    final = path[-1]
    amount = Decimal(rng.randrange(200, 8000) * 1000)
    opportunity = await Opportunity.create(
        account_id=account.id,
        owner_id=account.owner_id,
        title=rng.choice(TITLES),
        amount=linked.amount if linked else amount,
        expected_close_on=(first_contact + timedelta(days=rng.randint(60, 180))).date(),
        edition=rng.choice(list(Edition)),
        lead_source=rng.choice(SOURCES),
        stage=final.code,
        probability=final.probability,
        stage_entered_at=moments[-1],
        loss_reason=rng.choice(LOSS_REASONS) if final.outcome is rules.Outcome.LOST else None,
        competitor=rng.choice(COMPETITORS) if final.outcome is rules.Outcome.LOST and rng.random() < 0.6 else None,
        contract_id=linked.id if linked and final.outcome is rules.Outcome.WON else None,
        closed_at=moments[-1] if final.outcome is not rules.Outcome.OPEN else None,
        first_contact_at=first_contact,
        follow_up_due_at=rules.follow_up_due(first_contact),
        followed_up_at=first_contact + timedelta(hours=rng.randint(2, 60))
        if (now - first_contact).days > 3 or rng.random() < 0.5
        else None,
        solution_submitted_at=moments[1] if len(moments) > 1 and path[1].outcome is not rules.Outcome.LOST else None,
    )
    for n, (stage, entered) in enumerate(zip(path, moments, strict=True)):
        await StageChange.create(
            opportunity_id=opportunity.id,
            from_stage=path[n - 1].code if n else None,
            to_stage=stage.code,
            entered_at=entered,
            left_at=moments[n + 1] if n + 1 < len(moments) else None,
            changed_by="demo",
            reason=opportunity.loss_reason if stage.outcome is rules.Outcome.LOST else None,
        )


async def _targets(year: int, accounts: list[Account], contracts: dict[int, list[Contract]]) -> None:
    """This year's revenue targets: 10 % over last year's signed value, by quarter, region and owner; the
    quarters deliberately 1 % short of the year, so that the demo shows a split that does not add up."""
    last_year = {
        a.id: sum((c.amount for c in contracts.get(a.id, []) if c.signed_on.year == year - 1), Decimal(0))
        for a in accounts
    }
    total = (sum(last_year.values(), Decimal(0)) * Decimal("1.1")).quantize(Decimal("1000"))
    department = await SalesTarget.create(metric=Metric.REVENUE, year=year, value=total)
    for quarter, share in ((1, "0.2"), (2, "0.25"), (3, "0.25"), (4, "0.29")):
        await SalesTarget.create(
            metric=Metric.REVENUE, year=year, quarter=quarter, value=total * Decimal(share), parent=department
        )
    by_region: dict[str, Decimal] = {}
    by_owner: dict[int, Decimal] = {}
    for account in accounts:
        by_region[account.region.value] = by_region.get(account.region.value, Decimal(0)) + last_year[
            account.id
        ] * Decimal("1.1")
        by_owner[account.owner_id] = by_owner.get(account.owner_id, Decimal(0)) + last_year[account.id] * Decimal("1.1")
    for region, value in sorted(by_region.items()):
        await SalesTarget.create(
            metric=Metric.REVENUE, year=year, region=region, value=value.quantize(Decimal("0.01")), parent=department
        )
    for owner, value in sorted(by_owner.items()):
        await SalesTarget.create(
            metric=Metric.REVENUE, year=year, person_id=owner, value=value.quantize(Decimal("0.01")), parent=department
        )


async def _candidates(rng: random.Random, accounts: list[Account], today, weights) -> None:
    """Ratings for a quarter of the accounts, and this quarter's target-account list made from them."""
    from kamgraph.plugins.pipeline.targets import refresh_list

    for account in rng.sample(accounts, k=len(accounts) // 4):
        await TargetAccountRating.create(
            account_id=account.id,
            industry_position=rng.randint(1, 5),
            strategic_fit=rng.randint(1, 5),
            purchase_potential=Decimal(rng.randrange(100, 15000) * 1000),
            rated_by="demo",
        )
    await refresh_list(rules.quarter_of(today), weights)
