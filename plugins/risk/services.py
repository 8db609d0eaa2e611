"""Risk services: each is a step of a write (``unit``) or a read for the API, deciding with ``rules`` and
reading rows through the scoped accessor. The rules that protect the company (signing, dunning) read as
the system, so that they count every contract whoever asks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import F, Q, Subquery

from kamgraph.plugin import (
    SIGNED_STATUSES,
    SYSTEM_ACTOR,
    Account,
    Code,
    Contract,
    ContractStatus,
    Instalment,
    Person,
    PersonKind,
    PersonStatus,
    Problem,
    Refused,
    RelationshipLevel,
    Rows,
    UnitOfWork,
    create,
    find,
    invalid,
    lock_row,
    money_problem,
    refuse_if,
    save,
    to_global_id,
    visible,
)
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.config import RiskConfig
from kamgraph.plugins.risk.models import CreditAssessment, CreditOverride, RiskWarning
from kamgraph.plugins.risk.rules import (
    AgeingBucket,
    Check,
    CreditStanding,
    WarningKind,
    WarningLevel,
)

#: contracts whose unpaid value is credit the company has extended (DOMAIN.md: "signed and active")
EXPOSED = [ContractStatus.SIGNED, ContractStatus.ACTIVE]
UNPAID = 't."amount" - COALESCE((SELECT SUM(p."amount") FROM "payment" p WHERE p."contract_id" = t."id"), 0)'
SIGNABLE = {ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.APPROVED}


# --- reading ------------------------------------------------------------------------------------------


def in_force_on(assessment: CreditAssessment, day: date) -> bool:
    """Valid on ``day``: inside its period and not ended on or before it."""
    return assessment.valid_from <= day <= assessment.valid_until and (
        assessment.ended_on is None or day < assessment.ended_on
    )


async def current_assessments(rows: Rows, account_ids: Sequence[int], day: date) -> dict[int, CreditAssessment]:
    """The assessment in force on ``day`` for each account that has one: one statement for all of them."""
    found = (
        await rows.where("account", list(account_ids))
        .where("valid_from", day, "<=")
        .where("valid_until", day, ">=")
        .all()
    )
    current: dict[int, CreditAssessment] = {}
    for assessment in sorted(found, key=lambda a: a.sequence):
        if in_force_on(assessment, day):
            current[assessment.account_id] = assessment
    return current


async def exposures(rows: Rows, account_ids: Sequence[int]) -> dict[int, Decimal]:
    """Unpaid value of each account's signed and active contracts, summed in SQL (one statement)."""
    if not account_ids:
        return {}
    groups = (
        await rows.live()
        .where("status", EXPOSED)
        .where("account", list(account_ids))
        .aggregate(["account"], {"exposure": UNPAID})
    )
    found = {g["keys"]["account"]: g["sums"]["exposure"] for g in groups}
    return {account_id: found.get(account_id, Decimal("0.00")) for account_id in account_ids}


def bucket_sums(today: date) -> dict[str, str]:
    """SQL money expressions over instalments ``t``: the outstanding amount due in each ageing bucket."""
    return {
        bucket: f'CASE WHEN {due} AND (t."amount" - t."paid_amount") > 0 THEN t."amount" - t."paid_amount" ELSE 0 END'
        for bucket, due in _due_in(today).items()
    }


def bucket_conditions(today: date) -> dict[str, str]:
    """SQL conditions over instalments ``t``: not fully paid, and due in each ageing bucket. They read no
    amount, so a count of them (how late a customer pays, not how much it owes) needs no amount permission."""
    return {bucket: f'{due} AND t."paid_on" IS NULL' for bucket, due in _due_in(today).items()}


def _due_in(today: date) -> dict[str, str]:
    """Per ageing bucket, the SQL condition on ``t."due_on"`` (dates formatted here: no input reaches the SQL)."""
    found = {}
    for bucket in AgeingBucket:
        earliest, latest = rules.bucket_due_dates(bucket, today)
        conditions = ["1 = 1"]
        if earliest is not None:
            conditions.append(f"t.\"due_on\" >= '{earliest.isoformat()}'")
        if latest is not None:
            conditions.append(f"t.\"due_on\" <= '{latest.isoformat()}'")
        found[bucket.value] = " AND ".join(conditions)
    return found


