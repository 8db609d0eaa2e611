"""Pipeline services: each one step of the caller's write, deciding with ``rules`` and reading rows through
the scoped accessor. An account manager changes only the opportunities they own; directors, those in
their scope (``pipeline.manage``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from kamgraph.plugin import (
    Account,
    Code,
    Contract,
    Problem,
    Refused,
    UnitOfWork,
    archive,
    check_version,
    create,
    create_contract,
    find,
    find_staff,
    given,
    invalid,
    money_problem,
    not_archived,
    refuse_if,
    save,
    to_global_id,
)
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.config import PipelineConfig
from kamgraph.plugins.pipeline.models import Opportunity, StageChange
from kamgraph.plugins.pipeline.permissions import MANAGE
from kamgraph.plugins.pipeline.rules import Outcome

EDITABLE = ("title", "amount", "currency", "expected_close_on", "edition", "lead_source", "competitor")


def _now() -> datetime:
    return datetime.now(UTC)


def _account_gid(opportunity: Opportunity) -> str:
    return to_global_id("Account", opportunity.account_id)


async def _owner(
    unit: UnitOfWork, owner_gid: str | None, problems: list[Problem], account: Account | None = None
) -> int | None:
    """The owner named; else the caller when on the staff, else the account's owner. An owner is on the staff."""
    if owner_gid is None:
        found = unit.actor.person_id or (account.owner_id if account else None)
        if found is None:
            problems.append(invalid(("owner_id",), "name the account manager who owns the opportunity"))
        return found
    person = await find_staff(unit.actor, owner_gid, ("owner_id",), problems)
    return None if person is None else person.id


def _values_problems(values: dict[str, Any]) -> list[Problem]:
    problems = []
    if given(values.get("title")) and (values["title"] is None or not values["title"].strip()):
        problems.append(invalid(("title",), "an opportunity needs a title"))
    if (
        given(values.get("amount"))
        and values["amount"] is not None
        and (problem := money_problem(values["amount"], ("amount",)))
    ):
        problems.append(problem)
    if given(values.get("currency")) and values["currency"] is not None:
        if len(values["currency"].strip()) != 3 or not values["currency"].strip().isalpha():
            problems.append(invalid(("currency",), "a currency is a three-letter ISO 4217 code, e.g. CNY"))
    for required in ("amount", "expected_close_on", "edition", "currency"):
        if given(values.get(required)) and values.get(required) is None and required in values:
            problems.append(invalid((required,), f"{required} cannot be null"))
    return problems


def _may_change(unit: UnitOfWork, opportunity: Opportunity) -> None:
    """Account managers own their opportunities: only the owner, or a director (``pipeline.manage``), changes one."""
    if opportunity.owner_id != unit.actor.person_id and not unit.actor.can(MANAGE):
        raise Refused([Problem(("id",), Code.FORBIDDEN, "only the opportunity's owner or a director can change it")])


def _open(opportunity: Opportunity, config: PipelineConfig) -> None:
    stage = config.stage_rules.get(opportunity.stage)
    if stage is not None and stage.outcome is not Outcome.OPEN:
        raise Refused([Problem(("id",), Code.RULE_VIOLATION, f"the opportunity is {opportunity.stage} and closed")])


async def create_opportunity(unit: UnitOfWork, config: PipelineConfig, values: dict[str, Any]) -> Opportunity:
    account = await find(unit.actor, Account, values.pop("account_id"), ("account_id",), live=True)
    problems = _values_problems(values)
    owner_id = await _owner(unit, values.pop("owner_id", None), problems, account)
    now = _now()
    first_contact = values.pop("first_contact_at", None) or now
    if first_contact > now:
        problems.append(invalid(("first_contact_at",), "the first contact cannot be in the future"))
    refuse_if(problems)
    first = config.stage_rules.first
    opportunity = await create(
        Opportunity,
        audit_account=account.id,
        account_id=account.id,
        owner_id=owner_id,
        **_clean(values),
        stage=first.code,
        probability=rules.stored(first.probability),
        stage_entered_at=first_contact,
        first_contact_at=first_contact,
        follow_up_due_at=rules.follow_up_due(first_contact, config.follow_up_hours),
    )
    await create(
        StageChange,
        audit_account=account.id,
        opportunity_id=opportunity.id,
        from_stage=None,
        to_stage=first.code,
        entered_at=first_contact,
        changed_by=unit.actor.name,
    )
    unit.emit(
        "pipeline.opportunity.created",
        opportunity.node_id,
        accountId=account.node_id,
        stage=first.code,
        followUpDueAt=opportunity.follow_up_due_at.isoformat(),
    )
    return opportunity


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in values.items() if given(v)}
    for name in ("title", "lead_source", "competitor"):
        if isinstance(clean.get(name), str):
            clean[name] = clean[name].strip() or None
    if isinstance(clean.get("currency"), str):
        clean["currency"] = clean["currency"].strip().upper()
    return clean


