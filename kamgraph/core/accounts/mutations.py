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
    name: str = strawberry.field(description="The customer company's name; not empty.")
    credit_code: str = strawberry.field(
        description="18-character unified social credit code; its check character is verified."
    )
    industry_code: str = strawberry.field(
        description="GB/T 4754-2017 section letter and division, e.g. C39 (see industries)."
    )
    region: RegionEnum = strawberry.field(description="The sales region the account belongs to.")
    size: AccountSizeEnum = strawberry.field(
        default=AccountSizeEnum.MEDIUM, description="The company's size by head count (MEDIUM when omitted)."
    )
    status: AccountStatusEnum = strawberry.field(
        default=AccountStatusEnum.PROSPECT, description="The lifecycle status (PROSPECT when omitted)."
    )
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
    name: str | None = strawberry.field(default=UNSET, description="The new name; cannot be null or empty.")
    credit_code: str | None = strawberry.field(
        default=UNSET,
        description="The new 18-character unified social credit code; its check character is verified and no "
        "other account may have it. Cannot be null.",
    )
    industry_code: str | None = strawberry.field(
        default=UNSET, description="The new GB/T 4754-2017 code, e.g. C39 (see industries). Cannot be null."
    )
    region: RegionEnum | None = strawberry.field(default=UNSET, description="The new region; cannot be null.")
    size: AccountSizeEnum | None = strawberry.field(default=UNSET, description="The new size; cannot be null.")
    status: AccountStatusEnum | None = strawberry.field(
        default=UNSET, description="The new lifecycle status; cannot be null."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="The new owner (staff), who also joins the team as ACCOUNT_MANAGER; null leaves the account "
        "without one. Giving an account to someone else is a director's decision (FORBIDDEN otherwise).",
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="The group the account belongs to, null for none; not the account itself or one of its "
        "subsidiaries.",
    )


@strawberry.input
class ArchiveAccountInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class SetAccountTeamMemberInput:
    account_id: strawberry.ID = strawberry.field(
        description="The account; only its owner or a director may change its team."
    )
    person_id: strawberry.ID = strawberry.field(description="The member of staff to add (contacts cannot be members).")
    role: TeamRoleEnum = strawberry.field(description="Their role on the team; replaces their role if already on it.")


@strawberry.input
class RemoveAccountTeamMemberInput:
    account_id: strawberry.ID = strawberry.field(
        description="The account; only its owner or a director may change its team."
    )
    person_id: strawberry.ID = strawberry.field(
        description="The member to take off; not the owner (change the owner first)."
    )


@strawberry.input
class EvaluateTiersInput:
    as_of: date | None = strawberry.field(
        default=None, description="Evaluate the 12 months ending this day (default today)."
    )


@strawberry.input(description="A director's decision on a tier review.")
class ConfirmTierChangeInput:
    review_id: strawberry.ID = strawberry.field(description="The tier review to decide; it must still be PENDING.")
    reason: str = strawberry.field(description="Why; kept with the account's tier history.")


@strawberry.input(description="A director's decision on a tier review.")
class DismissTierChangeInput(ConfirmTierChangeInput):
    pass


@strawberry.input(description="One account as the other system has it; matched on (source, externalId).")
class AccountRecordInput:
    external_id: str
    name: str = strawberry.field(description="The customer company's name; not empty.")
    credit_code: str = strawberry.field(
        description="18-character unified social credit code; its check character is verified."
    )
    industry_code: str = strawberry.field(description="GB/T 4754-2017 section letter and division, e.g. C39.")
    region: RegionEnum = strawberry.field(description="The sales region the account belongs to.")
    size: AccountSizeEnum = strawberry.field(
        default=AccountSizeEnum.MEDIUM, description="The company's size by head count (MEDIUM when omitted)."
    )
    status: AccountStatusEnum = strawberry.field(
        default=AccountStatusEnum.PROSPECT, description="The lifecycle status (PROSPECT when omitted)."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The responsible account manager (staff); null: none (an existing owner is removed)."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The group this account belongs to; null: none."
    )


@strawberry.input(description=f"Up to {MAX_UPSERT} accounts from one source system.")
class UpsertAccountsInput:
    source: str = strawberry.field(description='The system the external ids belong to, e.g. "erp".')
    accounts: list[AccountRecordInput] = strawberry.field(
        description=f"The records, at most {MAX_UPSERT}; each is created or updated on its own."
    )


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
