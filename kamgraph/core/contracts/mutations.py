"""Mutations for contracts: drafts, the explicit status flow, and recordPayment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from kamgraph.api import payload_type, write
from kamgraph.core.contracts import rules, services
from kamgraph.core.contracts.types import ContractType, EditionEnum, PaymentType

UNSET = strawberry.UNSET


@strawberry.input(description="One instalment of a payment schedule.")
class InstalmentInput:
    due_on: date
    amount: Decimal


@strawberry.input(description="A new contract starts as DRAFT. Its instalments must add up to its amount.")
class CreateContractInput:
    account_id: strawberry.ID
    number: str
    title: str
    amount: Decimal = strawberry.field(description="Contract value, non-negative, at most two decimals.")
    start_on: date
    end_on: date
    edition: EditionEnum = EditionEnum.BASIC
    currency: str = "CNY"
    payment_terms_days: int = 30
    renews_id: strawberry.ID | None = None
    schedule: list[InstalmentInput] = strawberry.field(default_factory=list)
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Only drafts can be edited. A given schedule replaces the old one.")
class UpdateContractInput:
    id: strawberry.ID
    expected_version: int | None = None
    number: str | None = UNSET
    title: str | None = UNSET
    amount: Decimal | None = UNSET
    start_on: date | None = UNSET
    end_on: date | None = UNSET
    edition: EditionEnum | None = UNSET
    currency: str | None = UNSET
    payment_terms_days: int | None = UNSET
    renews_id: strawberry.ID | None = UNSET
    schedule: list[InstalmentInput] | None = UNSET


@strawberry.input
class ArchiveContractInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input(description="Move a contract one step along its status flow.")
class ContractTransitionInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class ContractTransitionWithReasonInput:
    id: strawberry.ID
    reason: str
    expected_version: int | None = None


@strawberry.input
class SignContractInput:
    id: strawberry.ID
    signed_on: date | None = strawberry.field(default=None, description="Default: today.")
    expected_version: int | None = None


@strawberry.input
class RecordPaymentInput:
    contract_id: strawberry.ID
    amount: Decimal
    paid_on: date
    instalment_id: strawberry.ID | None = strawberry.field(default=None, description="Settle this instalment first (default: the oldest due).")
    reference: str | None = None


CreateContractPayload = payload_type("CreateContract", contract=ContractType)
UpdateContractPayload = payload_type("UpdateContract", contract=ContractType)
ArchiveContractPayload = payload_type("ArchiveContract", contract=ContractType)
RecordPaymentPayload = payload_type("RecordPayment", payment=PaymentType, contract=ContractType)
SubmitContractPayload = payload_type("SubmitContract", contract=ContractType)
ReturnContractPayload = payload_type("ReturnContract", contract=ContractType)
ApproveContractPayload = payload_type("ApproveContract", contract=ContractType)
SignContractPayload = payload_type("SignContract", contract=ContractType)
ActivateContractPayload = payload_type("ActivateContract", contract=ContractType)
CompleteContractPayload = payload_type("CompleteContract", contract=ContractType)
TerminateContractPayload = payload_type("TerminateContract", contract=ContractType)
ExpireContractPayload = payload_type("ExpireContract", contract=ContractType)
_TRANSITION_PAYLOADS = {verb: globals()[f"{verb.capitalize()}ContractPayload"] for verb in rules.TRANSITIONS}

_FIELDS = ("number", "title", "amount", "start_on", "end_on", "edition", "currency", "payment_terms_days", "renews_id")


def _schedule(items: Any) -> list[rules.PlannedInstalment] | None:
    if items is UNSET or items is None:
        return None
    return [rules.PlannedInstalment(i.due_on, i.amount) for i in items]


async def _transition(info: Info, verb: str, input: Any) -> Any:
    payload = _TRANSITION_PAYLOADS[verb]

    async def action(unit):
        contract = await services.transition(
            unit, verb, input.id, input.expected_version, getattr(input, "reason", None), getattr(input, "signed_on", None)
        )
        return {"contract": contract}

    return await write(info, payload, action)


@strawberry.type
class ContractMutations:
    @strawberry.mutation
    async def create_contract(self, info: Info, input: CreateContractInput) -> CreateContractPayload:
        values = {name: getattr(input, name) for name in (*_FIELDS, "account_id", "external_id", "source")}

        async def action(unit):
            return {"contract": await services.create_contract(unit, values, _schedule(input.schedule) or [])}

        return await write(info, CreateContractPayload, action)

    @strawberry.mutation
    async def update_contract(self, info: Info, input: UpdateContractInput) -> UpdateContractPayload:
        values = {name: getattr(input, name) for name in _FIELDS}

        async def action(unit):
            contract = await services.update_contract(unit, input.id, input.expected_version, values, _schedule(input.schedule))
            return {"contract": contract}

        return await write(info, UpdateContractPayload, action)

    @strawberry.mutation(description="Archive a contract that is not signed or active.")
    async def archive_contract(self, info: Info, input: ArchiveContractInput) -> ArchiveContractPayload:
        async def action(unit):
            return {"contract": await services.archive_contract(unit, input.id, input.expected_version)}

        return await write(info, ArchiveContractPayload, action)

    @strawberry.mutation(description="DRAFT -> IN_REVIEW: send a draft to contract review.")
    async def submit_contract(self, info: Info, input: ContractTransitionInput) -> SubmitContractPayload:
        return await _transition(info, "submit", input)

    @strawberry.mutation(description="IN_REVIEW -> DRAFT: send a contract back to its author, with the reason.")
    async def return_contract(self, info: Info, input: ContractTransitionWithReasonInput) -> ReturnContractPayload:
        return await _transition(info, "return", input)

    @strawberry.mutation(description="IN_REVIEW -> APPROVED: the review passed.")
    async def approve_contract(self, info: Info, input: ContractTransitionInput) -> ApproveContractPayload:
        return await _transition(info, "approve", input)

    @strawberry.mutation(description="APPROVED -> SIGNED: the customer signed.")
    async def sign_contract(self, info: Info, input: SignContractInput) -> SignContractPayload:
        return await _transition(info, "sign", input)

    @strawberry.mutation(description="SIGNED -> ACTIVE: delivery started.")
    async def activate_contract(self, info: Info, input: ContractTransitionInput) -> ActivateContractPayload:
        return await _transition(info, "activate", input)

    @strawberry.mutation(description="ACTIVE -> COMPLETED: fulfilled.")
    async def complete_contract(self, info: Info, input: ContractTransitionInput) -> CompleteContractPayload:
        return await _transition(info, "complete", input)

    @strawberry.mutation(description="SIGNED or ACTIVE -> TERMINATED, with the reason.")
    async def terminate_contract(self, info: Info, input: ContractTransitionWithReasonInput) -> TerminateContractPayload:
        return await _transition(info, "terminate", input)

    @strawberry.mutation(description="ACTIVE -> EXPIRED: ran out without renewal.")
    async def expire_contract(self, info: Info, input: ContractTransitionInput) -> ExpireContractPayload:
        return await _transition(info, "expire", input)

    @strawberry.mutation(description="Record money received; it settles the named instalment first, then the oldest due.")
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> RecordPaymentPayload:
        async def action(unit):
            payment = await services.record_payment(unit, input.contract_id, input.amount, input.paid_on, input.instalment_id, input.reference)
            from kamgraph.core.contracts.models import Contract

            return {"payment": payment, "contract": await Contract.get(id=payment.contract_id)}

        return await write(info, RecordPaymentPayload, action)
