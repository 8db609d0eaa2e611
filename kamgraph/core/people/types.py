"""GraphQL types of people: ``Person`` (contacts and staff), its filter and its order."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from kamgraph.api import (
    Node,
    described_enum,
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

PersonKindEnum = described_enum(
    PersonKind,
    "A contact at a customer, or internal staff.",
    {
        "CONTACT": "A person who works for a customer account; their phone and e-mail are sensitive.",
        "STAFF": "A member of our own staff: holds roles, may log in, and can own accounts and sit on their teams.",
    },
    name="PersonKind",
)
RelationshipLevelEnum = described_enum(
    RelationshipLevel,
    'How high a contact sits at the customer: the "executive + middle + front-line" coverage of an account.',
    {
        "EXECUTIVE": "A decision maker at the top of the customer's organisation.",
        "MANAGEMENT": "Middle management.",
        "OPERATIONAL": "Front-line staff who use or run what we deliver.",
    },
    name="RelationshipLevel",
)
PersonStatusEnum = described_enum(
    PersonStatus,
    "Whether a person is still in their position.",
    {
        "ACTIVE": "Still there; the status of a new person.",
        "LEFT": "Has left (a contact: the customer); a key contact leaving is a churn signal.",
    },
    name="PersonStatus",
)
RoleEnum = described_enum(
    Role,
    "Staff roles of DOMAIN.md section 1; a person may hold several. They grant the permissions listed by the "
    "permissions query, and decide which accounts their holder sees.",
    {
        "KA_DIRECTOR": "Head of the key-account department: sees every account, sets tier standards and targets, "
        "approves, manages staff, API keys and webhooks.",
        "INDUSTRY_DIRECTOR": "Director of an industry line: sees the accounts of their line (industryLine).",
        "REGIONAL_DIRECTOR": "Director of a region: sees the accounts of their region (region).",
        "ACCOUNT_MANAGER": "Sees only the accounts they own or are a team member of, and runs their whole lifecycle.",
        "SOLUTION_EXPERT": "Sees the accounts they are on the team of; writes solutions and core knowledge documents.",
        "CUSTOMER_SUCCESS_MANAGER": "Sees the accounts they are on the team of; onboarding, satisfaction, renewals.",
        "DATA_ANALYST": "Sees every account, for reports (it may run tier re-evaluation); sensitive values are masked "
        "unless granted.",
        "CONTRACT_SPECIALIST": "Sees every account and its contracts; reviews contracts, records their execution and "
        "payments.",
        "SERVICE_AGENT": "After-sales service: sees the transaction history of every account.",
        "INTEGRATION": "A third-party tool using an API key: it may do what the key's scopes grant.",
    },
    name="Role",
)

AccountRef = Annotated["AccountType", strawberry.lazy("kamgraph.core.accounts.types")]
AccountFilterRef = Annotated["AccountFilter", strawberry.lazy("kamgraph.core.accounts.types")]
AccountOrderRef = Annotated["AccountOrder", strawberry.lazy("kamgraph.core.accounts.types")]


@strawberry.type(name="Person", description="A human being: a contact at a customer, or a member of staff.")
class PersonType(Node):
    is_type_of = node_type_of(Person)

    kind: PersonKindEnum = strawberry.field(description="A contact at a customer, or staff; it never changes.")
    name: str = strawberry.field(description="The person's full name.")
    title: str | None = strawberry.field(description="Their job title; null when unknown.")
    relationship_level: RelationshipLevelEnum | None = strawberry.field(
        description="Contacts: executive, management or operational."
    )
    phone = sensitive_field(
        "phone", str, "Contacts: sensitive, encrypted at rest, audited; null without contacts.personal.read."
    )
    email = sensitive_field(
        "email", str, "Contacts: sensitive, encrypted at rest, audited; null without contacts.personal.read."
    )
    is_key_decision_maker: bool = strawberry.field(
        description="Contacts: whether they are a key decision maker for the customer."
    )
    status: PersonStatusEnum = strawberry.field(
        description="Whether they are still in their position (ACTIVE) or LEFT."
    )
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