async def receivables_aging(
    rows: Rows, group_by: Sequence[str], today: date
) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    """Outstanding instalments of signed and active contracts by ageing bucket: the total, and per group."""
    owed = rows.where("contract.status", EXPOSED).where("contract.archived_at", None)
    sums = bucket_sums(today)
    total = (await owed.aggregate([], sums))[0]["sums"]
    groups = await owed.aggregate(list(group_by), sums) if group_by else []
    return total, groups


# --- credit assessment ----------------------------------------------------------------------------------


async def record_assessment(
    unit: UnitOfWork,
    config: RiskConfig,
    account_gid: str,
    checks: Sequence[tuple[Check, int, str | None]],
    valid_from: date | None,
    valid_until: date | None,
    requested_limit: Decimal | None,
) -> CreditAssessment:
    """A new version of an account's assessment: scored, rated, with its limit and terms, never overlapping another."""
    account = await find(unit.actor, Account, account_gid, ("account_id",), live=True)
    problems: list[Problem] = []
    scores: dict[Check, int] = {}
    notes: dict[Check, str | None] = {}
    for index, (check, score, note) in enumerate(checks):
        if check in scores:
            problems.append(invalid(("checks", index, "check"), f"{check.value} is scored twice"))
        if problem := rules.score_problem(score):
            problems.append(invalid(("checks", index, "score"), problem))
        scores[check], notes[check] = score, (note or "").strip() or None
    if missing := [check.value for check in Check if check not in scores]:
        problems.append(invalid(("checks",), f"an assessment scores all three checks; missing: {', '.join(missing)}"))
    start = valid_from or unit.settings.today()
    end = valid_until or rules.default_valid_until(start, config.assessment_months)
    if end < start:
        problems.append(invalid(("valid_until",), "an assessment cannot end before it starts"))
    if requested_limit is not None and (problem := money_problem(requested_limit, ("credit_limit",))):
        problems.append(problem)
    refuse_if(problems)
    band = rules.band_for(rules.combined_score(scores, config.weight_of), config.bands)
    if requested_limit is not None and requested_limit > band.credit_limit:
        raise Refused(
            [
                Problem(
                    ("credit_limit",),
                    Code.RULE_VIOLATION,
                    f"rating {band.rating.value} allows a credit limit of at most {band.credit_limit}",
                )
            ]
        )
    earlier = await visible(CreditAssessment, SYSTEM_ACTOR).where("account", account.id).all()
    for other in earlier:
        other_end = other.ended_on - timedelta(days=1) if other.ended_on else other.valid_until
        if rules.periods_overlap(start, end, other.valid_from, other_end):
            raise Refused(
                [
                    Problem(
                        ("valid_from",),
                        Code.RULE_VIOLATION,
                        f"assessment {other.sequence} of this account is valid from {other.valid_from} to {other_end}; "
                        "periods cannot overlap (end it first with endCreditAssessment)",
                    )
                ]
            )
    score = rules.combined_score(scores, config.weight_of)
    assessment = await create(
        CreditAssessment,
        audit_account=account.id,
        account_id=account.id,
        sequence=1 + max((a.sequence for a in earlier), default=0),
        valid_from=start,
        valid_until=end,
        credit_report_score=scores[Check.CREDIT_REPORT],
        industry_reputation_score=scores[Check.INDUSTRY_REPUTATION],
        financial_condition_score=scores[Check.FINANCIAL_CONDITION],
        credit_report_notes=notes.get(Check.CREDIT_REPORT),
        industry_reputation_notes=notes.get(Check.INDUSTRY_REPUTATION),
        financial_condition_notes=notes.get(Check.FINANCIAL_CONDITION),
        score=score,
        rating=band.rating,
        credit_limit=rules.granted_limit(band, requested_limit),
        payment_terms_days=band.payment_terms_days,
        prepayment=band.prepayment,
        assessed_by=unit.actor.name,
    )
    unit.emit(
        "risk.credit_assessment.recorded",
        assessment.node_id,
        accountId=account.node_id,
        validFrom=start.isoformat(),
        validUntil=end.isoformat(),
    )
    return assessment


