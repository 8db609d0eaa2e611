"""Mutations of the risk plugin: thin, each one ``write`` around one service (API.md "Mutations and errors")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from kamgraph.api import context, payload_type, write
from kamgraph.plugins.risk import services
from kamgraph.plugins.risk.config import risk_config
from kamgraph.plugins.risk.types import (
    CheckEnum,
    CreditAssessmentType,
    CreditOverrideType,
    RiskWarningType,
)


@strawberry.input(description="One of the three checks: its score from 0 to 100 and the evidence behind it.")
class CreditCheckInput:
    check: CheckEnum
    score: int
    notes: str | None = strawberry.field(default=None, description="Evidence; encrypted at rest, readable with risk.credit.read.")


@strawberry.input(description="A new version of an account's credit assessment. The score maps to a rating, a credit limit "
                              "and payment terms (riskRules); periods of one account's assessments never overlap.")
class RecordCreditAssessmentInput:
    account_id: strawberry.ID
    checks: list[CreditCheckInput] = strawberry.field(description="All three checks, each once.")
    valid_from: date | None = strawberry.field(default=None, description="Default: today.")
    valid_until: date | None = strawberry.field(default=None, description="Default: the day before validFrom plus assessmentMonths.")
    credit_limit: Decimal | None = strawberry.field(default=None, description="Grant less than the rating's limit (never more).")


@strawberry.input(description="End an assessment before its period is over, so a new one can start.")
class EndCreditAssessmentInput:
    id: strawberry.ID
    reason: str
    ended_on: date | None = strawberry.field(default=None, description="Default: today. Valid through the day before.")


@strawberry.input(description="Let one contract be signed although the credit rule refuses it (KA director), with the reason.")
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
    async def record_credit_assessment(self, info: Info, input: RecordCreditAssessmentInput) -> RecordCreditAssessmentPayload:
        config = risk_config(context(info).settings)

        async def action(unit):
            checks = [(c.check, c.score, c.notes) for c in input.checks]
            return {"assessment": await services.record_assessment(unit, config, input.account_id, checks, input.valid_from,
                                                                   input.valid_until, input.credit_limit)}

        return await write(info, RecordCreditAssessmentPayload, action, "risk.assess")

    @strawberry.mutation(description="End a credit assessment early, with the reason.")
    async def end_credit_assessment(self, info: Info, input: EndCreditAssessmentInput) -> EndCreditAssessmentPayload:
        async def action(unit):
            return {"assessment": await services.end_assessment(unit, input.id, input.ended_on, input.reason)}

        return await write(info, EndCreditAssessmentPayload, action, "risk.assess")

    @strawberry.mutation(description="Record a KA director's override of the credit rule for one contract not yet signed.")
    async def grant_credit_override(self, info: Info, input: GrantCreditOverrideInput) -> GrantCreditOverridePayload:
        async def action(unit):
            return {"override": await services.grant_override(unit, input.contract_id, input.reason)}

        return await write(info, GrantCreditOverridePayload, action, "risk.override")

    @strawberry.mutation(description="Resolve an early warning with a note (the account's manager or a director).")
    async def resolve_risk_warning(self, info: Info, input: ResolveRiskWarningInput) -> ResolveRiskWarningPayload:
        async def action(unit):
            return {"warning": await services.resolve_warning(unit, input.id, input.note)}

        return await write(info, ResolveRiskWarningPayload, action, "risk.warnings.resolve")
