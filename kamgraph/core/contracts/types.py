"""GraphQL types of contracts: ``Contract``, its schedule and payments, filter, order, aggregate groups."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from kamgraph.api import Node, context, described_enum, load_one
from kamgraph.api.connections import order_input
from kamgraph.api.declare import register_filter
from kamgraph.api.fields import children_field, sensitive_field, to_one_field
from kamgraph.api.filters import (
    DateFilter,
    DateTimeFilter,
    DecimalFilter,
    IDFilter,
    IntFilter,
    StringFilter,
    enum_filter,
    id_resolver,
)
from kamgraph.api.nodes import load_children, node_type_of
from kamgraph.core.accounts.models import Account
from kamgraph.core.accounts.types import (
    AccountFilter,
    AccountKeys,
    AccountStatusEnum,
    AccountType,
    RegionEnum,
    TierEnum,
)
from kamgraph.core.contracts.models import (
    Contract,
    ContractStatus,
    Edition,
    Instalment,
    Payment,
    PaymentAllocation,
)

ContractStatusEnum = described_enum(
    ContractStatus,
    "Where a contract is in its flow: DRAFT -> IN_REVIEW -> APPROVED -> SIGNED -> ACTIVE -> COMPLETED, TERMINATED "
    "or EXPIRED. Each step is a mutation of its own (submitContract, approveContract, signContract...).",
    {
        "DRAFT": "Being written; the only status in which terms and schedule can be edited. New contracts, and "
        "contracts returned from review, are drafts.",
        "IN_REVIEW": "Submitted to contract review (contract specialist, legal); approveContract or returnContract next.",
        "APPROVED": "The review passed and a director approved it; waiting for the customer's signature.",
        "SIGNED": "Signed by the customer (signedOn); its value counts as signed business from now on.",
        "ACTIVE": "Signed and in delivery.",
        "COMPLETED": "Fulfilled.",
        "TERMINATED": "Ended early, from SIGNED or ACTIVE, with the reason in statusReason.",
        "EXPIRED": "Ran out without renewal.",
    },
    name="ContractStatus",
)
EditionEnum = described_enum(
    Edition,
    "The three-step price offer a contract is made on.",
    {
        "BASIC": "The basic edition, the lowest step; the edition of a new contract unless another is given.",
        "ENHANCED": "The enhanced edition, the middle step.",
        "PREMIUM": "The premium edition, the highest step.",
    },
    name="Edition",
)


SENSITIVE = "Sensitive: null without contracts.amounts.read; every read is audited."


ContractRef = Annotated["ContractType", strawberry.lazy("kamgraph.core.contracts.types")]


@strawberry.type(description="An amount of money in a currency.")
class Money:
    amount: Decimal = strawberry.field(description="The amount, an exact decimal string.")
    currency: str = strawberry.field(description="ISO 4217 code of the currency, e.g. CNY (the default).")


@strawberry.type(
    name="Instalment", description="One due payment of a contract's schedule; amounts in the contract's currency."
)
class InstalmentType(Node):
    is_type_of = node_type_of(Instalment)

    sequence: int = strawberry.field(description="Its place in the schedule: 1 for the first instalment, and so on.")
    due_on: date = strawberry.field(description="When it is due.")
    amount = sensitive_field("amount", Decimal, SENSITIVE)
    paid_amount = sensitive_field("paid_amount", Decimal, SENSITIVE)
    paid_on: date | None = strawberry.field(description="When the instalment became fully paid.")

    @strawberry.field(description=SENSITIVE)
    def outstanding(self, info: Info) -> Decimal | None:
        return context(info).sensitive(self, "amount", self.amount - self.paid_amount)

    @strawberry.field(description="Past due and not fully paid, as of today (business time zone).")
    def is_overdue(self, info: Info) -> bool:
        return self.paid_amount < self.amount and self.due_on < context(info).settings.today()


@strawberry.type(name="PaymentAllocation", description="The part of a payment that settled one instalment.")
class PaymentAllocationType:
    amount = sensitive_field("amount", Decimal, SENSITIVE)

    @strawberry.field(description="The instalment it settled (in part or in full).")
    async def instalment(self, info: Info) -> InstalmentType | None:
        return await load_one(info, Instalment, self.instalment_id)


@strawberry.type(name="Payment", description="Money received against a contract; amounts in the contract's currency.")
class PaymentType(Node):
    is_type_of = node_type_of(Payment)

    amount = sensitive_field("amount", Decimal, SENSITIVE)
    paid_on: date = strawberry.field(description="When the money was received (never in the future).")
    reference: str | None = strawberry.field(
        description="The payer's or the bank's reference, as recorded; null when none was given."
    )
    recorded_by: str | None = strawberry.field(description="The name of whoever recorded the payment.")
    created_at: datetime

    contract = to_one_field(Contract, "contract_id", ContractRef, "The contract the payment was made against.")

    @strawberry.field(description="Which instalments this payment settled.")
    async def allocations(self, info: Info) -> list[PaymentAllocationType]:
        return await load_children(info, PaymentAllocation, "payment", self.id, ("id",))


@strawberry.type(name="Contract", description="A contract with a customer, its payment schedule and its payments.")
class ContractType(Node):
    is_type_of = node_type_of(Contract)

    number: str = strawberry.field(description="The contract number, unique among all contracts.")
    title: str = strawberry.field(description="What the contract is about.")
    edition: EditionEnum = strawberry.field(description="The price step the contract is made on.")
    currency: str = strawberry.field(
        description="ISO 4217 code of the currency of its amount, schedule and payments (CNY by default)."
    )
    status: ContractStatusEnum = strawberry.field(
        description="Where the contract is in its flow; it changes only through the flow's mutations."
    )
    status_reason: str | None = strawberry.field(description="Why it was returned to draft or terminated.")
    signed_on: date | None = strawberry.field(
        description="When the customer signed it (signContract); null before it is signed."
    )
    start_on: date = strawberry.field(description="The first day of the contract.")
    end_on: date = strawberry.field(description="The last day of the contract; after startOn.")
    payment_terms_days: int = strawberry.field(
        description="Days the customer has to pay an invoice, 0 to 365 (30 by default)."
    )
    version: int
    external_id: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    amount = sensitive_field(
        "amount",
        Money,
        "Contract value. " + SENSITIVE,
        wrap=lambda contract, value: Money(amount=value, currency=contract.currency),
        needs=("currency",),
    )
    account = to_one_field(Account, "account_id", AccountType, "The customer the contract is with.")

    renews = to_one_field(Contract, "renews_id", ContractRef, "The contract this one renews.")

    instalments = children_field(
        Instalment, "contract", InstalmentType, ("due_on", "sequence"), "The payment schedule, in due-date order."
    )
    payments = children_field(
        Payment, "contract", PaymentType, ("paid_on", "id"), "Payments received, oldest first.", last=True
    )

    @strawberry.field(description="Receivables from the schedule: due so far, paid, outstanding, overdue. " + SENSITIVE)
    async def receivables(self, info: Info) -> Receivables | None:
        ctx = context(info)
        instalments = await load_children(info, Instalment, "contract", self.id, ("due_on", "sequence"))
        if any(ctx.sensitive(i, "amount") is None or ctx.sensitive(i, "paid_amount") is None for i in instalments):
            return None
        return Receivables.of(instalments, ctx.settings.today())


@strawberry.type(description="Receivables of a contract, from its schedule (amounts in the contract's currency).")
class Receivables:
    scheduled: Decimal = strawberry.field(description="The sum of every instalment of the schedule.")
    paid: Decimal = strawberry.field(description="What has been paid against the schedule so far.")
    outstanding: Decimal = strawberry.field(description="Scheduled minus paid: what is still to be paid.")
    overdue: Decimal = strawberry.field(
        description="What is unpaid of the instalments whose due date has passed (before today, business time zone)."
    )
    collection_rate: float | None = strawberry.field(
        description="Paid / due so far (target >= 0.95); null when nothing is due yet."
    )

    @classmethod
    def of(cls, instalments: list[Instalment], today: date) -> Receivables:
        scheduled = sum((i.amount for i in instalments), Decimal("0"))
        paid = sum((i.paid_amount for i in instalments), Decimal("0"))
        due = [i for i in instalments if i.due_on <= today]
        due_amount = sum((i.amount for i in due), Decimal("0"))
        overdue = sum((i.amount - i.paid_amount for i in due if i.due_on < today), Decimal("0"))
        paid_on_due = sum((i.paid_amount for i in due), Decimal("0"))
        rate = float(paid_on_due / due_amount) if due_amount else None
        return cls(scheduled=scheduled, paid=paid, outstanding=scheduled - paid, overdue=overdue, collection_rate=rate)


ContractStatusFilter = enum_filter(ContractStatusEnum)
EditionFilter = enum_filter(EditionEnum)


@strawberry.input(description="Conditions on contracts; account (and its owner) filters nest.")
class ContractFilter:
    id: IDFilter | None = None
    number: StringFilter | None = None
    title: StringFilter | None = None
    edition: EditionFilter | None = None
    status: ContractStatusFilter | None = None
    amount: DecimalFilter | None = None
    currency: StringFilter | None = None
    signed_on: DateFilter | None = None
    start_on: DateFilter | None = None
    end_on: DateFilter | None = None
    payment_terms_days: IntFilter | None = None
    external_id: StringFilter | None = None
    account: AccountFilter | None = None
    renews: ContractFilter | None = None
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    and_: list[ContractFilter] | None = strawberry.field(default=None, name="and")
    or_: list[ContractFilter] | None = strawberry.field(default=None, name="or")
    not_: ContractFilter | None = strawberry.field(default=None, name="not")

    resolve_id = id_resolver("Contract")


register_filter(Contract, ContractFilter)  # relation filters of declared node types nest into it


@strawberry.enum
class ContractOrderField(Enum):
    NUMBER = "number"
    AMOUNT = "amount"
    SIGNED_AT = "signed_on"
    START_ON = "start_on"
    END_ON = "end_on"
    STATUS = "status"
    CREATED_AT = "created_at"


ContractOrder = order_input("ContractOrder", ContractOrderField)


class ContractGroupBy(Enum):
    STATUS = "status"
    EDITION = "edition"
    CURRENCY = "currency"
    TIER = "account.tier"
    REGION = "account.region"
    INDUSTRY = "account.industry_section"
    ACCOUNT_STATUS = "account.status"
    OWNER = "account.owner"
    ACCOUNT = "account"


described_enum(
    ContractGroupBy,
    "What contractsAggregate groups by; account keys group by the contract's account.",
    {
        "STATUS": "By the contract's status.",
        "EDITION": "By the contract's edition.",
        "CURRENCY": "By the contract's currency (group by it to add up amounts of one currency only).",
        "TIER": "By the tier of the contract's account.",
        "REGION": "By the region of the contract's account.",
        "INDUSTRY": "By the GB/T 4754 section letter (A-T) of the contract's account.",
        "ACCOUNT_STATUS": "By the lifecycle status of the contract's account.",
        "OWNER": "By the owner (account manager) of the contract's account.",
        "ACCOUNT": "By the contract's account.",
    },
)


@strawberry.type(description="The group's value for each groupBy key; keys not grouped by are null.")
class ContractGroupKeys(AccountKeys):
    status: ContractStatusEnum | None = strawberry.field(
        default=None, description="The group's contract status, when grouped by STATUS."
    )
    edition: EditionEnum | None = strawberry.field(
        default=None, description="The group's edition, when grouped by EDITION."
    )
    currency: str | None = strawberry.field(default=None, description="The group's currency, when grouped by CURRENCY.")
    tier: TierEnum | None = strawberry.field(default=None, description="The accounts' tier, when grouped by TIER.")
    region: RegionEnum | None = strawberry.field(
        default=None, description="The accounts' region, when grouped by REGION."
    )
    industry: str | None = strawberry.field(
        default=None, description="The accounts' GB/T 4754 section letter, when grouped by INDUSTRY."
    )
    account_status: AccountStatusEnum | None = strawberry.field(
        default=None, description="The accounts' lifecycle status, when grouped by ACCOUNT_STATUS."
    )


@strawberry.type(description="One group of contractsAggregate: its keys, how many contracts, their total amount.")
class ContractGroup:
    keys: ContractGroupKeys = strawberry.field(description="The group's value of each groupBy key.")
    count: int = strawberry.field(description="How many of the contracts you may see are in the group.")
    amount: Decimal | None = strawberry.field(description="Total contract value of the group (exact). " + SENSITIVE)


@strawberry.type(description="Counts and amount totals of the contracts you may see that match the filter.")
class ContractsAggregate:
    count: int = strawberry.field(description="How many contracts match (archived ones are left out).")
    amount: Decimal | None = strawberry.field(description=SENSITIVE)
    groups: list[ContractGroup] = strawberry.field(
        description="One entry per combination of groupBy values that occurs; empty without groupBy."
    )
