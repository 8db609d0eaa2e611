"""Mutations of the risk plugin: thin, each one ``write`` around one service (API.md "Mutations and errors")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from kamgraph.api import context, payload_type, write
from kamgraph.plugins.risk import register, services
from kamgraph.plugins.risk.config import risk_config
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
    check: CheckEnum
    score: int
    notes: str | None = strawberry.field(
        default=None, description="Evidence; encrypted at rest, readable with risk.credit.read."
    )


@strawberry.input(
    description="A new version of an account's credit assessment. The score maps to a rating, a credit limit "
    "and payment terms (riskRules); periods of one account's assessments never overlap."
)
class RecordCreditAssessmentInput:
    account_id: strawberry.ID
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
    reason: str
    ended_on: date | None = strawberry.field(default=None, description="Default: today. Valid through the day before.")


@strawberry.input(
    description="Let one contract be signed although the credit rule refuses it (KA director), with the reason."
)
class GrantCreditOverrideInput:
    contract_id: strawberry.ID
    reason: str


@strawberry.input(description="Close an early warning, saying what was done about it.")
class ResolveRiskWarningInput:
    id: strawberry.ID
    note: str


RecordCreditAssessmentPayload = payload_type("RecordCreditAssessment", assessment=CreditAssessmentType)
EndCreditAssessmentPayload = payload_type("EndCreditAssessment", assessment=CreditAssessmentType)
GrantCreditOverridePayload = payload_type("GrantCreditOverride", override=CreditOverrideType)
ResolveRiskWarningPayload = payload_type("ResolveRiskWarning", warning=RiskWarningType)


@strawberry.type
class RiskMutations:
    @strawberry.mutation(description="Record a credit assessment (directors and contract specialists).")
    async def record_credit_assessment(
        self, info: Info, input: RecordCreditAssessmentInput
    ) -> RecordCreditAssessmentPayload:
        config = risk_config(context(info).settings)

        async def action(unit):
            checks = [(c.check, c.score, c.notes) for c in input.checks]
            return {
                "assessment": await services.record_assessment(
                    unit, config, input.account_id, checks, input.valid_from, input.valid_until, input.credit_limit
                )
            }

        return await write(info, RecordCreditAssessmentPayload, action, "risk.assess")

    @strawberry.mutation(description="End a credit assessment early, with the reason.")
    async def end_credit_assessment(self, info: Info, input: EndCreditAssessmentInput) -> EndCreditAssessmentPayload:
        async def action(unit):
            return {"assessment": await services.end_assessment(unit, input.id, input.ended_on, input.reason)}

        return await write(info, EndCreditAssessmentPayload, action, "risk.assess")

    @strawberry.mutation(
        description="Record a KA director's override of the credit rule for one contract not yet signed."
    )
    async def grant_credit_override(self, info: Info, input: GrantCreditOverrideInput) -> GrantCreditOverridePayload:
        async def action(unit):
            return {"override": await services.grant_override(unit, input.contract_id, input.reason)}

        return await write(info, GrantCreditOverridePayload, action, "risk.override")

    @strawberry.mutation(description="Resolve an early warning with a note (the account's manager or a director).")
    async def resolve_risk_warning(self, info: Info, input: ResolveRiskWarningInput) -> ResolveRiskWarningPayload:
        async def action(unit):
            return {"warning": await services.resolve_warning(unit, input.id, input.note)}

        return await write(info, ResolveRiskWarningPayload, action, "risk.warnings.resolve")


# --- risk register, contingency plans, competitor watch -------------------------------------------------

UNSET = strawberry.UNSET


@strawberry.input(
    description="A risk for an account's register: kind, probability and impact from 1 to 5, an owner on the staff."
)
class RegisterRiskInput:
    account_id: strawberry.ID
    kind: RiskKindEnum
    title: str
    probability: int
    impact: int
    description: str | None = None
    owner_id: strawberry.ID | None = None
    mitigation: str | None = None


@strawberry.input(description="Change a registered risk; what is not given stays. Closing needs closedReason.")
class UpdateRegisteredRiskInput:
    id: strawberry.ID
    expected_version: int | None = None
    kind: RiskKindEnum | None = UNSET
    title: str | None = UNSET
    description: str | None = UNSET
    probability: int | None = UNSET
    impact: int | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    mitigation: str | None = UNSET
    status: RiskStatusEnum | None = UNSET
    closed_reason: str | None = UNSET


@strawberry.input(description="A contingency plan for an account, READY until its event happens.")
class CreateContingencyPlanInput:
    account_id: strawberry.ID
    plan_type: PlanTypeEnum
    title: str
    risk_id: strawberry.ID | None = strawberry.field(default=None, description="The registered risk it answers.")


@strawberry.input(
    description="The plan's event happened: the plan goes ACTIVE and its post-mortem is due 48 hours after the event."
)
class ActivateContingencyPlanInput:
    id: strawberry.ID
    summary: str
    occurred_at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.input
class AddContingencyTaskInput:
    plan_id: strawberry.ID
    title: str
    owner_id: strawberry.ID | None = None
    due_at: datetime | None = None


@strawberry.input
class CompleteContingencyTaskInput:
    id: strawberry.ID


@strawberry.input(description="The post-mortem of an activated plan; it closes the plan.")
class RecordPostMortemInput:
    id: strawberry.ID
    post_mortem: str


@strawberry.input(description="A competitor's offer seen at an account.")
class RecordCompetitorOfferInput:
    account_id: strawberry.ID
    competitor: str
    offer: str
    product: str | None = None
    seen_at: datetime | None = strawberry.field(
        default=None, description="Default: now. The comparison is due 48 hours later."
    )


@strawberry.input(description="How our offer differs from the competitor's (§3.5.3).")
class RecordDifferentiationInput:
    id: strawberry.ID
    comparison: str


RegisterRiskPayload = payload_type("RegisterRisk", risk=RegisteredRiskType)
UpdateRegisteredRiskPayload = payload_type("UpdateRegisteredRisk", risk=RegisteredRiskType)
ContingencyPlanPayload = payload_type(
    "ContingencyPlan", "A contingency plan after the change.", plan=ContingencyPlanType
)
ContingencyTaskPayload = payload_type(
    "ContingencyTask", "A contingency task after the change.", task=ContingencyTaskType
)
CompetitorOfferPayload = payload_type(
    "CompetitorOffer", "A competitor offer after the change.", offer=CompetitorOfferType
)


@strawberry.type
class RegisterMutations:
    @strawberry.mutation(description="Add a risk to an account's register.")
    async def register_risk(self, info: Info, input: RegisterRiskInput) -> RegisterRiskPayload:
        async def action(unit):
            return {"risk": await register.register_risk(unit, vars(input))}

        return await write(info, RegisterRiskPayload, action, "risk.register")

    @strawberry.mutation(
        description="Change, mitigate or close a registered risk (expectedVersion guards against lost updates)."
    )
    async def update_registered_risk(self, info: Info, input: UpdateRegisteredRiskInput) -> UpdateRegisteredRiskPayload:
        async def action(unit):
            return {"risk": await register.update_risk(unit, input.id, input.expected_version, vars(input))}

        return await write(info, UpdateRegisteredRiskPayload, action, "risk.register")

    @strawberry.mutation(description="Prepare a contingency plan for an account.")
    async def create_contingency_plan(self, info: Info, input: CreateContingencyPlanInput) -> ContingencyPlanPayload:
        async def action(unit):
            return {
                "plan": await register.create_plan(unit, input.account_id, input.plan_type, input.title, input.risk_id)
            }

        return await write(info, ContingencyPlanPayload, action, "risk.register")

    @strawberry.mutation(
        description="Activate a plan when its event happens: its first task starts, the post-mortem is due in 48 hours."
    )
    async def activate_contingency_plan(
        self, info: Info, input: ActivateContingencyPlanInput
    ) -> ContingencyPlanPayload:
        async def action(unit):
            return {"plan": await register.activate_plan(unit, input.id, input.occurred_at, input.summary)}

        return await write(info, ContingencyPlanPayload, action, "risk.register")

    @strawberry.mutation(description="Add a task to a contingency plan.")
    async def add_contingency_task(self, info: Info, input: AddContingencyTaskInput) -> ContingencyTaskPayload:
        async def action(unit):
            return {"task": await register.add_task(unit, input.plan_id, input.title, input.owner_id, input.due_at)}

        return await write(info, ContingencyTaskPayload, action, "risk.register")

    @strawberry.mutation(description="Mark a contingency task done.")
    async def complete_contingency_task(
        self, info: Info, input: CompleteContingencyTaskInput
    ) -> ContingencyTaskPayload:
        async def action(unit):
            return {"task": await register.complete_task(unit, input.id)}

        return await write(info, ContingencyTaskPayload, action, "risk.register")

    @strawberry.mutation(description="Record the post-mortem of an activated plan, which closes it.")
    async def record_post_mortem(self, info: Info, input: RecordPostMortemInput) -> ContingencyPlanPayload:
        async def action(unit):
            return {"plan": await register.record_post_mortem(unit, input.id, input.post_mortem)}

        return await write(info, ContingencyPlanPayload, action, "risk.register")

    @strawberry.mutation(description="Record a competitor's offer seen at an account.")
    async def record_competitor_offer(self, info: Info, input: RecordCompetitorOfferInput) -> CompetitorOfferPayload:
        async def action(unit):
            return {
                "offer": await register.record_offer(
                    unit, input.account_id, input.competitor, input.product, input.offer, input.seen_at
                )
            }

        return await write(info, CompetitorOfferPayload, action, "risk.competitors")

    @strawberry.mutation(description="Record the differentiation comparison answering a competitor's offer.")
    async def record_differentiation(self, info: Info, input: RecordDifferentiationInput) -> CompetitorOfferPayload:
        async def action(unit):
            return {"offer": await register.record_differentiation(unit, input.id, input.comparison)}

        return await write(info, CompetitorOfferPayload, action, "risk.competitors")
