"""Sales targets (§1.2.2.1): set for a year or a quarter, for the department or a region, industry or
person; their attainment from core data (contracts signed, payments received, first contracts of new
accounts), and whether their parts add up to them (reported, never silently accepted or refused).

Attainment is a department figure: it is read as the system, in one statement per metric, year and
dimension for a whole page of targets (twelve monthly sums from which any quarter or year adds up), and
shown to those who may see the target (and, for money, totals of contract amounts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from kamgraph.plugin import (
    SIGNED_STATUSES,
    SYSTEM_ACTOR,
    Contract,
    Payment,
    Problem,
    Region,
    UnitOfWork,
    create,
    find_or_problem,
    find_staff,
    industry_sections,
    invalid,
    refuse_if,
    save,
    visible,
)
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.models import (
    SalesTarget,
    TargetAccountEntry,
    TargetAccountRating,
)
from kamgraph.plugins.pipeline.rules import Metric, TargetKey

#: where each dimension of a target is found from a contract, and from a payment
DIMENSION_PATHS = {"region": "account.region", "industry": "account.industry_section", "person": "account.owner"}


def key_of(target: SalesTarget) -> TargetKey:
    return TargetKey(
        target.metric, target.year, target.quarter, target.region, target.industry_section, target.person_id
    )


def dimension_value(key: TargetKey) -> Any:
    return key.region or key.industry or key.person


async def set_target(unit: UnitOfWork, values: dict[str, Any]) -> SalesTarget:
    """Set the target with this key (create it, or change its value and parent)."""
    problems: list[Problem] = []
    year, quarter = values["year"], values.get("quarter")
    if not 2000 <= year <= 2100:
        problems.append(invalid(("year",), f"{year} is not a year kamgraph plans for"))
    if quarter is not None and not 1 <= quarter <= 4:
        problems.append(invalid(("quarter",), "a quarter is 1 to 4"))
    region, industry = values.get("region"), values.get("industry_section")
    person_id = None
    if values.get("person_id") is not None:
        person = await find_staff(unit.actor, values["person_id"], ("person_id",), problems)
        person_id = None if person is None else person.id
    if sum(v is not None for v in (region, industry, values.get("person_id"))) > 1:
        problems.append(
            invalid(("region",), "a target is for the department, or for one region, one industry or one person")
        )
    if industry is not None and industry not in industry_sections():
        problems.append(invalid(("industry_section",), f"{industry!r} is not a GB/T 4754-2017 section letter"))
    value = values["value"]
    if value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(invalid(("value",), "a target is a non-negative amount with at most two decimals"))
    elif values["metric"] is Metric.NEW_ACCOUNTS and value != value.to_integral_value():
        problems.append(invalid(("value",), "a target of new accounts is a whole number"))
    refuse_if(problems)
    key = TargetKey(values["metric"], year, quarter, region.value if region else None, industry, person_id)
    parent_id = None
    if values.get("parent_id") is not None:
        parent = await find_or_problem(unit.actor, SalesTarget, values["parent_id"], ("parent_id",))
        if isinstance(parent, Problem):
            refuse_if([parent])
        if rules.split_axis(key_of(parent), key) is None:
            refuse_if(
                [
                    invalid(
                        ("parent_id",),
                        "this target is not a part of that one: a part is one of its quarters, or a narrower "
                        "region, industry or person in the same period, for the same metric",
                    )
                ]
            )
        parent_id = parent.id
    existing = (
        await visible(SalesTarget, SYSTEM_ACTOR)
        .where("metric", key.metric)
        .where("year", year)
        .where("quarter", quarter)
        .where("region", key.region)
        .where("industry_section", industry)
        .where("person", person_id)
        .all()
    )
    if existing:
        target = existing[0]
        await save(target, {"value": value, "parent_id": parent_id})
    else:
        target = await create(
            SalesTarget,
            metric=key.metric,
            year=year,
            quarter=quarter,
            region=key.region,
            industry_section=industry,
            person_id=person_id,
            value=value,
            parent_id=parent_id,
        )
    unit.emit("pipeline.sales_target.set", target.node_id, metric=key.metric.value, year=year, quarter=quarter)
    return target


async def actuals(targets: Sequence[SalesTarget]) -> dict[int, Decimal]:
    """Each target's actual, from core data; one statement per metric, year and dimension among them."""
    groups: dict[tuple[Metric, int, str], list[SalesTarget]] = defaultdict(list)
    for target in targets:
        groups[(target.metric, target.year, key_of(target).dimension)].append(target)
    found: dict[int, Decimal] = {}
    for (metric, year, dimension), members in groups.items():
        monthly = await _monthly(metric, year, dimension)
        for target in members:
            start, end = rules.period_of(target.year, target.quarter)
            months = monthly.get(dimension_value(key_of(target)) if dimension != "department" else None, {})
            found[target.id] = sum((v for month, v in months.items() if start <= month < end), Decimal(0))
    return found


