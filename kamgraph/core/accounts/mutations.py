"""Mutations for accounts: create, update, archive, team members, tier re-evaluation and decisions."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from kamgraph.api import context, payload_type, write
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
CreateAccountPayload = payload_type("CreateAccount", account=AccountType)
UpdateAccountPayload = payload_type("UpdateAccount", account=AccountType)
ArchiveAccountPayload = payload_type("ArchiveAccount", account=AccountType)
SetAccountTeamMemberPayload = payload_type("SetAccountTeamMember", account=AccountType)
RemoveAccountTeamMemberPayload = payload_type("RemoveAccountTeamMember", account=AccountType)
EvaluateTiersPayload = payload_type("EvaluateTiers", reviews=list[TierReviewType])
ConfirmTierChangePayload = payload_type("ConfirmTierChange", review=TierReviewType, account=AccountType)
DismissTierChangePayload = payload_type("DismissTierChange", review=TierReviewType)

_FIELDS = ("name", "credit_code", "industry_code", "region", "size", "status", "owner_id", "parent_id")


@strawberry.type
class AccountMutations:
    @strawberry.mutation
    async def create_account(self, info: Info, input: CreateAccountInput) -> CreateAccountPayload:
        values = {name: getattr(input, name) for name in (*_FIELDS, "external_id", "source")}

        async def action(unit):
            return {"account": await services.create_account(unit, values)}

        return await write(info, CreateAccountPayload, action, "accounts.write")

    @strawberry.mutation
    async def update_account(self, info: Info, input: UpdateAccountInput) -> UpdateAccountPayload:
        values = {name: getattr(input, name) for name in _FIELDS}

        async def action(unit):
            return {"account": await services.update_account(unit, input.id, input.expected_version, values)}

        return await write(info, UpdateAccountPayload, action, "accounts.write")

    @strawberry.mutation(
        description=f"Create or update up to {MAX_UPSERT} accounts by (source, externalId); each record succeeds or fails alone."
    )
    async def upsert_accounts(self, info: Info, input: UpsertAccountsInput) -> UpsertAccountsPayload:
        async def apply(unit, source, record):
            return await services.upsert_account(
                unit, source, {name: getattr(record, name) for name in (*_FIELDS, "external_id")}
            )

        return await bulk_upsert(
            info, UpsertAccountsPayload, input.source, input.accounts, "accounts", apply, "accounts.write"
        )

    @strawberry.mutation(description="Archive an account: it leaves lists but keeps its contracts and history.")
    async def archive_account(self, info: Info, input: ArchiveAccountInput) -> ArchiveAccountPayload:
        async def action(unit):
            return {"account": await services.archive_account(unit, input.id, input.expected_version)}

        return await write(info, ArchiveAccountPayload, action, "accounts.archive")

    @strawberry.mutation(description="Add a member of staff to an account's team, or change their role on it.")
    async def set_account_team_member(
        self, info: Info, input: SetAccountTeamMemberInput
    ) -> SetAccountTeamMemberPayload:
        async def action(unit):
            account = await services.set_team_member(
                unit, input.account_id, input.person_id, TeamRole(input.role.value)
            )
            return {"account": account}

        return await write(info, SetAccountTeamMemberPayload, action, "accounts.team")

    @strawberry.mutation
    async def remove_account_team_member(
        self, info: Info, input: RemoveAccountTeamMemberInput
    ) -> RemoveAccountTeamMemberPayload:
        async def action(unit):
            return {"account": await services.remove_team_member(unit, input.account_id, input.person_id)}

        return await write(info, RemoveAccountTeamMemberPayload, action, "accounts.team")

    @strawberry.mutation(
        description="Propose tier changes from the trailing-12-month signed value; running it twice proposes nothing new."
    )
    async def evaluate_tiers(self, info: Info, input: EvaluateTiersInput | None = None) -> EvaluateTiersPayload:
        as_of = (input.as_of if input else None) or context(info).settings.today()

        async def action(unit):
            return {"reviews": await services.evaluate_tiers(unit, context(info).settings, as_of)}

        return await write(info, EvaluateTiersPayload, action, "tiers.evaluate")

    @strawberry.mutation(description="A director applies a proposed tier change, with the reason.")
    async def confirm_tier_change(self, info: Info, input: ConfirmTierChangeInput) -> ConfirmTierChangePayload:
        async def action(unit):
            review = await services.decide_tier_review(unit, input.review_id, input.reason, apply=True)
            return {"review": review, "account": await Account.get(id=review.account_id)}

        return await write(info, ConfirmTierChangePayload, action, "tiers.decide")

    @strawberry.mutation(description="A director turns a proposed tier change down, with the reason.")
    async def dismiss_tier_change(self, info: Info, input: DismissTierChangeInput) -> DismissTierChangePayload:
        async def action(unit):
            return {"review": await services.decide_tier_review(unit, input.review_id, input.reason, apply=False)}

        return await write(info, DismissTierChangePayload, action, "tiers.decide")
