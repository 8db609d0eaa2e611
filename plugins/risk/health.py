"""The risk plugin's health signals (``register_health_signals``): payment behaviour and open warnings,
each read in two statements or fewer for a whole page of accounts, through the caller's scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kamgraph.plugin import HealthSignal, Instalment, SignalContext, SignalValue
from kamgraph.plugins.risk import rules, services
from kamgraph.plugins.risk.models import RiskWarning
from kamgraph.plugins.risk.rules import AgeingBucket, WarningLevel

BUCKET_WORDS = {
    AgeingBucket.DAYS_1_30: "1-30",
    AgeingBucket.DAYS_31_60: "31-60",
    AgeingBucket.DAYS_61_90: "61-90",
    AgeingBucket.OVER_90: "over 90",
}


async def payment_behaviour(ctx: SignalContext, account_ids: Sequence[int]) -> dict[int, SignalValue]:
    """From the most overdue money each account owes; accounts owing nothing on signed contracts get no reading."""
    if ctx.actor is None or not ctx.actor.can("contracts.read"):
        return {}
    rows = ctx.rows(Instalment).where("contract.account", list(account_ids)).where("contract.status", services.EXPOSED)
    groups = await rows.where("contract.archived_at", None).aggregate(
        ["contract.account"], counts=services.bucket_conditions(ctx.today)
    )
    found = {}
    for group in groups:
        owed = group["counts"]  # how many instalments are late in each bucket: no amounts, so any reader may see it
        worst = next((b for b in reversed(AgeingBucket) if owed[b.value] > 0), AgeingBucket.CURRENT)
        detail = (
            "nothing overdue"
            if worst is AgeingBucket.CURRENT
            else f"the oldest unpaid instalment is {BUCKET_WORDS[worst]} days overdue"
        )
        found[group["keys"]["contract.account"]] = SignalValue(rules.payment_behaviour_score(worst), detail)
    return found


async def open_warnings(ctx: SignalContext, account_ids: Sequence[int]) -> dict[int, SignalValue]:
    """100 less a weight per open warning by level; no reading for a caller who may not see warnings."""
    if ctx.actor is None or not ctx.actor.can("risk.read"):
        return {}
    groups = (
        await ctx.rows(RiskWarning)
        .where("account", list(account_ids))
        .where("resolved_at", None)
        .aggregate(["account", "level"])
    )
    levels: dict[int, dict[WarningLevel, int]] = defaultdict(dict)
    for group in groups:
        levels[group["keys"]["account"]][WarningLevel(group["keys"]["level"])] = group["count"]
    found = {}
    for account_id in account_ids:
        counted = levels.get(account_id, {})
        total = sum(counted.values())
        by_level = ", ".join(
            f"{n} {level.value.lower()}"
            for level, n in sorted(counted.items(), key=lambda item: -rules.LEVEL_RANK[item[0]])
        )
        detail = f"{total} open warning{'s' if total > 1 else ''} ({by_level})" if total else "no open warnings"
        found[account_id] = SignalValue(rules.warnings_score(counted), detail)
    return found


RISK_SIGNALS = [
    HealthSignal(
        "risk.payment_behaviour",
        "How late the account's unpaid instalments are: 100 when nothing is overdue, "
        "20 when money is over 90 days late.",
        payment_behaviour,
    ),
    HealthSignal(
        "risk.open_warnings",
        "Open early warnings: 100 less 30 per high, 15 per medium and 5 per low one.",
        open_warnings,
    ),
]