async def _monthly(metric: Metric, year: int, dimension: str) -> dict[Any, dict[date, Decimal]]:
    """{dimension value (None for the department): {first of month: actual}} for one year."""
    windows = rules.month_windows(date(year, 1, 1), 12)
    path = DIMENSION_PATHS.get(dimension)
    if metric is Metric.NEW_ACCOUNTS:
        return await _new_accounts(windows, path)
    if metric is Metric.REVENUE:
        rows, column = visible(Contract, SYSTEM_ACTOR).live().where("status", list(SIGNED_STATUSES)), "signed_on"
    else:
        rows, column, path = visible(Payment, SYSTEM_ACTOR), "paid_on", path and f"contract.{path}"
    rows = rows.where(column, windows[0][0], ">=").where(column, windows[-1][1], "<")
    sums = {
        f"m{i}": f'CASE WHEN t."{column}" >= \'{a.isoformat()}\' AND t."{column}" < \'{b.isoformat()}\' THEN t."amount" ELSE 0 END'
        for i, (a, b) in enumerate(windows)
    }  # dates formatted here
    result: dict[Any, dict[date, Decimal]] = {}
    for group in await rows.aggregate([path] if path else [], sums):
        value = group["keys"].get(path) if path else None
        result[_plain(value)] = {a: group["sums"][f"m{i}"] for i, (a, _) in enumerate(windows)}
    return result


async def _new_accounts(windows: list[tuple[date, date]], path: str | None) -> dict[Any, dict[date, Decimal]]:
    """Accounts whose first signed contract falls in each month: the first signing date per account, in SQL."""
    keys = ["account", *([path] if path else [])]
    firsts = (
        await visible(Contract, SYSTEM_ACTOR)
        .live()
        .where("status", list(SIGNED_STATUSES))
        .aggregate(keys, values={"first": 'MIN(t."signed_on")'})
    )
    result: dict[Any, dict[date, Decimal]] = defaultdict(lambda: {a: Decimal(0) for a, _ in windows})
    for group in firsts:
        first = group["values"]["first"]
        first = date.fromisoformat(first) if isinstance(first, str) else first
        for a, b in windows:
            if first is not None and a <= first < b:
                result[_plain(group["keys"].get(path)) if path else None][a] += 1
    return result


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Region) else value


def decomposition(target: SalesTarget, parts: Sequence[SalesTarget]) -> list[dict[str, Any]]:
    """For each way the target is split, the parts' total and its difference from the target."""
    by_axis: dict[rules.Axis, Decimal] = defaultdict(Decimal)
    for part in parts:
        axis = rules.split_axis(key_of(target), key_of(part))
        if axis is not None:
            by_axis[axis] += part.value
    return [
        {"axis": axis, "total": total, "difference": total - target.value, "adds_up": total == target.value}
        for axis, total in by_axis.items()
    ]


# --- the target-account list (§3.1.1) -------------------------------------------------------------------


async def rate_account(
    unit: UnitOfWork, account_gid: str, industry_position: int, purchase_potential: Decimal, strategic_fit: int
) -> TargetAccountRating:
    """Rate a candidate (or rate it again): its industry position, annual purchase potential and strategic fit."""
    from kamgraph.plugin import Account, find, money_problem

    account = await find(unit.actor, Account, account_gid, ("account_id",), live=True)
    problems = [
        invalid((name,), f"rate from 1 to 5, not {value}")
        for name, value in (("industry_position", industry_position), ("strategic_fit", strategic_fit))
        if not 1 <= value <= 5
    ]
    if problem := money_problem(purchase_potential, ("purchase_potential",)):
        problems.append(problem)
    refuse_if(problems)
    values = {
        "industry_position": industry_position,
        "purchase_potential": purchase_potential,
        "strategic_fit": strategic_fit,
        "rated_by": unit.actor.name,
    }
    existing = await visible(TargetAccountRating, SYSTEM_ACTOR).where("account", account.id).all()
    if existing:
        await save(existing[0], values, audit_account=account.id)
        return existing[0]
    return await create(TargetAccountRating, audit_account=account.id, account_id=account.id, **values)


async def refresh_list(quarter: str, weights: Sequence[Decimal]) -> int:
    """Rank the rated, live accounts into ``quarter``'s list (kept once per quarter); returns the entries made."""
    from kamgraph.plugin import Account

    if await TargetAccountEntry.filter(quarter=quarter).exists():
        return 0
    ratings = await TargetAccountRating.all()
    accounts = await visible(Account, SYSTEM_ACTOR).live().only(["size"]).get_many([r.account_id for r in ratings])
    candidates = [
        rules.Candidate(
            r.account_id,
            accounts[r.account_id].size.value if accounts[r.account_id].size else None,
            r.industry_position,
            r.purchase_potential,
            r.strategic_fit,
        )
        for r in ratings
        if r.account_id in accounts
    ]
    entries = [
        TargetAccountEntry(
            quarter=quarter,
            rank=rank,
            account_id=c.account_id,
            score=score,
            purchase_potential=c.purchase_potential,
            priority=c.purchase_potential > rules.PRIORITY_POTENTIAL,
        )
        for rank, (c, score) in enumerate(rules.rank_candidates(candidates, weights), start=1)
    ]
    await TargetAccountEntry.bulk_create(entries)
    return len(entries)