async def update_opportunity(
    unit: UnitOfWork, config: PipelineConfig, gid: str, expected_version: int | None, values: dict[str, Any]
) -> Opportunity:
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    check_version(opportunity, expected_version)
    not_archived(opportunity)
    _may_change(unit, opportunity)
    _open(opportunity, config)
    problems = _values_problems(values)
    changes = _clean({k: v for k, v in values.items() if k in EDITABLE})
    if given(values.get("owner_id")):
        changes["owner_id"] = await _owner(unit, values["owner_id"], problems)
    refuse_if(problems)
    diff = await save(opportunity, changes, audit_account=opportunity.account_id)
    if diff:
        unit.emit(
            "pipeline.opportunity.updated",
            opportunity.node_id,
            accountId=_account_gid(opportunity),
            fields=sorted(diff),
        )
    return opportunity


async def _enter(
    unit: UnitOfWork, stage_rules: rules.StageRules, opportunity: Opportunity, stage: rules.Stage, reason: str | None
) -> None:
    """Leave the current stage and enter ``stage``: the history row, the probability, the solution timer."""
    now = _now()
    await StageChange.filter(opportunity_id=opportunity.id, left_at__isnull=True).update(left_at=now)
    await create(
        StageChange,
        audit_account=opportunity.account_id,
        opportunity_id=opportunity.id,
        from_stage=opportunity.stage,
        to_stage=stage.code,
        entered_at=now,
        changed_by=unit.actor.name,
        reason=reason,
    )
    changes: dict[str, Any] = {
        "stage": stage.code,
        "probability": rules.stored(stage.probability),
        "stage_entered_at": now,
    }
    if stage.outcome is not Outcome.OPEN:
        changes["closed_at"] = now
    funnel = [s.code for s in stage_rules.funnel]
    if opportunity.solution_submitted_at is None and stage.code in funnel and funnel.index(stage.code) > 0:
        changes["solution_submitted_at"] = now  # leaving the first stage forward is delivering the solution (§3.1.4)
    await save(opportunity, changes, audit_account=opportunity.account_id)


async def move_opportunity(
    unit: UnitOfWork,
    config: PipelineConfig,
    gid: str,
    expected_version: int | None,
    target: str,
    reason: str | None,
    competitor: str | None,
) -> Opportunity:
    """A stage move as the configured rules allow it; WON goes through ``win_opportunity``."""
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    check_version(opportunity, expected_version)
    not_archived(opportunity)
    _may_change(unit, opportunity)
    stage_rules = config.stage_rules
    if target == stage_rules.won.code:
        raise Refused(
            [
                Problem(
                    ("stage",), Code.RULE_VIOLATION, "a win is recorded with winOpportunity, which links its contract"
                )
            ]
        )
    if target == stage_rules.lost.code and not (reason or "").strip():
        raise Refused([invalid(("reason",), "say why the opportunity was lost")])
    if problem := rules.move_problem(stage_rules, opportunity.stage, target, reason):
        raise Refused([Problem(("stage",), Code.RULE_VIOLATION, problem)])
    before = opportunity.stage
    stage = stage_rules.get(target)
    if stage.outcome is Outcome.LOST:
        await save(
            opportunity,
            {"loss_reason": reason.strip(), "competitor": (competitor or "").strip() or opportunity.competitor},
            audit_account=opportunity.account_id,
        )
    await _enter(unit, stage_rules, opportunity, stage, (reason or "").strip() or None)
    event = "pipeline.opportunity.lost" if stage.outcome is Outcome.LOST else "pipeline.opportunity.stage_changed"
    unit.emit(
        event,
        opportunity.node_id,
        accountId=_account_gid(opportunity),
        before=before,
        after=stage.code,
        reason=opportunity.loss_reason if stage.outcome is Outcome.LOST else (reason or None),
    )
    return opportunity


