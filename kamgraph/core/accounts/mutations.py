"""Mutations for accounts: create, update, archive, team members, tier re-evaluation and decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from kamgraph.api import mutation, mutation_field
from kamgraph.api.mutations import MAX_UPSERT, bulk_upsert, upsert_payload_type
from kamgraph.core.accounts import services
from kamgraph.core.accounts.models import Account, TeamRole
from kamgraph.core.accounts.types import (
    AccountSizeEnum,
    AccountStatusEnum,
    AccountType,
    RegionEnum,
    TeamRoleEnum,
    TierReviewType,
)
from kamgraph.events import UnitOfWork

UNSET = strawberry.UNSET


@strawberry.input
class CreateAccountInput:
    name: str
    credit_code: str = strawberry.field(
        description="18-character unified social credit code; its check character is verified."
    )
    industry_code: str = strawberry.field(
        description="GB/T 4754-2017 section letter and division, e.g. C39 (see industries)."
    )
    region: RegionEnum
    size: AccountSizeEnum = AccountSizeEnum.MEDIUM
    status: AccountStatusEnum = AccountStatusEnum.PROSPECT
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The responsible account manager (staff)."
    )
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="The group this account belongs to.")
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Fields left out stay as they are. The tier changes only through tier reviews.")
class UpdateAccountInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    credit_code: str | None = UNSET
    industry_code: str | None = UNSET
    region: RegionEnum | None = UNSET
    size: AccountSizeEnum | None = UNSET
    status: AccountStatusEnum | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    parent_id: strawberry.ID | None = UNSET


@strawberry.input
class ArchiveAccountInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class SetAccountTeamMemberInput:
    account_id: strawberry.ID
    person_id: strawberry.ID
    role: TeamRoleEnum


@strawberry.input
class RemoveAccountTeamMemberInput:
    account_id: strawberry.ID
    person_id: strawberry.ID


@strawberry.input
class EvaluateTiersInput:
    as_of: date | None = strawberry.field(
        default=None, description="Evaluate the 12 months ending this day (default today)."
    )


@strawberry.input(description="A director's decision on a tier review.")
class ConfirmTierChangeInput:
    review_id: strawberry.ID
    reason: str = strawberry.field(description="Why; kept with the account's tier history.")


@strawberry.input(description="A director's decision on a tier review.")
class DismissTierChangeInput(ConfirmTierChangeInput):
    pass


@strawberry.input(description="One account as the other system has it; matched on (source, externalId).")
class AccountRecordInput:
    external_id: str
    name: str
    credit_code: str
    industry_code: str
    region: RegionEnum
    size: AccountSizeEnum = AccountSizeEnum.MEDIUM
    status: AccountStatusEnum = AccountStatusEnum.PROSPECT
    owner_id: strawberry.ID | None = None
    parent_id: strawberry.ID | None = None


@strawberry.input(description=f"Up to {MAX_UPSERT} accounts from one source system.")
class UpsertAccountsInput:
    source: str = strawberry.field(description='The system the external ids belong to, e.g. "erp".')
    accounts: list[AccountRecordInput]


UpsertAccountsPayload = upsert_payload_type("Account", "account", AccountType)
_FIELDS = ("name", "credit_code", "industry_code", "region", "size", "status", "owner_id", "parent_id")


async def upsert_accounts(info: Info, input: UpsertAccountsInput) -> UpsertAccountsPayload:
    async def apply(unit, source, record):
        return await services.upsert_account(
            unit, source, {name: getattr(record, name) for name in (*_FIELDS, "external_id")}
        )

    return await bulk_upsert(info, UpsertAccountsPayload, input.source, input.accounts, "accounts", apply)


@strawberry.type
class AccountMutations:
    @mutation(permission="accounts.write", returns={"account": AccountType})
    async def create_account(unit: UnitOfWork, input: CreateAccountInput) -> dict[str, Any]:
        """Create an account; its credit code, industry and region are checked against the data standards."""
        values = {name: getattr(input, name) for name in (*_FIELDS, "external_id", "source")}
        return {"account": await services.create_account(unit, values)}

    @mutation(permission="accounts.write", returns={"account": AccountType})
    async def update_account(unit: UnitOfWork, input: UpdateAccountInput) -> dict[str, Any]:
        """Change an account's fields; with expectedVersion, only if nobody changed it since."""
        values = {name: getattr(input, name) for name in _FIELDS}
        return {"account": await services.update_account(unit, input.id, input.expected_version, values)}

    upsert_accounts = mutation_field(
        upsert_accounts,
        "upsertAccounts",
        "accounts.write",
        f"Create or update up to {MAX_UPSERT} accounts by (source, externalId); each record succeeds or fails alone.",
    )

    @mutation(permission="accounts.archive", returns={"account": AccountType})
    async def archive_account(unit: UnitOfWork, input: ArchiveAccountInput) -> dict[str, Any]:
        """Archive an account: it leaves lists but keeps its contracts and history."""
        return {"account": await services.archive_account(unit, input.id, input.expected_version)}

    @mutation(permission="accounts.team", returns={"account": AccountType})
    async def set_account_team_member(unit: UnitOfWork, input: SetAccountTeamMemberInput) -> dict[str, Any]:
        """Add a member of staff to an account's team, or change their role on it."""
        account = await services.set_team_member(unit, input.account_id, input.person_id, TeamRole(input.role.value))
        return {"account": account}

    @mutation(permission="accounts.team", returns={"account": AccountType})
    async def remove_account_team_member(unit: UnitOfWork, input: RemoveAccountTeamMemberInput) -> dict[str, Any]:
        """Take a member of staff off an account's team."""
        return {"account": await services.remove_team_member(unit, input.account_id, input.person_id)}

    @mutation(permission="tiers.evaluate", returns={"reviews": list[TierReviewType]})
    async def evaluate_tiers(unit: UnitOfWork, input: EvaluateTiersInput | None) -> dict[str, Any]:
        """Propose tier changes from the trailing-12-month signed value; running it twice proposes nothing new."""
        as_of = (input.as_of if input else None) or unit.settings.today()
        return {"reviews": await services.evaluate_tiers(unit, unit.settings, as_of)}

    @mutation(permission="tiers.decide", returns={"review": TierReviewType, "account": AccountType})
    async def confirm_tier_change(unit: UnitOfWork, input: ConfirmTierChangeInput) -> dict[str, Any]:
        """A director applies a proposed tier change, with the reason."""
        review = await services.decide_tier_review(unit, input.review_id, input.reason, apply=True)
        return {"review": review, "account": await Account.get(id=review.account_id)}

    @mutation(permission="tiers.decide", returns={"review": TierReviewType})
    async def dismiss_tier_change(unit: UnitOfWork, input: DismissTierChangeInput) -> dict[str, Any]:
        """A director turns a proposed tier change down, with the reason."""
        return {"review": await services.decide_tier_review(unit, input.review_id, input.reason, apply=False)}
