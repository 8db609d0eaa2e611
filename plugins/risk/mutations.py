"""Mutations of the risk plugin: thin, each one ``write`` around one service (API.md "Mutations and errors")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from kamgraph.plugin import UnitOfWork, mutation
from kamgraph.plugins.risk import register, services
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.permissions import ASSESS, COMPETITORS, OVERRIDE, REGISTER, RESOLVE_WARNINGS
from kamgraph.plugins.risk.types import (
    CheckEnum,
    CompetitorOfferType,
    ContingencyPlanType,
    ContingencyTaskType,
    CreditAssessmentType,
    CreditOverrideType,
    PlanTypeEnum,
    RegisteredRiskType,
    RiskKindEnum,
    RiskStatusEnum,
    RiskWarningType,
)


@strawberry.input(description="One of the three checks: its score from 0 to 100 and the evidence behind it.")
class CreditCheckInput:
    check: CheckEnum = strawberry.field(description="Which check; each of the three once.")
    score: int = strawberry.field(description="Its score, 0 to 100.")
    notes: str | None = strawberry.field(
        default=None, description="Evidence; encrypted at rest, readable with risk.credit.read."
    )


@strawberry.input(
    description="A new version of an account's credit assessment. The score maps to a rating, a credit limit "
    "and payment terms (riskRules); periods of one account's assessments never overlap."
)
class RecordCreditAssessmentInput:
    account_id: strawberry.ID = strawberry.field(description="The account assessed (one you may see, not archived).")
    checks: list[CreditCheckInput] = strawberry.field(description="All three checks, each once.")
    valid_from: date | None = strawberry.field(default=None, description="Default: today.")
    valid_until: date | None = strawberry.field(
        default=None, description="Default: the day before validFrom plus assessmentMonths."
    )
    credit_limit: Decimal | None = strawberry.field(
        default=None, description="Grant less than the rating's limit (never more)."
    )


@strawberry.input(description="End an assessment before its period is over, so a new one can start.")
class EndCreditAssessmentInput:
    id: strawberry.ID
    reason: str = strawberry.field(description="Why it ends early; required.")
    ended_on: date | None = strawberry.field(default=None, description="Default: today. Valid through the day before.")


@strawberry.input(
    description="Let one contract be signed although the credit rule refuses it (KA director), with the reason."
)
class GrantCreditOverrideInput:
    contract_id: strawberry.ID = strawberry.field(
        description="The contract, not yet signed (DRAFT, IN_REVIEW or APPROVED) and without an override."
    )
    reason: str = strawberry.field(description="Why the credit rule is set aside; required.")


@strawberry.input(description="Close an early warning, saying what was done about it.")
class ResolveRiskWarningInput:
    id: strawberry.ID
    note: str = strawberry.field(description="What was done about it; required.")


@strawberry.type
class RiskMutations:
    @mutation(permission=ASSESS, returns={"assessment": CreditAssessmentType})
    async def record_credit_assessment(unit: UnitOfWork, input: RecordCreditAssessmentInput) -> dict[str, Any]:
        """Record a credit assessment (directors and contract specialists)."""
        checks = [(c.check, c.score, c.notes) for c in input.checks]
        assessment = await services.record_assessment(
            unit,
            risk_config(unit.settings),
            input.account_id,
            checks,
            input.valid_from,
            input.valid_until,
            input.credit_limit,
        )
        return {"assessment": assessment}

    @mutation(permission=ASSESS, returns={"assessment": CreditAssessmentType})
    async def end_credit_assessment(unit: UnitOfWork, input: EndCreditAssessmentInput) -> dict[str, Any]:
        """End a credit assessment early, with the reason."""
        return {"assessment": await services.end_assessment(unit, input.id, input.ended_on, input.reason)}

    @mutation(permission=OVERRIDE, returns={"override": CreditOverrideType})
    async def grant_credit_override(unit: UnitOfWork, input: GrantCreditOverrideInput) -> dict[str, Any]:
        """Record a KA director's override of the credit rule for one contract not yet signed."""
        return {"override": await services.grant_override(unit, input.contract_id, input.reason)}

    @mutation(permission=RESOLVE_WARNINGS, returns={"warning": RiskWarningType})
    async def resolve_risk_warning(unit: UnitOfWork, input: ResolveRiskWarningInput) -> dict[str, Any]:
        """Resolve an early warning with a note (the account's manager or a director)."""
        return {"warning": await services.resolve_warning(unit, input.id, input.note)}


