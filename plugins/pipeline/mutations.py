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
    account_id: strawberry.ID = strawberry.field(description="The account it is at (one you may see, not archived).")
    title: str = strawberry.field(description="What is being sold; required.")
    amount: Decimal = strawberry.field(
        description="The expected contract value in the given currency: not negative, at most two decimals."
    )
    expected_close_on: date = strawberry.field(description="When it is expected to close.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: you, or the account's owner when you are not on the staff."
    )
    edition: EditionEnum = strawberry.field(
        default=EditionEnum.BASIC, description="The contract edition offered; BASIC by default."
    )
    currency: str = strawberry.field(default="CNY", description="The amount's currency, a three-letter ISO 4217 code.")
    lead_source: str | None = strawberry.field(
        default=None, description="Where it came from: referral, exhibition, inbound..."
    )
    competitor: str | None = strawberry.field(default=None, description="A competitor involved, if any.")
    first_contact_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Change an open opportunity; what is not given stays.")
class UpdateOpportunityInput:
    id: strawberry.ID
    expected_version: int | None = None
    title: str | None = strawberry.field(default=UNSET, description="The new title; cannot be emptied.")
    amount: Decimal | None = strawberry.field(
        default=UNSET, description="The new expected contract value: not negative, at most two decimals."
    )
    expected_close_on: date | None = strawberry.field(default=UNSET, description="The new expected close date.")
    edition: EditionEnum | None = strawberry.field(default=UNSET, description="The new edition offered.")
    currency: str | None = strawberry.field(
        default=UNSET, description="The new currency, a three-letter ISO 4217 code."
    )
    lead_source: str | None = strawberry.field(default=UNSET, description="Where it came from; null clears it.")
    competitor: str | None = strawberry.field(default=UNSET, description="A competitor involved; null clears it.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The new owner, a member of staff; null makes you the owner."
    )


@strawberry.input(
    description="Move to another stage as pipelineRules allow; LOST needs the reason (and the competitor, if any)."
)
class MoveOpportunityInput:
    id: strawberry.ID
    stage: str = strawberry.field(
        description="The stage to move to, a code of pipelineRules.stages; not the won stage (winOpportunity)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why; required for LOST, and kept in the stage history."
    )
    competitor: str | None = strawberry.field(
        default=None, description="For LOST: the competitor who won, if any (the one recorded stays otherwise)."
    )
    expected_version: int | None = None


@strawberry.input(
    description="The terms of the draft contract a win creates; title, amount, edition and currency come from the opportunity."
)
class WonContractInput:
    number: str = strawberry.field(description="The new contract's number.")
    start_on: date = strawberry.field(description="The contract's first day.")
    end_on: date = strawberry.field(description="The contract's last day.")
    payment_terms_days: int = strawberry.field(default=30, description="Payment terms, in days; 30 by default.")
    schedule: list[InstalmentInput] = strawberry.field(
        default_factory=list, description="The payment schedule: instalments with due date and amount; none by default."
    )


@strawberry.input(
    description="Record the win with its contract: an existing one (contractId) or a new draft (newContract)."
)
class WinOpportunityInput:
    id: strawberry.ID
    contract_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An existing contract of the same account, not linked to another win; give this or newContract.",
    )
    new_contract: WonContractInput | None = strawberry.field(
        default=None, description="The terms of a new draft contract; give this or contractId."
    )
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
    summary: str = strawberry.field(description="A summary of the customer's needs; required.")
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
    metric: MetricEnum = strawberry.field(description="What the target measures.")
    year: int = strawberry.field(description="The year, 2000 to 2100.")
    value: Decimal = strawberry.field(
        description="The target: CNY for REVENUE and COLLECTIONS, a whole number of accounts for NEW_ACCOUNTS; not "
        "negative, at most two decimals."
    )
    quarter: int | None = strawberry.field(default=None, description="1 to 4; the whole year when omitted.")
    region: RegionEnum | None = strawberry.field(
        default=None, description="For one region; give at most one of region, industrySection and personId."
    )
    industry_section: str | None = strawberry.field(
        default=None, description="For one industry, a GB/T 4754-2017 section letter."
    )
    person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="For one person, a member of staff. With none of the three, the target is the department's.",
    )
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="The target this one is a part of.")


@strawberry.type
class TargetMutations:
    @mutation(permission=TARGETS_WRITE, returns={"target": SalesTargetType})
    async def set_sales_target(unit: UnitOfWork, input: SetSalesTargetInput) -> dict[str, Any]:
        """Set a sales target (directors)."""
        return {"target": await targets.set_target(unit, vars(input).copy())}


@strawberry.input(description="Rate a candidate account for the target-account list (again: the rating is replaced).")
class RateTargetAccountInput:
    account_id: strawberry.ID = strawberry.field(description="The candidate account (one you may see, not archived).")
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
