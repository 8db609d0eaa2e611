"""Risk services: each is a step of a write (``unit``) or a read for the API, deciding with ``rules`` and
reading rows through the scoped accessor. The rules that protect the company (signing, dunning) read as
the system, so that they count every contract whoever asks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.config import RiskConfig
from kamgraph.plugins.risk.models import CreditAssessment, CreditOverride
from kamgraph.plugins.risk.rules import AgeingBucket, Check, CreditStanding

from kamgraph.core.accounts.models import Account
from kamgraph.core.contracts.models import Contract, ContractStatus, Instalment
from kamgraph.core.writes import create, find, save
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if
from kamgraph.events import UnitOfWork
from kamgraph.ids import to_global_id
from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.security.scope import Rows, visible

#: contracts whose unpaid value is credit the company has extended (DOMAIN.md: "signed and active")
EXPOSED = [ContractStatus.SIGNED, ContractStatus.ACTIVE]
UNPAID = 't."amount" - COALESCE((SELECT SUM(p."amount") FROM "payment" p WHERE p."contract_id" = t."id"), 0)'
SIGNABLE = {ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.APPROVED}


# --- reading ------------------------------------------------------------------------------------------


def in_force(assessment: CreditAssessment, day: date) -> bool:
    """Valid on ``day``: inside its period and not ended on or before it."""
    return assessment.valid_from <= day <= assessment.valid_until and (assessment.ended_on is None or day < assessment.ended_on)


async def current_assessments(rows: Rows, account_ids: Sequence[int], day: date) -> dict[int, CreditAssessment]:
    """The assessment in force on ``day`` for each account that has one: one statement for all of them."""
    found = await rows.where("account", list(account_ids)).where("valid_from", day, "<=").where("valid_until", day, ">=").all()
    current: dict[int, CreditAssessment] = {}
    for assessment in sorted(found, key=lambda a: a.sequence):
        if in_force(assessment, day):
            current[assessment.account_id] = assessment
    return current


async def exposures(rows: Rows, account_ids: Sequence[int]) -> dict[int, Decimal]:
    """Unpaid value of each account's signed and active contracts, summed in SQL (one statement)."""
    if not account_ids:
        return {}
    groups = await rows.live().where("status", EXPOSED).where("account", list(account_ids)).aggregate(["account"], {"exposure": UNPAID})
    found = {g["keys"]["account"]: g["sums"]["exposure"] for g in groups}
    return {account_id: found.get(account_id, Decimal("0.00")) for account_id in account_ids}


def bucket_sums(today: date) -> dict[str, str]:
    """SQL money expressions over instalments ``t``: the outstanding amount due in each ageing bucket."""
    sums = {}
    for bucket in AgeingBucket:
        earliest, latest = rules.bucket_due_dates(bucket, today)
        conditions = ['(t."amount" - t."paid_amount") > 0']
        if earliest is not None:
            conditions.append(f"t.\"due_on\" >= '{earliest.isoformat()}'")  # a date, formatted here: no input reaches the SQL
        if latest is not None:
            conditions.append(f"t.\"due_on\" <= '{latest.isoformat()}'")
        sums[bucket.value] = f'CASE WHEN {" AND ".join(conditions)} THEN t."amount" - t."paid_amount" ELSE 0 END'
    return sums


async def receivables_aging(rows: Rows, group_by: Sequence[str], today: date) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    """Outstanding instalments of signed and active contracts by ageing bucket: the total, and per group."""
    owed = rows.where("contract.status", EXPOSED).where("contract.archived_at", None)
    sums = bucket_sums(today)
    total = (await owed.aggregate([], sums))[0]["sums"]
    groups = await owed.aggregate(list(group_by), sums) if group_by else []
    return total, groups


# --- credit assessment ----------------------------------------------------------------------------------


