"""Mutations for contracts: drafts, the explicit status flow, and recordPayment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from kamgraph.api import mutation, mutation_field, payload_type, write
from kamgraph.api.mutations import MAX_UPSERT, bulk_upsert, upsert_payload_type
from kamgraph.core.contracts import rules, services
from kamgraph.core.contracts.models import Contract
from kamgraph.core.contracts.types import ContractType, EditionEnum, PaymentType
from kamgraph.events import UnitOfWork

UNSET = strawberry.UNSET


@strawberry.input(description="One instalment of a payment schedule.")
class InstalmentInput:
    due_on: date = strawberry.field(
        description="When it is due: between the contract's start and end, instalments in due-date order."
    )
    amount: Decimal = strawberry.field(
        description="The amount due, in the contract's currency: positive, at most two decimals."
    )


@strawberry.input(description="A new contract starts as DRAFT. Its instalments must add up to its amount.")
class CreateContractInput:
    account_id: strawberry.ID = strawberry.field(description="The customer account (not archived).")
    number: str = strawberry.field(description="The contract number; unique among all contracts.")
    title: str = strawberry.field(description="What the contract is about; not empty.")
    amount: Decimal = strawberry.field(description="Contract value, non-negative, at most two decimals.")
    start_on: date = strawberry.field(description="The first day of the contract.")
    end_on: date = strawberry.field(description="The last day of the contract; after startOn.")
    edition: EditionEnum = strawberry.field(
        default=EditionEnum.BASIC, description="The price step (BASIC when omitted)."
    )
    currency: str = strawberry.field(default="CNY", description="ISO 4217 code of the currency (CNY when omitted).")
    payment_terms_days: int = strawberry.field(
        default=30, description="Days the customer has to pay an invoice, 0 to 365 (30 when omitted)."
    )
    renews_id: strawberry.ID | None = strawberry.field(
        default=None, description="The contract this one renews; with the same customer."
    )
    schedule: list[InstalmentInput] = strawberry.field(
        default_factory=list,
        description="The payment schedule; when given, its amounts add up to the contract amount. Empty when omitted.",
    )
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Only drafts can be edited. A given schedule replaces the old one.")
class UpdateContractInput:
    id: strawberry.ID
    expected_version: int | None = None
    number: str | None = strawberry.field(
        default=UNSET, description="The new contract number; unique among all contracts."
    )
    title: str | None = strawberry.field(default=UNSET, description="The new title; cannot be null or empty.")
    amount: Decimal | None = strawberry.field(
        default=UNSET,
        description="The new contract value: non-negative, at most two decimals, and still the sum of the "
        "schedule. Cannot be null.",
    )
    start_on: date | None = strawberry.field(
        default=UNSET, description="The new first day; the schedule's due dates must stay inside. Cannot be null."
    )
    end_on: date | None = strawberry.field(
        default=UNSET,
        description="The new last day, after startOn; the schedule's due dates must stay inside. Cannot be null.",
    )
    edition: EditionEnum | None = strawberry.field(default=UNSET, description="The new edition; cannot be null.")
    currency: str | None = strawberry.field(
        default=UNSET, description="The new ISO 4217 currency code; cannot be null."
    )
    payment_terms_days: int | None = strawberry.field(
        default=UNSET, description="The new payment terms in days, 0 to 365; cannot be null."
    )
    renews_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The contract this one renews, with the same customer; null for none."
    )
    schedule: list[InstalmentInput] | None = strawberry.field(
        default=UNSET,
        description="A new payment schedule that replaces the old one; its amounts add up to the contract amount.",
    )


@strawberry.input
class ArchiveContractInput:
    id: strawberry.ID
    expected_version: int | None = None


# The fields of each transition's input; transition_mutation names one input type per verb (API.md).
@strawberry.input
class _Transition:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class _TransitionWithReason:
    id: strawberry.ID
    reason: str = strawberry.field(description="Why; not empty. Kept on the contract as statusReason.")
    expected_version: int | None = None


@strawberry.input
class _Signing:
    id: strawberry.ID
    signed_on: date | None = strawberry.field(default=None, description="Default: today in the business time zone.")
    expected_version: int | None = None


@strawberry.input
class RecordPaymentInput:
    contract_id: strawberry.ID = strawberry.field(
        description="The contract paid against; it must be signed (SIGNED, ACTIVE, COMPLETED, EXPIRED or TERMINATED)."
    )
    amount: Decimal = strawberry.field(
        description="The amount received, in the contract's currency: positive, at most two decimals, and not more "
        "than what is still outstanding on the contract."
    )
    paid_on: date = strawberry.field(description="When the money was received; not in the future.")
    instalment_id: strawberry.ID | None = strawberry.field(
        default=None, description="Settle this instalment first (default: the oldest due)."
    )
    reference: str | None = strawberry.field(
        default=None, description="The payer's or the bank's reference, kept with the payment."
    )


@strawberry.input(
    description="One contract as the other system has it; matched on (source, externalId). New ones start as DRAFT."
)
class ContractRecordInput:
    external_id: str
    number: str = strawberry.field(description="The contract number; unique among all contracts.")
    title: str = strawberry.field(description="What the contract is about; not empty.")
    amount: Decimal = strawberry.field(description="Contract value, non-negative, at most two decimals.")
    start_on: date = strawberry.field(description="The first day of the contract.")
    end_on: date = strawberry.field(description="The last day of the contract; after startOn.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="The customer account ...")
    account_external_id: str | None = strawberry.field(
        default=None, description="... or its external id in the same source."
    )
    edition: EditionEnum = strawberry.field(
        default=EditionEnum.BASIC, description="The price step (BASIC when omitted)."
    )
    currency: str = strawberry.field(default="CNY", description="ISO 4217 code of the currency (CNY when omitted).")
    payment_terms_days: int = strawberry.field(
        default=30, description="Days the customer has to pay an invoice, 0 to 365 (30 when omitted)."
    )
    schedule: list[InstalmentInput] | None = strawberry.field(
        default=None, description="Null keeps the schedule as it is."
    )


@strawberry.input(description=f"Up to {MAX_UPSERT} contracts from one source system.")
class UpsertContractsInput:
    source: str = strawberry.field(description='The system the external ids belong to, e.g. "erp".')
    contracts: list[ContractRecordInput] = strawberry.field(
        description=f"The records, at most {MAX_UPSERT}; each is created or updated on its own."
    )


UpsertContractsPayload = upsert_payload_type("Contract", "contract", ContractType)
_FIELDS = ("number", "title", "amount", "start_on", "end_on", "edition", "currency", "payment_terms_days", "renews_id")


def _schedule(items: Any) -> list[rules.PlannedInstalment] | None:
    if items is UNSET or items is None:
        return None
    return [rules.PlannedInstalment(i.due_on, i.amount) for i in items]


def transition_mutation(verb: str) -> Any:
    """``<verb>Contract(input:)``: one step of the status flow, described from the rules table."""
    step = rules.TRANSITIONS[verb]
    name = f"{verb.capitalize()}Contract"
    payload = payload_type(name, contract=ContractType)
    fields = _Signing if verb == "sign" else _TransitionWithReason if step.needs_reason else _Transition
    input_type = strawberry.input(type(f"{name}Input", (fields,), {}), name=f"{name}Input")

    async def resolve(info: Info, input: Any) -> Any:
        async def action(unit):
            contract = await services.transition(
                unit,
                verb,
                input.id,
                input.expected_version,
                getattr(input, "reason", None),
                getattr(input, "signed_on", None),
            )
            return {"contract": contract}

        return await write(info, payload, action)

    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload}
    sources = " or ".join(sorted(s.value for s in step.sources))
    return mutation_field(
        resolve, f"{verb}Contract", step.permission, f"{sources} -> {step.target.value}: {step.summary}."
    )


async def upsert_contracts(info: Info, input: UpsertContractsInput) -> UpsertContractsPayload:
    async def apply(unit, source, record):
        fields = ("external_id", "account_id", "account_external_id", *_FIELDS[:-1])  # renewals are linked in kamgraph
        return await services.upsert_contract(
            unit, source, {n: getattr(record, n) for n in fields}, _schedule(record.schedule)
        )

    return await bulk_upsert(info, UpsertContractsPayload, input.source, input.contracts, "contracts", apply)


@strawberry.type
class ContractMutations:
    @mutation(permission="contracts.draft", returns={"contract": ContractType})
    async def create_contract(unit: UnitOfWork, input: CreateContractInput) -> dict[str, Any]:
        """Draft a contract for an account, with its payment schedule (instalments that add up to its amount)."""
        values = {name: getattr(input, name) for name in (*_FIELDS, "account_id", "external_id", "source")}
        return {"contract": await services.create_contract(unit, values, _schedule(input.schedule) or [])}

    @mutation(permission="contracts.draft", returns={"contract": ContractType})
    async def update_contract(unit: UnitOfWork, input: UpdateContractInput) -> dict[str, Any]:
        """Change a draft contract; with expectedVersion, only if nobody changed it since."""
        values = {name: getattr(input, name) for name in _FIELDS}
        contract = await services.update_contract(
            unit, input.id, input.expected_version, values, _schedule(input.schedule)
        )
        return {"contract": contract}

    upsert_contracts = mutation_field(
        upsert_contracts,
        "upsertContracts",
        "contracts.draft",
        f"Create or update up to {MAX_UPSERT} contracts by (source, externalId); each record succeeds or fails alone.",
    )

    @mutation(permission="contracts.draft", returns={"contract": ContractType})
    async def archive_contract(unit: UnitOfWork, input: ArchiveContractInput) -> dict[str, Any]:
        """Archive a contract that is not signed or active."""
        return {"contract": await services.archive_contract(unit, input.id, input.expected_version)}

    submit_contract = transition_mutation("submit")
    return_contract = transition_mutation("return")
    approve_contract = transition_mutation("approve")
    sign_contract = transition_mutation("sign")
    activate_contract = transition_mutation("activate")
    complete_contract = transition_mutation("complete")
    terminate_contract = transition_mutation("terminate")
    expire_contract = transition_mutation("expire")

    @mutation(permission="payments.record", returns={"payment": PaymentType, "contract": ContractType})
    async def record_payment(unit: UnitOfWork, input: RecordPaymentInput) -> dict[str, Any]:
        """Record money received; it settles the named instalment first, then the oldest due."""
        payment = await services.record_payment(
            unit, input.contract_id, input.amount, input.paid_on, input.instalment_id, input.reference
        )
        return {"payment": payment, "contract": await Contract.get(id=payment.contract_id)}
