"""GraphQL types of people: ``Person`` (contacts and staff), its filter and its order."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from kamgraph.api import (
    Node,
)
from kamgraph.api.connections import order_input
from kamgraph.api.declare import register_filter
from kamgraph.api.fields import child_list_field, sensitive_field, to_one_field
from kamgraph.api.filters import (
    BooleanFilter,
    DateTimeFilter,
    IDFilter,
    StringFilter,
    enum_filter,
    id_resolver,
)
from kamgraph.api.nodes import load_children, node_type_of
from kamgraph.core.accounts.models import Account
from kamgraph.core.people.models import (
    Person,
    PersonKind,
    PersonStatus,
    RelationshipLevel,
    StaffRole,
)
from kamgraph.security.actors import Role

if TYPE_CHECKING:
    from kamgraph.core.accounts.types import AccountFilter, AccountOrder, AccountType

PersonKindEnum = strawberry.enum(
    PersonKind, name="PersonKind", description="A contact at a customer, or internal staff."
)
RelationshipLevelEnum = strawberry.enum(RelationshipLevel, name="RelationshipLevel")
PersonStatusEnum = strawberry.enum(PersonStatus, name="PersonStatus")
RoleEnum = strawberry.enum(Role, name="Role", description="Staff roles of DOMAIN.md section 1.")

AccountRef = Annotated["AccountType", strawberry.lazy("kamgraph.core.accounts.types")]
AccountFilterRef = Annotated["AccountFilter", strawberry.lazy("kamgraph.core.accounts.types")]
AccountOrderRef = Annotated["AccountOrder", strawberry.lazy("kamgraph.core.accounts.types")]


@strawberry.type(name="Person", description="A human being: a contact at a customer, or a member of staff.")
class PersonType(Node):
    is_type_of = node_type_of(Person)

    kind: PersonKindEnum
    name: str
    title: str | None
    relationship_level: RelationshipLevelEnum | None = strawberry.field(
        description="Contacts: executive, management or operational."
    )
    phone = sensitive_field(
        "phone", str, "Contacts: sensitive, encrypted at rest, audited; null without contacts.personal.read."
    )
    email = sensitive_field(
        "email", str, "Contacts: sensitive, encrypted at rest, audited; null without contacts.personal.read."
    )
    is_key_decision_maker: bool
    status: PersonStatusEnum
    industry_section: str | None = strawberry.field(
        name="industryLine", description="Industry directors: their GB/T 4754 section."
    )
    region: str | None = strawberry.field(description="Regional directors: their region.")
    version: int
    external_id: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    account = to_one_field(Account, "account_id", AccountRef, "Contacts: the customer they work for.")

    @strawberry.field(description="Staff: the roles they hold.")
    async def roles(self, info: Info) -> list[RoleEnum]:
        return [row.role for row in await load_children(info, StaffRole, "person", self.id)]

    owned_accounts = child_list_field(
        Account, "owner", AccountRef, AccountFilterRef, AccountOrderRef, "Staff: the accounts they own."
    )


PersonKindFilter = enum_filter(PersonKindEnum)
RelationshipLevelFilter = enum_filter(RelationshipLevelEnum)
PersonStatusFilter = enum_filter(PersonStatusEnum)


@strawberry.input(description="Conditions on people; all given conditions must hold.")
class PersonFilter:
    id: IDFilter | None = None
    kind: PersonKindFilter | None = None
    name: StringFilter | None = None
    title: StringFilter | None = None
    email: StringFilter | None = None
    phone: StringFilter | None = None
    relationship_level: RelationshipLevelFilter | None = None
    status: PersonStatusFilter | None = None
    is_key_decision_maker: BooleanFilter | None = None
    region: StringFilter | None = None
    industry_section: StringFilter | None = strawberry.field(default=None, name="industryLine")
    account: AccountFilterRef | None = strawberry.field(default=None, description="Contacts whose account matches.")
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    and_: list[PersonFilter] | None = strawberry.field(default=None, name="and")
    or_: list[PersonFilter] | None = strawberry.field(default=None, name="or")
    not_: PersonFilter | None = strawberry.field(default=None, name="not")

    resolve_id = id_resolver("Person")


register_filter(Person, PersonFilter)  # relation filters of declared node types nest into it


@strawberry.enum
class PersonOrderField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


PersonOrder = order_input("PersonOrder", PersonOrderField)
