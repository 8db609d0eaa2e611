"""The naive baseline: the same queries served the way most projects start, with strawberry types over
tortoise models and a plain async resolver per row for every relation (N+1 queries), no batching,
no authorization. What kamgraph is measured against from above."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

import strawberry
from strawberry.asgi import GraphQL

from kamgraph.core.accounts.models import (
    Account,
)
from kamgraph.core.accounts.types import AccountSizeEnum, AccountStatusEnum, RegionEnum, TierEnum
from kamgraph.core.contracts.models import Contract, Payment
from kamgraph.core.contracts.types import ContractStatusEnum, EditionEnum
from kamgraph.core.people.models import Person

T = TypeVar("T")

# kamgraph's own GraphQL enums: wrapping the shared Enum classes again would replace the definitions that
# kamgraph's schemas are built with, in every schema of the process
SizeEnum, StatusEnum = AccountSizeEnum, AccountStatusEnum


@strawberry.type
class Edge(Generic[T]):
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]


@strawberry.type
class NaivePayment:
    amount: Decimal
    paid_on: date


@strawberry.type
class NaiveContract:
    number: str
    title: str
    edition: EditionEnum
    status: ContractStatusEnum
    signed_on: date | None
    start_on: date

    @strawberry.field
    async def payments(self, last: int | None = None) -> list[NaivePayment]:
        rows = await Payment.filter(contract_id=self.id).order_by("-paid_on", "-id").limit(last or 1000)
        return list(reversed(rows))


@strawberry.type
class NaivePerson:
    name: str


@strawberry.type
class NaiveAccount:
    name: str
    credit_code: str
    industry_code: str
    region: RegionEnum
    size: SizeEnum
    status: StatusEnum
    tier: TierEnum
    version: int

    @strawberry.field
    async def owner(self) -> NaivePerson | None:
        return await Person.get_or_none(id=self.owner_id)

    @strawberry.field
    async def contracts(self, first: int = 20) -> Connection[NaiveContract]:
        rows = await Contract.filter(account_id=self.id).order_by("id").limit(first)
        return Connection(edges=[Edge(node=row) for row in rows])


@strawberry.type
class Query:
    @strawberry.field
    async def accounts(self, first: int = 20) -> Connection[NaiveAccount]:
        rows = await Account.filter(archived_at__isnull=True).order_by("id").limit(first)
        return Connection(edges=[Edge(node=row) for row in rows])


def naive_app() -> GraphQL:
    return GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