async def win_opportunity(
    unit: UnitOfWork,
    config: PipelineConfig,
    gid: str,
    expected_version: int | None,
    contract_gid: str | None,
    new_contract: dict[str, Any] | None,
) -> Opportunity:
    """Record the win with its contract: an existing one of the same account, or a new draft made from the
    opportunity (title, amount, edition, currency) and the terms given."""
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    check_version(opportunity, expected_version)
    not_archived(opportunity)
    _may_change(unit, opportunity)
    stage_rules = config.stage_rules
    if problem := rules.move_problem(stage_rules, opportunity.stage, stage_rules.won.code, None):
        raise Refused([Problem(("id",), Code.RULE_VIOLATION, problem)])
    if (contract_gid is None) == (new_contract is None):
        raise Refused(
            [
                invalid(
                    ("contract_id",), "name the contract won (contractId) or give the terms of a new one (newContract)"
                )
            ]
        )
    if contract_gid is not None:
        contract = await find(unit.actor, Contract, contract_gid, ("contract_id",), live=True)
        if contract.account_id != opportunity.account_id:
            raise Refused([invalid(("contract_id",), "the contract is with another customer")])
        if await Opportunity.filter(contract_id=contract.id).exclude(id=opportunity.id).exists():
            raise Refused(
                [
                    Problem(
                        ("contract_id",),
                        Code.RULE_VIOLATION,
                        f"contract {contract.number} is already linked to another win",
                    )
                ]
            )
    else:
        values = {
            "account_id": to_global_id("Account", opportunity.account_id),
            "title": opportunity.title,
            "amount": opportunity.amount,
            "edition": opportunity.edition,
            "currency": opportunity.currency,
            **{k: v for k, v in new_contract.items() if k != "schedule"},
        }
        try:
            contract = await create_contract(unit, values, new_contract.get("schedule") or [])
        except Refused as refused:
            raise Refused([Problem(("new_contract", *p.path), p.code, p.message) for p in refused.problems]) from None
    await save(opportunity, {"contract_id": contract.id}, audit_account=opportunity.account_id)
    await _enter(unit, stage_rules, opportunity, stage_rules.won, None)
    unit.emit(
        "pipeline.opportunity.won",
        opportunity.node_id,
        accountId=_account_gid(opportunity),
        contractId=contract.node_id,
    )
    return opportunity


async def record_follow_up(unit: UnitOfWork, gid: str) -> Opportunity:
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    _may_change(unit, opportunity)
    if opportunity.followed_up_at is not None:
        raise Refused(
            [
                Problem(
                    ("id",),
                    Code.RULE_VIOLATION,
                    f"the follow-up was recorded at {opportunity.followed_up_at:%Y-%m-%d %H:%M} UTC",
                )
            ]
        )
    await save(opportunity, {"followed_up_at": _now()}, audit_account=opportunity.account_id)
    return opportunity


async def record_needs_report(
    unit: UnitOfWork, config: PipelineConfig, gid: str, summary: str, reported_on: date | None
) -> Opportunity:
    """The needs analysis report (§3.1.3) starts the solution timer: due in 5 working days (§3.1.4)."""
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    _may_change(unit, opportunity)
    _open(opportunity, config)
    day = reported_on or unit.settings.today()
    problems = [] if summary.strip() else [invalid(("summary",), "summarize the customer's needs")]
    if day > unit.settings.today():
        problems.append(invalid(("reported_on",), "a needs report cannot be dated in the future"))
    refuse_if(problems)
    due = unit.settings.calendar.add_working_days(day, config.solution_working_days)
    await save(
        opportunity,
        {"needs_reported_on": day, "needs_summary": summary.strip(), "solution_due_on": due},
        audit_account=opportunity.account_id,
    )
    unit.emit(
        "pipeline.opportunity.needs_reported",
        opportunity.node_id,
        accountId=_account_gid(opportunity),
        solutionDueOn=due.isoformat(),
    )
    return opportunity


async def archive_opportunity(unit: UnitOfWork, gid: str, expected_version: int | None) -> Opportunity:
    """Archive an opportunity (its owner, or a director): it leaves lists and figures and keeps its history."""
    opportunity = await find(unit.actor, Opportunity, gid, ("id",))
    _may_change(unit, opportunity)
    return await archive(unit, Opportunity, gid, expected_version, event="pipeline.opportunity.archived")