async def end_assessment(unit: UnitOfWork, assessment_gid: str, ended_on: date | None, reason: str) -> CreditAssessment:
    assessment = await find(unit.actor, CreditAssessment, assessment_gid, ("id",))
    day = ended_on or unit.settings.today()
    problems = []
    if not reason.strip():
        problems.append(invalid(("reason",), "say why the assessment ends early"))
    if assessment.ended_on is not None:
        problems.append(
            Problem(("id",), Code.RULE_VIOLATION, f"this assessment already ended on {assessment.ended_on}")
        )
    elif not assessment.valid_from < day <= assessment.valid_until:
        problems.append(
            invalid(
                ("ended_on",),
                f"an assessment valid from {assessment.valid_from} to {assessment.valid_until} "
                f"can end after its first day and by its last, not on {day}",
            )
        )
    refuse_if(problems)
    await save(assessment, {"ended_on": day, "end_reason": reason.strip()}, audit_account=assessment.account_id)
    unit.emit(
        "risk.credit_assessment.ended",
        assessment.node_id,
        accountId=to_global_id("Account", assessment.account_id),
        endedOn=day.isoformat(),
    )
    return assessment


# --- the signing rule and its override ----------------------------------------------------------------


async def grant_override(unit: UnitOfWork, contract_gid: str, reason: str) -> CreditOverride:
    contract = await find(unit.actor, Contract, contract_gid, ("contract_id",), live=True)
    problems = (
        [invalid(("reason",), "an override needs the reason the credit rule is set aside")]
        if not reason.strip()
        else []
    )
    if contract.status not in SIGNABLE:
        problems.append(
            Problem(
                ("contract_id",), Code.RULE_VIOLATION, f"contract {contract.number} is already {contract.status.value}"
            )
        )
    elif await visible(CreditOverride, SYSTEM_ACTOR).where("contract", contract.id).count():
        problems.append(
            Problem(("contract_id",), Code.RULE_VIOLATION, f"contract {contract.number} already has an override")
        )
    refuse_if(problems)
    override = await create(
        CreditOverride,
        audit_account=contract.account_id,
        contract_id=contract.id,
        account_id=contract.account_id,
        reason=reason.strip(),
        granted_by=unit.actor.name,
    )
    unit.emit(
        "risk.credit_override.granted",
        override.node_id,
        contractId=contract.node_id,
        accountId=to_global_id("Account", contract.account_id),
        reason=override.reason,
    )
    return override


async def signing_problems(contract: Contract, signed_on: date) -> list[Problem]:
    """The credit rule on signing ``contract`` (read as the system: every contract of the customer counts).
    A director's override lets a refused signing through, and is marked used. On SQLite the write
    transaction already holds the database's write lock; on PostgreSQL the customer's row is locked."""
    system = SYSTEM_ACTOR
    await lock_row(Account, contract.account_id)  # two signings for one customer take turns: each counts the other's
    standing = (await current_assessments(visible(CreditAssessment, system), [contract.account_id], signed_on)).get(
        contract.account_id
    )
    exposure = (await exposures(visible(Contract, system), [contract.account_id]))[contract.account_id]
    schedule = [(i.due_on, i.amount) for i in await visible(Instalment, system).where("contract", contract.id).all()]
    problem = rules.signing_problem(
        None if standing is None else CreditStanding(standing.rating, standing.credit_limit, standing.prepayment),
        exposure,
        contract.amount,
        rules.is_prepaid(contract.payment_terms_days, contract.start_on, contract.amount, schedule),
    )
    if problem is None:
        return []
    overrides = await visible(CreditOverride, system).where("contract", contract.id).all()
    if overrides:
        await save(overrides[0], {"used_at": datetime.now(UTC)}, audit_account=contract.account_id)
        return []
    return [Problem(("id",), Code.RULE_VIOLATION, problem)]


