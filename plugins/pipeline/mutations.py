"""Mutations of the pipeline plugin: thin, each one ``write`` around one service (API.md "Mutations and errors")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from kamgraph.plugin import EditionEnum, InstalmentInput, PlannedInstalment, RegionEnum, UnitOfWork, mutation
from kamgraph.plugins.pipeline import services, targets
from kamgraph.plugins.pipeline.config import pipeline_config
from kamgraph.plugins.pipeline.permissions import TARGETS_WRITE, WRITE
from kamgraph.plugins.pipeline.types import (
    MetricEnum,
    OpportunityType,
    SalesTargetType,
    TargetAccountRatingType,
)

UNSET = strawberry.UNSET


@strawberry.input(
    description="A new opportunity starts in the first stage; its follow-up is due 48 hours after the first contact."
)
class CreateOpportunityInput:
    account_id: strawberry.ID
    title: str
    amount: Decimal
    expected_close_on: date
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: you, or the account's owner when you are not on the staff."
    )
    edition: EditionEnum = EditionEnum.BASIC
    currency: str = "CNY"
    lead_source: str | None = None
    competitor: str | None = None
    first_contact_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Change an open opportunity; what is not given stays.")
class UpdateOpportunityInput:
    id: strawberry.ID
    expected_version: int | None = None
    title: str | None = UNSET
    amount: Decimal | None = UNSET
    expected_close_on: date | None = UNSET
    edition: EditionEnum | None = UNSET
    currency: str | None = UNSET
    lead_source: str | None = UNSET
    competitor: str | None = UNSET
    owner_id: strawberry.ID | None = UNSET


@strawberry.input(
    description="Move to another stage as pipelineRules allow; LOST needs the reason (and the competitor, if any)."
)
class MoveOpportunityInput:
    id: strawberry.ID
    stage: str
    reason: str | None = None
    competitor: str | None = None
    expected_version: int | None = None


@strawberry.input(
    description="The terms of the draft contract a win creates; title, amount, edition and currency come from the opportunity."
)
class WonContractInput:
    number: str
    start_on: date
    end_on: date
    payment_terms_days: int = 30
    schedule: list[InstalmentInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Record the win with its contract: an existing one (contractId) or a new draft (newContract)."
)
class WinOpportunityInput:
    id: strawberry.ID
    contract_id: strawberry.ID | None = None
    new_contract: WonContractInput | None = None
    expected_version: int | None = None


@strawberry.input(description="The opportunity whose follow-up after the first contact was made.")
class RecordFollowUpInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input(description="The opportunity to archive.")
class ArchiveOpportunityInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input(description="The customer needs analysis report: the solution is due 5 working days after it.")
class RecordNeedsReportInput:
    id: strawberry.ID
    summary: str
    reported_on: date | None = strawberry.field(default=None, description="Default: today.")


CREATED_FIELDS = (
    "account_id",
    "title",
    "amount",
    "expected_close_on",
    "owner_id",
    "currency",
    "lead_source",
    "competitor",
    "first_contact_at",
    "external_id",
    "source",
)
UPDATED_FIELDS = ("title", "amount", "expected_close_on", "currency", "lead_source", "competitor", "owner_id")
OPPORTUNITY = {"opportunity": OpportunityType}


@strawberry.type
class PipelineMutations:
    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def create_opportunity(unit: UnitOfWork, input: CreateOpportunityInput) -> dict[str, Any]:
        """Open an opportunity at an account."""
        values = {name: getattr(input, name) for name in CREATED_FIELDS} | {"edition": input.edition}
        return {"opportunity": await services.create_opportunity(unit, pipeline_config(unit.settings), values)}

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def update_opportunity(unit: UnitOfWork, input: UpdateOpportunityInput) -> dict[str, Any]:
        """Change an open opportunity (its owner, or a director)."""
        values = {name: getattr(input, name) for name in UPDATED_FIELDS} | {"edition": input.edition}
        config = pipeline_config(unit.settings)
        return {
            "opportunity": await services.update_opportunity(unit, config, input.id, input.expected_version, values)
        }

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def move_opportunity(unit: UnitOfWork, input: MoveOpportunityInput) -> dict[str, Any]:
        """Move an opportunity to another stage, or to LOST with the reason; recorded in its stage history."""
        opportunity = await services.move_opportunity(
            unit,
            pipeline_config(unit.settings),
            input.id,
            input.expected_version,
            input.stage.strip().upper(),
            input.reason,
            input.competitor,
        )
        return {"opportunity": opportunity}

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def win_opportunity(unit: UnitOfWork, input: WinOpportunityInput) -> dict[str, Any]:
        """Record the win, linking the contract won or creating its draft; emits pipeline.opportunity.won."""
        terms = None
        if input.new_contract is not None:
            given = input.new_contract
            terms = {
                "number": given.number,
                "start_on": given.start_on,
                "end_on": given.end_on,
                "payment_terms_days": given.payment_terms_days,
                "schedule": [PlannedInstalment(i.due_on, i.amount) for i in given.schedule],
            }
        opportunity = await services.win_opportunity(
            unit, pipeline_config(unit.settings), input.id, input.expected_version, input.contract_id, terms
        )
        return {"opportunity": opportunity}

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def record_follow_up(unit: UnitOfWork, input: RecordFollowUpInput) -> dict[str, Any]:
        """Record the follow-up after the first contact (due within 48 hours)."""
        return {"opportunity": await services.record_follow_up(unit, input.id)}

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def record_needs_report(unit: UnitOfWork, input: RecordNeedsReportInput) -> dict[str, Any]:
        """Record the customer needs report; the solution is then due in 5 working days."""
        opportunity = await services.record_needs_report(
            unit, pipeline_config(unit.settings), input.id, input.summary, input.reported_on
        )
        return {"opportunity": opportunity}

    @mutation(permission=WRITE, returns=OPPORTUNITY)
    async def archive_opportunity(unit: UnitOfWork, input: ArchiveOpportunityInput) -> dict[str, Any]:
        """Archive an opportunity (it leaves lists and figures, keeps its history)."""
        return {"opportunity": await services.archive_opportunity(unit, input.id, input.expected_version)}


@strawberry.input(
    description="Set the target for a metric, a year or one quarter, and the department or one region, industry or "
    "person: it is created, or its value and parent change. Parts that do not add up are reported on the target."
)
class SetSalesTargetInput:
    metric: MetricEnum
    year: int
    value: Decimal
    quarter: int | None = None
    region: RegionEnum | None = None
    industry_section: str | None = None
    person_id: strawberry.ID | None = None
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="The target this one is a part of.")


@strawberry.type
class TargetMutations:
    @mutation(permission=TARGETS_WRITE, returns={"target": SalesTargetType})
    async def set_sales_target(unit: UnitOfWork, input: SetSalesTargetInput) -> dict[str, Any]:
        """Set a sales target (directors)."""
        return {"target": await targets.set_target(unit, vars(input).copy())}


@strawberry.input(description="Rate a candidate account for the target-account list (again: the rating is replaced).")
class RateTargetAccountInput:
    account_id: strawberry.ID
    industry_position: int = strawberry.field(description="1 (marginal) to 5 (leader).")
    purchase_potential: Decimal = strawberry.field(description="Annual purchase potential, CNY.")
    strategic_fit: int = strawberry.field(description="1 to 5.")


@strawberry.type
class TargetAccountMutations:
    @mutation(permission=WRITE, returns={"rating": TargetAccountRatingType})
    async def rate_target_account(unit: UnitOfWork, input: RateTargetAccountInput) -> dict[str, Any]:
        """Rate a candidate account; the quarterly job ranks the rated ones into the target-account list."""
        rating = await targets.rate_account(
            unit, input.account_id, input.industry_position, input.purchase_potential, input.strategic_fit
        )
        return {"rating": rating}
