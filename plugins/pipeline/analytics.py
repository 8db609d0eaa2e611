"""The pipeline's figures, each one SQL statement through the caller's scoped rows: opportunity totals,
the weighted forecast by month (and quarter), and the funnel: how many of a period's opportunities reached
each stage, the conversion to the next and the days spent in each (§3.6.2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from kamgraph.plugin import Rows, seconds_between
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.rules import StageRules

WEIGHTED = 't."amount" * t."probability"'


def totals(rows: Rows, group_by: Sequence[str]) -> Any:
    """Count, amount and weighted amount of opportunities, in total and per group."""
    return rows.aggregate(list(group_by), {"amount": 't."amount"', "weighted": WEIGHTED})


async def forecast(rows: Rows, stage_rules: StageRules, start: date, months: int) -> list[dict[str, Any]]:
    """Open opportunities expected to close in each of ``months`` months from ``start``'s: count, amount and
    amount weighted by the win probability of their stage (one statement, a pair of sums per month)."""
    windows = rules.month_windows(start, months)
    open_ones = rows.live().where("stage", [s.code for s in stage_rules.open])
    open_ones = open_ones.where("expected_close_on", windows[0][0], ">=").where(
        "expected_close_on", windows[-1][1], "<"
    )
    sums, counts = {}, {}
    for i, (first, following) in enumerate(windows):
        inside = f"t.\"expected_close_on\" >= '{first.isoformat()}' AND t.\"expected_close_on\" < '{following.isoformat()}'"  # dates made here
        sums[f"a{i}"] = f'CASE WHEN {inside} THEN t."amount" ELSE 0 END'
        sums[f"w{i}"] = f"CASE WHEN {inside} THEN {WEIGHTED} ELSE 0 END"
        counts[f"n{i}"] = inside
    [total] = await open_ones.aggregate([], sums, counts)
    return [
        {
            "starts_on": first,
            "count": total["counts"][f"n{i}"],
            "amount": total["sums"][f"a{i}"],
            "weighted": total["sums"][f"w{i}"],
        }
        for i, (first, _) in enumerate(windows)
    ]


def by_quarter(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    quarters: dict[str, dict[str, Any]] = {}
    for month in months:
        key = rules.quarter_of(month["starts_on"])
        entry = quarters.setdefault(
            key, {"period": key, "starts_on": month["starts_on"], "count": 0, "amount": 0, "weighted": 0}
        )
        for name in ("count", "amount", "weighted"):
            entry[name] = None if entry[name] is None or month[name] is None else entry[name] + month[name]
    return list(quarters.values())


def period_bounds(start: date, end: date, zone: str) -> tuple[datetime, datetime]:
    """A period of business days, ``end`` included, as UTC instants."""
    tz = ZoneInfo(zone)
    return (
        datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(date.fromordinal(end.toordinal() + 1), time(0), tzinfo=tz).astimezone(UTC),
    )


async def funnel(
    history: Rows, stage_rules: StageRules, start: datetime, end: datetime, group_by: Sequence[str]
) -> tuple[dict, list[dict]]:
    """The opportunities first contacted in [start, end): per funnel stage, how many reached it (or a later
    one: a skip counts as passing), the average days spent in it, and how many were lost."""
    cohort = history.where("opportunity.first_contact_at", start, ">=").where("opportunity.first_contact_at", end, "<")
    cohort = cohort.where("opportunity.archived_at", None)
    codes = [s.code for s in stage_rules.funnel]  # validated codes, A-Z0-9_ only: safe inside the SQL
    values = {}
    for i, code in enumerate(codes):
        later = ", ".join(f"'{c}'" for c in codes[i:])
        values[f"r{i}"] = f'COUNT(DISTINCT CASE WHEN t."to_stage" IN ({later}) THEN t."opportunity_id" END)'
        duration = seconds_between('t."entered_at"', 't."left_at"')
        values[f"d{i}"] = f'AVG(CASE WHEN t."to_stage" = \'{code}\' AND t."left_at" IS NOT NULL THEN {duration} END)'
    values["lost"] = f'COUNT(DISTINCT CASE WHEN t."to_stage" = \'{stage_rules.lost.code}\' THEN t."opportunity_id" END)'
    [total] = await cohort.aggregate([], values=values)
    groups = await cohort.aggregate(list(group_by), values=values) if group_by else []
    return _funnel_of(total, codes), [_funnel_of(g, codes) | {"keys": g["keys"]} for g in groups]


def _funnel_of(row: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    found = row["values"]
    reached = [int(found[f"r{i}"] or 0) for i in range(len(codes))]
    stages = []
    for i, code in enumerate(codes):
        seconds = found[f"d{i}"]
        stages.append(
            {
                "stage": code,
                "reached": reached[i],
                "conversion_to_next": rules.conversion(reached[i], reached[i + 1]) if i + 1 < len(codes) else None,
                "average_days": None if seconds is None else round(float(seconds) / 86400, 2),
            }
        )
    return {"stages": stages, "lost": int(found["lost"] or 0)}