# --- risk register, contingency plans, competitor watch -------------------------------------------------

UNSET = strawberry.UNSET


@strawberry.input(
    description="A risk for an account's register: kind, probability and impact from 1 to 5, an owner on the staff."
)
class RegisterRiskInput:
    account_id: strawberry.ID = strawberry.field(
        description="The account whose register gets the risk (one you may see, not archived)."
    )
    kind: RiskKindEnum = strawberry.field(description="Credit, cooperation or policy risk.")
    title: str = strawberry.field(description="A short name of the risk; required.")
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    description: str | None = strawberry.field(default=None, description="The risk in more detail.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member of staff who owns the risk; none by default."
    )
    mitigation: str | None = strawberry.field(default=None, description="What is done to reduce the risk.")


@strawberry.input(description="Change a registered risk; what is not given stays. Closing needs closedReason.")
class UpdateRegisteredRiskInput:
    id: strawberry.ID
    expected_version: int | None = None
    kind: RiskKindEnum | None = strawberry.field(
        default=UNSET, description="The new kind; unchanged when not given or null."
    )
    title: str | None = strawberry.field(default=UNSET, description="The new title; unchanged when not given.")
    description: str | None = strawberry.field(
        default=UNSET, description="The new description; unchanged when not given or null."
    )
    probability: int | None = strawberry.field(
        default=UNSET, description="1 (rare) to 5 (almost certain); unchanged when not given or null."
    )
    impact: int | None = strawberry.field(
        default=UNSET, description="1 (minor) to 5 (severe); unchanged when not given or null."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The member of staff who owns the risk; null removes the owner."
    )
    mitigation: str | None = strawberry.field(
        default=UNSET, description="The new mitigation; unchanged when not given or null."
    )
    status: RiskStatusEnum | None = strawberry.field(
        default=UNSET, description="The new status; CLOSED needs closedReason, and a closed risk stays closed."
    )
    closed_reason: str | None = strawberry.field(
        default=UNSET, description="Why the risk is closed: required with status CLOSED, not used otherwise."
    )


@strawberry.input(description="A contingency plan for an account, READY until its event happens.")
class CreateContingencyPlanInput:
    account_id: strawberry.ID = strawberry.field(
        description="The account the plan is for (one you may see, not archived)."
    )
    plan_type: PlanTypeEnum = strawberry.field(description="Which contingency it answers.")
    title: str = strawberry.field(description="The plan's name; required.")
    risk_id: strawberry.ID | None = strawberry.field(default=None, description="The registered risk it answers.")


@strawberry.input(
    description="The plan's event happened: the plan goes ACTIVE and its post-mortem is due 48 hours after the event."
)
class ActivateContingencyPlanInput:
    id: strawberry.ID
    summary: str = strawberry.field(description="What happened; required.")
    occurred_at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.input(description="A task for a contingency plan that is not closed.")
class AddContingencyTaskInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan, READY or ACTIVE.")
    title: str = strawberry.field(description="What is to be done; required.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member of staff who carries it out; none by default."
    )
    due_at: datetime | None = strawberry.field(default=None, description="When it is due; no deadline by default.")


@strawberry.input
class CompleteContingencyTaskInput:
    id: strawberry.ID


@strawberry.input(description="The post-mortem of an activated plan; it closes the plan.")
class RecordPostMortemInput:
    id: strawberry.ID
    post_mortem: str = strawberry.field(description="The post-mortem; required.")


