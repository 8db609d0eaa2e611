"""Rows for tests, written straight through the models (the API is what tests exercise): staff, accounts,
contacts and contracts with their schedules. Part of kamgraph.testing, for any plugin's tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from kamgraph.core.accounts.models import (
    Account,
    AccountTeamMember,
    Region,
    TeamRole,
    Tier,
)
from kamgraph.core.accounts.rules import credit_code_check_character
from kamgraph.core.contracts.models import Contract, ContractStatus, Instalment
from kamgraph.core.people.models import Person, PersonKind, RelationshipLevel, StaffRole
from kamgraph.security.actors import Role
from kamgraph.settings import Settings

_seq = itertools.count(1)


def today() -> date:
    """Today as the server sees it: in the business time zone, which may be a day ahead of UTC."""
    return Settings().today()


def credit_code(n: int | None = None) -> str:
    body = f"91310000{(n or next(_seq)):09d}"
    return body + credit_code_check_character(body)


async def staff(name: str = "Li Wei", role: Role = Role.ACCOUNT_MANAGER, **fields) -> Person:
    fields.setdefault("email", f"staff{next(_seq)}@example.com")
    person = await Person.create(kind=PersonKind.STAFF, name=name, **fields)
    await StaffRole.create(person=person, role=role)
    return person


async def account(name: str = "上海华信电子科技有限公司", owner: Person | None = None, **fields) -> Account:
    fields.setdefault("credit_code", credit_code())
    fields.setdefault("industry_code", "C39")
    fields.setdefault("region", Region.EAST)
    fields["industry_section"] = fields["industry_code"][0]
    created = await Account.create(name=name, owner=owner, **fields)
    if owner:
        await AccountTeamMember.create(account=created, person=owner, role=TeamRole.ACCOUNT_MANAGER)
    return created


async def contact(account: Account, name: str = "Wang Fang", level=RelationshipLevel.EXECUTIVE, **fields) -> Person:
    return await Person.create(kind=PersonKind.CONTACT, name=name, account=account, relationship_level=level, **fields)


async def contract(
    account: Account,
    amount: str | Decimal = "1000.00",
    status: ContractStatus = ContractStatus.ACTIVE,
    signed_on: date | None = None,
    instalments: int = 2,
    start_on: date | None = None,
    **fields,
) -> Contract:
    start_on = start_on or today() - timedelta(days=100)
    if signed_on is None and status not in (ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.APPROVED):
        signed_on = start_on
    fields.setdefault("number", f"T-{next(_seq):06d}")
    created = await Contract.create(
        account=account,
        title="Licence",
        amount=Decimal(amount),
        status=status,
        signed_on=signed_on,
        start_on=start_on,
        end_on=start_on + timedelta(days=365),
        **fields,
    )
    share = (Decimal(amount) / instalments).quantize(Decimal("0.01"))
    for n in range(instalments):
        part = share if n < instalments - 1 else Decimal(amount) - share * (instalments - 1)
        await Instalment.create(
            contract=created, sequence=n + 1, due_on=start_on + timedelta(days=30 + 150 * n), amount=part
        )
    return created


__all__ = ["Tier", "account", "contact", "contract", "credit_code", "staff", "today"]
