"""Mutations for people: create, update, archive (thin: parse input, call services, shape the payload)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from kamgraph.api import mutation, mutation_field
from kamgraph.api.mutations import MAX_UPSERT, bulk_upsert, upsert_payload_type
from kamgraph.core.people import services
from kamgraph.core.people.types import (
    PersonKindEnum,
    PersonStatusEnum,
    PersonType,
    RelationshipLevelEnum,
    RoleEnum,
)
from kamgraph.events import UnitOfWork

UNSET = strawberry.UNSET


@strawberry.input
class CreatePersonInput:
    kind: PersonKindEnum = strawberry.field(
        description="CONTACT (needs contacts.write) or STAFF (needs staff.manage); it cannot change later."
    )
    name: str = strawberry.field(description="The person's full name; not empty.")
    title: str | None = strawberry.field(default=None, description="Their job title.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Required for contacts.")
    relationship_level: RelationshipLevelEnum | None = strawberry.field(
        default=None, description="Contacts only: how high they sit at the customer."
    )
    phone: str | None = strawberry.field(default=None, description="Chinese mobile (1[3-9] + 9 digits) or E.164.")
    email: str | None = strawberry.field(
        default=None, description="An e-mail address; staff log in with it. Encrypted at rest."
    )
    is_key_decision_maker: bool = strawberry.field(
        default=False, description="Whether the contact is a key decision maker (false when omitted)."
    )
    roles: list[RoleEnum] = strawberry.field(default_factory=list, description="Staff only.")
    region: str | None = strawberry.field(
        default=None, description="Regional directors: the Region value of their region, e.g. EAST."
    )
    industry_section: str | None = strawberry.field(
        default=None,
        name="industryLine",
        description="Industry directors: the GB/T 4754 section letter (A-T) of their industry line.",
    )
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Fields left out stay as they are; null clears an optional field.")
class UpdatePersonInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refused with CONFLICT when the person moved on."
    )
    name: str | None = strawberry.field(default=UNSET, description="The new name; not empty.")
    title: str | None = strawberry.field(default=UNSET, description="The new job title; null clears it.")
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Contacts: the customer they now work for (a contact always has one)."
    )
    relationship_level: RelationshipLevelEnum | None = strawberry.field(
        default=UNSET, description="Contacts only: how high they sit at the customer; null clears it."
    )
    phone: str | None = strawberry.field(
        default=UNSET, description="Chinese mobile (1[3-9] + 9 digits) or E.164; null clears it."
    )
    email: str | None = strawberry.field(
        default=UNSET, description="An e-mail address; null clears it. A member of staff's login follows it."
    )
    is_key_decision_maker: bool | None = strawberry.field(
        default=UNSET, description="Whether the contact is a key decision maker; cannot be null."
    )
    status: PersonStatusEnum | None = strawberry.field(
        default=UNSET, description="ACTIVE or LEFT; a change emits person.status_changed. Cannot be null."
    )
    roles: list[RoleEnum] | None = strawberry.field(
        default=UNSET,
        description="Staff only: the roles they hold from now on, replacing the old ones; null leaves them as they are.",
    )
    region: str | None = strawberry.field(
        default=UNSET, description="Regional directors: the Region value of their region, e.g. EAST; null clears it."
    )
    industry_section: str | None = strawberry.field(
        default=UNSET,
        name="industryLine",
        description="Industry directors: the GB/T 4754 section letter (A-T) of their line; null clears it.",
    )


@strawberry.input
class ArchivePersonInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input(
    description="One person as the other system has it; matched on (source, externalId). Roles are not synced."
)
class PersonRecordInput:
    external_id: str
    name: str = strawberry.field(description="The person's full name; not empty.")
    kind: PersonKindEnum = strawberry.field(
        default=PersonKindEnum.CONTACT,
        description="CONTACT (when omitted) or STAFF; a person already synced keeps their kind.",
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer account of a contact ..."
    )
    account_external_id: str | None = strawberry.field(
        default=None, description="... or its external id in the same source."
    )
    title: str | None = strawberry.field(default=None, description="Their job title.")
    relationship_level: RelationshipLevelEnum | None = strawberry.field(
        default=None, description="Contacts only: how high they sit at the customer."
    )
    phone: str | None = strawberry.field(default=None, description="Chinese mobile (1[3-9] + 9 digits) or E.164.")
    email: str | None = strawberry.field(default=None, description="An e-mail address.")
    is_key_decision_maker: bool = strawberry.field(
        default=False, description="Whether the contact is a key decision maker (false when omitted)."
    )
    region: str | None = strawberry.field(
        default=None, description="Regional directors: the Region value of their region, e.g. EAST."
    )
    industry_section: str | None = strawberry.field(
        default=None,
        name="industryLine",
        description="Industry directors: the GB/T 4754 section letter (A-T) of their industry line.",
    )


@strawberry.input(description=f"Up to {MAX_UPSERT} people from one source system.")
class UpsertPeopleInput:
    source: str = strawberry.field(description='The system the external ids belong to, e.g. "hr".')
    people: list[PersonRecordInput] = strawberry.field(
        description=f"The records, at most {MAX_UPSERT}; each is created or updated on its own."
    )


UpsertPeoplePayload = upsert_payload_type("Person", "person", PersonType, plural="People")

_FIELDS = (
    "name",
    "title",
    "account_id",
    "relationship_level",
    "phone",
    "email",
    "is_key_decision_maker",
    "region",
    "industry_section",
    "external_id",
    "source",
)


async def upsert_people(info: Info, input: UpsertPeopleInput) -> UpsertPeoplePayload:
    async def apply(unit, source, record):
        fields = (*_FIELDS, "kind", "account_external_id")
        return await services.upsert_person(unit, source, {n: getattr(record, n) for n in fields if n != "source"})

    return await bulk_upsert(info, UpsertPeoplePayload, input.source, input.people, "people", apply)


#: contacts are the account team's to write, staff the KA director's: the service checks which one applies
WRITE_PEOPLE = ("contacts.write", "staff.manage")


@strawberry.type
class PeopleMutations:
    @mutation(permission=WRITE_PEOPLE, returns={"person": PersonType})
    async def create_person(unit: UnitOfWork, input: CreatePersonInput) -> dict[str, Any]:
        """Add a contact at a customer (contacts.write), or a member of staff with roles (staff.manage)."""
        values = {name: getattr(input, name) for name in _FIELDS}
        values["kind"] = input.kind
        return {"person": await services.create_person(unit, values, list(input.roles))}

    @mutation(permission=WRITE_PEOPLE, returns={"person": PersonType})
    async def update_person(unit: UnitOfWork, input: UpdatePersonInput) -> dict[str, Any]:
        """Change a contact (contacts.write) or a member of staff (staff.manage); with expectedVersion, only if
        nobody changed them since."""
        values = {name: getattr(input, name, UNSET) for name in (*_FIELDS, "status")}
        values = {k: v for k, v in values.items() if k not in ("external_id", "source")}
        return {"person": await services.update_person(unit, input.id, input.expected_version, values, input.roles)}

    upsert_people = mutation_field(
        upsert_people,
        "upsertPeople",
        WRITE_PEOPLE,
        f"Create or update up to {MAX_UPSERT} people by (source, externalId); each record succeeds or fails alone.",
    )

    @mutation(permission=WRITE_PEOPLE, returns={"person": PersonType})
    async def archive_person(unit: UnitOfWork, input: ArchivePersonInput) -> dict[str, Any]:
        """Archive a person: they leave lists but keep their history."""
        return {"person": await services.archive_person(unit, input.id, input.expected_version)}