@strawberry.input(description="A competitor's offer seen at an account.")
class RecordCompetitorOfferInput:
    account_id: strawberry.ID = strawberry.field(
        description="The account where the offer was seen (one you may see, not archived)."
    )
    competitor: str = strawberry.field(description="The competitor's name; required.")
    offer: str = strawberry.field(description="What was offered: price, terms, promises; required.")
    product: str | None = strawberry.field(default=None, description="The competitor's product offered.")
    seen_at: datetime | None = strawberry.field(
        default=None, description="Default: now. The comparison is due 48 hours later."
    )


@strawberry.input(description="How our offer differs from the competitor's (§3.5.3).")
class RecordDifferentiationInput:
    id: strawberry.ID
    comparison: str = strawberry.field(description="How our offer differs from the competitor's; required.")


@strawberry.type
class RegisterMutations:
    @mutation(permission=REGISTER, returns={"risk": RegisteredRiskType})
    async def register_risk(unit: UnitOfWork, input: RegisterRiskInput) -> dict[str, Any]:
        """Add a risk to an account's register."""
        return {"risk": await register.register_risk(unit, vars(input))}

    @mutation(permission=REGISTER, returns={"risk": RegisteredRiskType})
    async def update_registered_risk(unit: UnitOfWork, input: UpdateRegisteredRiskInput) -> dict[str, Any]:
        """Change, mitigate or close a registered risk (expectedVersion guards against lost updates)."""
        return {"risk": await register.update_risk(unit, input.id, input.expected_version, vars(input))}

    @mutation(permission=REGISTER, returns={"plan": ContingencyPlanType})
    async def create_contingency_plan(unit: UnitOfWork, input: CreateContingencyPlanInput) -> dict[str, Any]:
        """Prepare a contingency plan for an account."""
        plan = await register.create_plan(unit, input.account_id, input.plan_type, input.title, input.risk_id)
        return {"plan": plan}

    @mutation(permission=REGISTER, returns={"plan": ContingencyPlanType})
    async def activate_contingency_plan(unit: UnitOfWork, input: ActivateContingencyPlanInput) -> dict[str, Any]:
        """Activate a plan when its event happens: its first task starts, the post-mortem is due in 48 hours."""
        return {"plan": await register.activate_plan(unit, input.id, input.occurred_at, input.summary)}

    @mutation(permission=REGISTER, returns={"task": ContingencyTaskType})
    async def add_contingency_task(unit: UnitOfWork, input: AddContingencyTaskInput) -> dict[str, Any]:
        """Add a task to a contingency plan."""
        return {"task": await register.add_task(unit, input.plan_id, input.title, input.owner_id, input.due_at)}

    @mutation(permission=REGISTER, returns={"task": ContingencyTaskType})
    async def complete_contingency_task(unit: UnitOfWork, input: CompleteContingencyTaskInput) -> dict[str, Any]:
        """Mark a contingency task done."""
        return {"task": await register.complete_task(unit, input.id)}

    @mutation(permission=REGISTER, returns={"plan": ContingencyPlanType})
    async def record_post_mortem(unit: UnitOfWork, input: RecordPostMortemInput) -> dict[str, Any]:
        """Record the post-mortem of an activated plan, which closes it."""
        return {"plan": await register.record_post_mortem(unit, input.id, input.post_mortem)}

    @mutation(permission=COMPETITORS, returns={"offer": CompetitorOfferType})
    async def record_competitor_offer(unit: UnitOfWork, input: RecordCompetitorOfferInput) -> dict[str, Any]:
        """Record a competitor's offer seen at an account."""
        offer = await register.record_offer(
            unit, input.account_id, input.competitor, input.product, input.offer, input.seen_at
        )
        return {"offer": offer}

    @mutation(permission=COMPETITORS, returns={"offer": CompetitorOfferType})
    async def record_differentiation(unit: UnitOfWork, input: RecordDifferentiationInput) -> dict[str, Any]:
        """Record the differentiation comparison answering a competitor's offer."""
        return {"offer": await register.record_differentiation(unit, input.id, input.comparison)}