# --- early warnings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a warning rule found: the warning it calls for, about one cause."""

    account_id: int
    kind: WarningKind
    cause: str
    level: WarningLevel
    reason: str


async def overdue_findings(today: date) -> list[Finding]:
    """An unpaid instalment of a signed or active contract past its due day."""
    owing = Contract.filter(status__in=EXPOSED, archived_at__isnull=True).values("id")
    late = await (
        Instalment.filter(due_on__lt=today, paid_amount__lt=F("amount"), contract_id__in=Subquery(owing))
        .order_by("id")
        .prefetch_related("contract")
    )
    found = []
    for instalment in late:
        days = (today - instalment.due_on).days
        level = rules.overdue_level(days)
        if level is not None:
            found.append(
                Finding(
                    instalment.contract.account_id,
                    WarningKind.OVERDUE_PAYMENT,
                    instalment.node_id,
                    level,
                    f"instalment {instalment.sequence} of contract {instalment.contract.number}, due {instalment.due_on}, "
                    f"is {days} days overdue",
                )
            )
    return found


async def exposure_findings(today: date, config: RiskConfig) -> list[Finding]:
    """Exposure above the configured share of the limit of the assessment in force (the reason gives the
    share, not the amounts, which need their own permissions)."""
    in_force = [
        a
        for a in await visible(CreditAssessment, SYSTEM_ACTOR)
        .where("valid_from", today, "<=")
        .where("valid_until", today, ">=")
        .all()
        if in_force_on(a, today)
    ]
    owed = await exposures(visible(Contract, SYSTEM_ACTOR), sorted({a.account_id for a in in_force}))
    near = Decimal(config.exposure_warning_percent) / 100
    found = []
    for assessment in in_force:
        exposure = owed[assessment.account_id]
        level = rules.exposure_level(exposure, assessment.credit_limit, near)
        if level is not None:
            share = "beyond" if exposure > assessment.credit_limit else f"{exposure / assessment.credit_limit:.0%} of"
            found.append(
                Finding(
                    assessment.account_id,
                    WarningKind.EXPOSURE_NEAR_LIMIT,
                    assessment.node_id,
                    level,
                    f"credit exposure is {share} the limit of assessment {assessment.sequence}",
                )
            )
    return found


async def contact_findings() -> list[Finding]:
    """A key contact (key decision maker or executive) marked as left."""
    gone = await Person.filter(
        Q(is_key_decision_maker=True) | Q(relationship_level=RelationshipLevel.EXECUTIVE),
        kind=PersonKind.CONTACT,
        status=PersonStatus.LEFT,
        account_id__isnull=False,
    )
    return [
        Finding(
            p.account_id,
            WarningKind.KEY_CONTACT_LEFT,
            p.node_id,
            WarningLevel.HIGH,
            f"key contact {p.name}{f' ({p.title})' if p.title else ''} has left the customer",
        )
        for p in gone
    ]


async def purchase_findings(today: date, config: RiskConfig) -> list[Finding]:
    """Contracts signed per month falling ``falling_months`` complete months in a row; one SQL statement."""
    starts = rules.month_starts(today, config.falling_months + 1)  # n + 1 complete months, then the current one
    windows = {
        f"m{i}": f"t.\"signed_on\" >= '{start.isoformat()}' AND t.\"signed_on\" < '{end.isoformat()}'"  # dates formatted here
        for i, (start, end) in enumerate(zip(starts, starts[1:], strict=False))
    }
    signed = visible(Contract, SYSTEM_ACTOR).live().where("status", list(SIGNED_STATUSES))
    groups = (
        await signed.where("signed_on", starts[0], ">=")
        .where("signed_on", starts[-1], "<")
        .aggregate(["account"], counts=windows)
    )
    last_month = starts[-2].strftime("%Y-%m")
    found = []
    for group in groups:
        monthly = [group["counts"][name] for name in windows]
        if rules.purchases_falling(monthly, config.falling_months):
            found.append(
                Finding(
                    group["keys"]["account"],
                    WarningKind.PURCHASES_FALLING,
                    f"purchases:{last_month}",
                    WarningLevel.MEDIUM,
                    f"contracts signed per month fell {config.falling_months} months in a row up to {last_month}: "
                    f"{', '.join(map(str, monthly))}",
                )
            )
    return found


