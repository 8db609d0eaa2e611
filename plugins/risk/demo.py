"""Demo data of the risk plugin: an assessment for most accounts (a few rated D, a few expired), and one
override. Deterministic for a seed and a day; dunning notices come from the dunning job, which ``serve``
runs at start-up over the demo's overdue instalments."""

from __future__ import annotations

import random
from datetime import timedelta

from kamgraph.core.accounts.models import Account
from kamgraph.core.contracts.models import Contract, ContractStatus
from kamgraph.db import write_transaction
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.models import CreditAssessment, CreditOverride
from kamgraph.plugins.risk.rules import Check

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
        rows.append(CreditAssessment(
            account_id=account.id, sequence=1, valid_from=start, valid_until=rules.default_valid_until(start, config.assessment_months),
            credit_report_score=scores[Check.CREDIT_REPORT], industry_reputation_score=scores[Check.INDUSTRY_REPUTATION],
            financial_condition_score=scores[Check.FINANCIAL_CONDITION], credit_report_notes=notes[Check.CREDIT_REPORT],
            industry_reputation_notes=notes[Check.INDUSTRY_REPUTATION], financial_condition_notes=notes[Check.FINANCIAL_CONDITION],
            score=rules.combined_score(scores, config.weight_of), rating=band.rating, credit_limit=band.credit_limit,
            payment_terms_days=band.payment_terms_days, prepayment=band.prepayment, assessed_by="demo",
        ))
    async with write_transaction():
        await CreditAssessment.bulk_create(rows)
        approved = await Contract.filter(status=ContractStatus.APPROVED, archived_at__isnull=True).order_by("id").first()
        if approved is not None:
            await CreditOverride.create(contract_id=approved.id, account_id=approved.account_id, granted_by="demo",
                                        reason="战略客户，总监批准超额度签约")
