"""Services of the risk register (§5.2.2.1), contingency plans (§3.5.4) and competitor watch (§3.5.3):
each one step of the caller's write, finding rows through the scoped accessor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kamgraph.plugin import (
    Account,
    Code,
    Problem,
    UnitOfWork,
    check_version,
    create,
    find,
    find_or_problem,
    find_staff,
    given,
    invalid,
    not_archived,
    refuse_if,
    save,
    scale_problem,
    text_problem,
    to_global_id,
)
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.models import (
    CompetitorOffer,
    ContingencyPlan,
    ContingencyTask,
    RegisteredRisk,
)
from kamgraph.plugins.risk.rules import PlanStatus, PlanType, RiskStatus


def _now() -> datetime:
    return datetime.now(UTC)


def _account_gid(row: Any) -> str:
    return to_global_id("Account", row.account_id)


async def _staff(
    unit: UnitOfWork, person_gid: str | None, path: tuple[str, ...], problems: list[Problem]
) -> int | None:
    """The member of staff ``person_gid`` names (an owner of a risk or a task), or None."""
    person = None if person_gid is None else await find_staff(unit.actor, person_gid, path, problems)
    return None if person is None else person.id


def _required(text: Any, path: tuple[str, ...], problems: list[Problem]) -> str | None:
    """The text trimmed, or None with the problem recorded (kamgraph's shared check of required text)."""
    if problem := text_problem(text if given(text) else None, path):
        problems.append(problem)
        return None
    return text.strip()


# --- the register ---------------------------------------------------------------------------------------


async def register_risk(unit: UnitOfWork, values: dict[str, Any]) -> RegisteredRisk:
    account = await find(unit.actor, Account, values["account_id"], ("account_id",), live=True)
    problems: list[Problem] = []
    title = _required(values["title"], ("title",), problems)
    for name in ("probability", "impact"):
        if problem := scale_problem(values[name], (name,)):
            problems.append(problem)
    owner_id = await _staff(unit, values.get("owner_id"), ("owner_id",), problems)
    refuse_if(problems)
    risk = await create(
        RegisteredRisk,
        audit_account=account.id,
        account_id=account.id,
        kind=values["kind"],
        title=title,
        description=values.get("description"),
        probability=values["probability"],
        impact=values["impact"],
        owner_id=owner_id,
        mitigation=values.get("mitigation"),
    )
    unit.emit(
        "risk.registered_risk.added",
        risk.node_id,
        accountId=account.node_id,
        kind=risk.kind.value,
        severity=rules.severity(rules.risk_score(risk.probability, risk.impact)).value,
    )
    return risk


async def update_risk(
    unit: UnitOfWork, risk_gid: str, expected_version: int | None, values: dict[str, Any]
) -> RegisteredRisk:
    """Change what is given; closing needs a reason, and a closed risk stays closed."""
    risk = await find(unit.actor, RegisteredRisk, risk_gid, ("id",))
    check_version(risk, expected_version)
    not_archived(risk)
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    if risk.status is RiskStatus.CLOSED:
        problems.append(Problem(("id",), Code.RULE_VIOLATION, "this risk is closed"))
    for name in ("probability", "impact"):
        if given(values.get(name)) and values[name] is not None:
            if problem := scale_problem(values[name], (name,)):
                problems.append(problem)
            changes[name] = values[name]
    if given(values.get("title")):
        changes["title"] = _required(values["title"], ("title",), problems)
    for name in ("description", "mitigation", "kind"):
        if given(values.get(name)) and values[name] is not None:
            changes[name] = values[name]
    if given(values.get("owner_id")):
        changes["owner_id"] = await _staff(unit, values["owner_id"], ("owner_id",), problems)
    if given(values.get("status")) and values["status"] is not None:
        changes["status"] = values["status"]
        if values["status"] is RiskStatus.CLOSED:
            changes["closed_reason"] = _required(values.get("closed_reason"), ("closed_reason",), problems)
    refuse_if(problems)
    diff = await save(risk, changes, audit_account=risk.account_id)
    if diff:
        unit.emit(
            "risk.registered_risk.changed",
            risk.node_id,
            accountId=_account_gid(risk),
            fields=sorted(diff),
            status=risk.status.value,
        )
    return risk


# --- contingency plans ----------------------------------------------------------------------------------


async def create_plan(
    unit: UnitOfWork, account_gid: str, plan_type: PlanType, title: str, risk_gid: str | None
) -> ContingencyPlan:
    account = await find(unit.actor, Account, account_gid, ("account_id",), live=True)
    problems: list[Problem] = []
    clean_title = _required(title, ("title",), problems)
    risk_id = None
    if risk_gid is not None:
        risk = await find_or_problem(unit.actor, RegisteredRisk, risk_gid, ("risk_id",))
        if isinstance(risk, Problem):
            problems.append(risk)
        elif risk.account_id != account.id:
            problems.append(invalid(("risk_id",), "this risk is registered on another account"))
        else:
            risk_id = risk.id
    refuse_if(problems)
    plan = await create(
        ContingencyPlan,
        audit_account=account.id,
        account_id=account.id,
        plan_type=plan_type,
        title=clean_title,
        risk_id=risk_id,
    )
    unit.emit("risk.contingency_plan.created", plan.node_id, accountId=account.node_id, planType=plan_type.value)
    return plan


async def activate_plan(unit: UnitOfWork, plan_gid: str, occurred_at: datetime | None, summary: str) -> ContingencyPlan:
    """The event happened: the plan goes ACTIVE, its first task starts, the post-mortem is due in 48 hours."""
    plan = await find(unit.actor, ContingencyPlan, plan_gid, ("id",))
    problems: list[Problem] = []
    clean_summary = _required(summary, ("summary",), problems)
    now = _now()
    occurred = occurred_at or now
    if plan.status is not PlanStatus.READY:
        problems.append(
            Problem(
                ("id",), Code.RULE_VIOLATION, f"this plan is {plan.status.value}; only a READY plan can be activated"
            )
        )
    if occurred > now:
        problems.append(invalid(("occurred_at",), "the event cannot have happened in the future"))
    refuse_if(problems)
    await save(
        plan,
        {
            "status": PlanStatus.ACTIVE,
            "activated_at": now,
            "event_occurred_at": occurred,
            "event_summary": clean_summary,
            "post_mortem_due_at": rules.hours_after(occurred, rules.POST_MORTEM_HOURS),
        },
        audit_account=plan.account_id,
    )
    task_title, hours = rules.FIRST_TASKS[plan.plan_type]
    await create(
        ContingencyTask,
        audit_account=plan.account_id,
        plan_id=plan.id,
        title=task_title,
        due_at=rules.hours_after(now, hours),
    )
    unit.emit(
        "risk.contingency_plan.activated",
        plan.node_id,
        accountId=_account_gid(plan),
        planType=plan.plan_type.value,
        postMortemDueAt=plan.post_mortem_due_at.isoformat(),
    )
    return plan


async def add_task(
    unit: UnitOfWork, plan_gid: str, title: str, owner_gid: str | None, due_at: datetime | None
) -> ContingencyTask:
    plan = await find(unit.actor, ContingencyPlan, plan_gid, ("plan_id",))
    problems: list[Problem] = []
    clean_title = _required(title, ("title",), problems)
    if plan.status is PlanStatus.CLOSED:
        problems.append(Problem(("plan_id",), Code.RULE_VIOLATION, "this plan is closed"))
    owner_id = await _staff(unit, owner_gid, ("owner_id",), problems)
    refuse_if(problems)
    return await create(
        ContingencyTask,
        audit_account=plan.account_id,
        plan_id=plan.id,
        title=clean_title,
        owner_id=owner_id,
        due_at=due_at,
    )


async def complete_task(unit: UnitOfWork, task_gid: str) -> ContingencyTask:
    task = await find(unit.actor, ContingencyTask, task_gid, ("id",))
    if task.done_at is not None:
        refuse_if([Problem(("id",), Code.RULE_VIOLATION, f"this task was done at {task.done_at:%Y-%m-%d %H:%M} UTC")])
    plan = await ContingencyPlan.get(id=task.plan_id)
    await save(task, {"done_at": _now()}, audit_account=plan.account_id)
    return task


async def record_post_mortem(unit: UnitOfWork, plan_gid: str, text: str) -> ContingencyPlan:
    """The post-mortem of an activated plan closes it (due 48 hours after the event, §5.2.2.3)."""
    plan = await find(unit.actor, ContingencyPlan, plan_gid, ("id",))
    problems: list[Problem] = []
    clean = _required(text, ("post_mortem",), problems)
    if plan.status is not PlanStatus.ACTIVE:
        problems.append(
            Problem(
                ("id",), Code.RULE_VIOLATION, f"this plan is {plan.status.value}; a post-mortem follows an activation"
            )
        )
    refuse_if(problems)
    now = _now()
    await save(
        plan, {"post_mortem": clean, "post_mortem_at": now, "status": PlanStatus.CLOSED}, audit_account=plan.account_id
    )
    unit.emit(
        "risk.post_mortem.recorded", plan.node_id, accountId=_account_gid(plan), late=now > plan.post_mortem_due_at
    )
    return plan


# --- competitor watch -------------------------------------------------------------------------------------


async def record_offer(
    unit: UnitOfWork, account_gid: str, competitor: str, product: str | None, offer: str, seen_at: datetime | None
) -> CompetitorOffer:
    account = await find(unit.actor, Account, account_gid, ("account_id",), live=True)
    problems: list[Problem] = []
    name = _required(competitor, ("competitor",), problems)
    what = _required(offer, ("offer",), problems)
    now = _now()
    seen = seen_at or now
    if seen > now:
        problems.append(invalid(("seen_at",), "an offer cannot be seen in the future"))
    refuse_if(problems)
    row = await create(
        CompetitorOffer,
        audit_account=account.id,
        account_id=account.id,
        competitor=name,
        product=(product or "").strip() or None,
        offer=what,
        seen_at=seen,
        recorded_by=unit.actor.name,
        comparison_due_at=rules.hours_after(seen, rules.COMPARISON_HOURS),
    )
    unit.emit(
        "risk.competitor_offer.seen",
        row.node_id,
        accountId=account.node_id,
        competitor=name,
        comparisonDueAt=row.comparison_due_at.isoformat(),
    )
    return row


async def record_differentiation(unit: UnitOfWork, offer_gid: str, comparison: str) -> CompetitorOffer:
    row = await find(unit.actor, CompetitorOffer, offer_gid, ("id",))
    problems: list[Problem] = []
    clean = _required(comparison, ("comparison",), problems)
    if row.compared_at is not None:
        problems.append(Problem(("id",), Code.RULE_VIOLATION, f"{row.compared_by} compared this offer already"))
    refuse_if(problems)
    now = _now()
    await save(
        row, {"comparison": clean, "compared_at": now, "compared_by": unit.actor.name}, audit_account=row.account_id
    )
    unit.emit(
        "risk.differentiation.recorded", row.node_id, accountId=_account_gid(row), late=now > row.comparison_due_at
    )
    return row