async def raise_warnings(unit: UnitOfWork, findings: Sequence[Finding]) -> dict[str, int]:
    """Raise a warning for each new cause, escalate an open one whose level rose, leave the rest: a cause
    is warned about once, and a resolved warning stays resolved."""
    known: dict[tuple[int, str, str], RiskWarning] = {}
    causes = sorted({f.cause for f in findings})
    for chunk in range(0, len(causes), 500):
        for warning in await RiskWarning.filter(cause__in=causes[chunk : chunk + 500]):
            known[(warning.account_id, warning.kind.value, warning.cause)] = warning
    raised = escalated = 0
    for finding in findings:
        warning = known.get((finding.account_id, finding.kind.value, finding.cause))
        if warning is None:
            warning = await create(
                RiskWarning,
                audit_account=finding.account_id,
                account_id=finding.account_id,
                kind=finding.kind,
                cause=finding.cause,
                level=finding.level,
                reason=finding.reason,
            )
            known[(finding.account_id, finding.kind.value, finding.cause)] = warning
            _announce(unit, "risk.warning.raised", warning)
            raised += 1
        elif warning.resolved_at is None and rules.escalates(warning.level, finding.level):
            await save(
                warning,
                {"level": finding.level, "reason": finding.reason, "escalated_at": datetime.now(UTC)},
                audit_account=finding.account_id,
            )
            _announce(unit, "risk.warning.escalated", warning)
            escalated += 1
    return {"raised": raised, "escalated": escalated}


def _announce(unit: UnitOfWork, event: str, warning: RiskWarning) -> None:
    unit.emit(
        event,
        warning.node_id,
        accountId=to_global_id("Account", warning.account_id),
        kind=warning.kind.value,
        level=warning.level.value,
        reason=warning.reason,
    )


async def resolve_warning(unit: UnitOfWork, warning_gid: str, note: str) -> RiskWarning:
    warning = await find(unit.actor, RiskWarning, warning_gid, ("id",))
    problems = [invalid(("note",), "say how the warning was resolved")] if not note.strip() else []
    if warning.resolved_at is not None:
        problems.append(
            Problem(("id",), Code.RULE_VIOLATION, f"this warning was resolved by {warning.resolved_by} already")
        )
    refuse_if(problems)
    await save(
        warning,
        {"resolved_at": datetime.now(UTC), "resolved_by": unit.actor.name, "resolution": note.strip()},
        audit_account=warning.account_id,
    )
    unit.emit(
        "risk.warning.resolved",
        warning.node_id,
        accountId=to_global_id("Account", warning.account_id),
        kind=warning.kind.value,
        note=warning.resolution,
    )
    return warning


async def routed_to(rows: Any, account_ids: Sequence[int]) -> dict[int, list[Person]]:
    """The people a warning on each account reaches (``rules.routed_to``), as the caller may see them."""
    from kamgraph.plugin import Role, StaffRole

    accounts = await rows(Account).get_many(account_ids)
    roles = await StaffRole.filter(
        role__in=[Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR]
    ).prefetch_related("person")
    directors = [
        rules.Director(r.person_id, r.role.value, r.person.industry_section, r.person.region)
        for r in roles
        if r.person.archived_at is None
    ]
    routes = {
        a: rules.routed_to(accounts[a].owner_id, accounts[a].industry_section, accounts[a].region.value, directors)
        if a in accounts
        else []
        for a in account_ids
    }
    people = await rows(Person).get_many({p for ids in routes.values() for p in ids})
    return {a: [people[p] for p in ids if p in people] for a, ids in routes.items()}