async def record_assessment(
    unit: UnitOfWork, config: RiskConfig, account_gid: str, checks: Sequence[tuple[Check, int, str | None]],
    valid_from: date | None, valid_until: date | None, requested_limit: Decimal | None,
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
    if requested_limit is not None and (problem := _limit_problem(requested_limit)):
        problems.append(problem)
    refuse_if(problems)
    band = rules.band_for(rules.combined_score(scores, config.weight_of), config.bands)
    if requested_limit is not None and requested_limit > band.credit_limit:
        raise Refused([Problem(("credit_limit",), Code.RULE_VIOLATION,
                               f"rating {band.rating.value} allows a credit limit of at most {band.credit_limit}")])
    earlier = await visible(CreditAssessment, SYSTEM_ACTOR).where("account", account.id).all()
    for other in earlier:
        other_end = other.ended_on - timedelta(days=1) if other.ended_on else other.valid_until
        if rules.periods_overlap(start, end, other.valid_from, other_end):
            raise Refused([Problem(("valid_from",), Code.RULE_VIOLATION,
                                   f"assessment {other.sequence} of this account is valid from {other.valid_from} to {other_end}; "
                                   "periods cannot overlap (end it first with endCreditAssessment)")])
    score = rules.combined_score(scores, config.weight_of)
    assessment = await create(
        CreditAssessment, audit_account=account.id, account_id=account.id, sequence=1 + max((a.sequence for a in earlier), default=0),
        valid_from=start, valid_until=end,
        credit_report_score=scores[Check.CREDIT_REPORT], industry_reputation_score=scores[Check.INDUSTRY_REPUTATION],
        financial_condition_score=scores[Check.FINANCIAL_CONDITION], credit_report_notes=notes.get(Check.CREDIT_REPORT),
        industry_reputation_notes=notes.get(Check.INDUSTRY_REPUTATION), financial_condition_notes=notes.get(Check.FINANCIAL_CONDITION),
        score=score, rating=band.rating, credit_limit=rules.granted_limit(band, requested_limit),
        payment_terms_days=band.payment_terms_days, prepayment=band.prepayment, assessed_by=unit.actor.name,
    )
    unit.emit("risk.credit_assessed", assessment.node_id, accountId=account.node_id, validFrom=start.isoformat(), validUntil=end.isoformat())
    return assessment


def _limit_problem(limit: Decimal) -> Problem | None:
    if limit < 0:
        return invalid(("credit_limit",), "a credit limit cannot be negative")
    if limit.as_tuple().exponent < -2:  # type: ignore[operator]
        return invalid(("credit_limit",), "a credit limit has at most two decimals")
    return None


async def end_assessment(unit: UnitOfWork, assessment_gid: str, ended_on: date | None, reason: str) -> CreditAssessment:
    assessment = await find(unit.actor, CreditAssessment, assessment_gid, ("id",))
    day = ended_on or unit.settings.today()
    problems = []
    if not reason.strip():
        problems.append(invalid(("reason",), "say why the assessment ends early"))
    if assessment.ended_on is not None:
        problems.append(Problem(("id",), Code.RULE_VIOLATION, f"this assessment already ended on {assessment.ended_on}"))
    elif not assessment.valid_from < day <= assessment.valid_until:
        problems.append(invalid(("ended_on",), f"an assessment valid from {assessment.valid_from} to {assessment.valid_until} "
                                               f"can end after its first day and by its last, not on {day}"))
    refuse_if(problems)
    await save(assessment, {"ended_on": day, "end_reason": reason.strip()}, audit_account=assessment.account_id)
    unit.emit("risk.credit_assessment_ended", assessment.node_id, accountId=to_global_id("Account", assessment.account_id),
              endedOn=day.isoformat())
    return assessment


# --- the signing rule and its override ----------------------------------------------------------------


async def grant_override(unit: UnitOfWork, contract_gid: str, reason: str) -> CreditOverride:
    contract = await find(unit.actor, Contract, contract_gid, ("contract_id",), live=True)
    problems = [invalid(("reason",), "an override needs the reason the credit rule is set aside")] if not reason.strip() else []
    if contract.status not in SIGNABLE:
        problems.append(Problem(("contract_id",), Code.RULE_VIOLATION, f"contract {contract.number} is already {contract.status.value}"))
    elif await visible(CreditOverride, SYSTEM_ACTOR).where("contract", contract.id).count():
        problems.append(Problem(("contract_id",), Code.RULE_VIOLATION, f"contract {contract.number} already has an override"))
    refuse_if(problems)
    override = await create(CreditOverride, audit_account=contract.account_id, contract_id=contract.id, account_id=contract.account_id,
                            reason=reason.strip(), granted_by=unit.actor.name)
    unit.emit("risk.credit_override_granted", override.node_id, contractId=contract.node_id,
              accountId=to_global_id("Account", contract.account_id), reason=override.reason)
    return override


async def signing_problems(contract: Contract, signed_on: date) -> list[Problem]:
    """The credit rule on signing ``contract`` (read as the system: every contract of the customer counts).
    A director's override lets a refused signing through, and is marked used."""
    system = SYSTEM_ACTOR
    standing = (await current_assessments(visible(CreditAssessment, system), [contract.account_id], signed_on)).get(contract.account_id)
    exposure = (await exposures(visible(Contract, system), [contract.account_id]))[contract.account_id]
    schedule = [(i.due_on, i.amount) for i in await visible(Instalment, system).where("contract", contract.id).all()]
    problem = rules.signing_problem(
        None if standing is None else CreditStanding(standing.rating, standing.credit_limit, standing.prepayment),
        exposure, contract.amount, rules.is_prepaid(contract.payment_terms_days, contract.start_on, contract.amount, schedule),
    )
    if problem is None:
        return []
    overrides = await visible(CreditOverride, system).where("contract", contract.id).all()
    if overrides:
        await save(overrides[0], {"used_at": datetime.now(UTC)}, audit_account=contract.account_id)
        return []
    return [Problem(("id",), Code.RULE_VIOLATION, problem)]
