"""Mutations for people: create, update, archive (thin: parse input, call services, shape the payload)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from kamgraph.api import payload_type, write
from kamgraph.api.mutations import MAX_UPSERT, bulk_upsert, upsert_payload_type
from kamgraph.core.people import services
from kamgraph.core.people.types import (
    PersonKindEnum,
    PersonStatusEnum,
    PersonType,
    RelationshipLevelEnum,
    RoleEnum,
)

UNSET = strawberry.UNSET


@strawberry.input
class CreatePersonInput:
    kind: PersonKindEnum
    name: str
    title: str | None = None
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Required for contacts.")
    relationship_level: RelationshipLevelEnum | None = None
    phone: str | None = strawberry.field(default=None, description="Chinese mobile (1[3-9] + 9 digits) or E.164.")
    email: str | None = None
    is_key_decision_maker: bool = False
    roles: list[RoleEnum] = strawberry.field(default_factory=list, description="Staff only.")
    region: str | None = None
    industry_section: str | None = strawberry.field(default=None, name="industryLine")
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Fields left out stay as they are; null clears an optional field.")
class UpdatePersonInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refused with CONFLICT when the person moved on."
    )
    name: str | None = UNSET
    title: str | None = UNSET
    account_id: strawberry.ID | None = UNSET
    relationship_level: RelationshipLevelEnum | None = UNSET
    phone: str | None = UNSET
    email: str | None = UNSET
    is_key_decision_maker: bool | None = UNSET
    status: PersonStatusEnum | None = UNSET
    roles: list[RoleEnum] | None = UNSET
    region: str | None = UNSET
    industry_section: str | None = strawberry.field(default=UNSET, name="industryLine")


@strawberry.input
class ArchivePersonInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input(
    description="One person as the other system has it; matched on (source, externalId). Roles are not synced."
)
class PersonRecordInput:
    external_id: str
    name: str
    kind: PersonKindEnum = PersonKindEnum.CONTACT
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer account of a contact ..."
    )
    account_external_id: str | None = strawberry.field(
        default=None, description="... or its external id in the same source."
    )
    title: str | None = None
    relationship_level: RelationshipLevelEnum | None = None
    phone: str | None = None
    email: str | None = None
    is_key_decision_maker: bool = False
    region: str | None = None
    industry_section: str | None = strawberry.field(default=None, name="industryLine")


@strawberry.input(description=f"Up to {MAX_UPSERT} people from one source system.")
class UpsertPeopleInput:
    source: str = strawberry.field(description='The system the external ids belong to, e.g. "hr".')
    people: list[PersonRecordInput]


UpsertPeoplePayload = upsert_payload_type("Person", "person", PersonType, plural="People")
CreatePersonPayload = payload_type("CreatePerson", person=PersonType)
UpdatePersonPayload = payload_type("UpdatePerson", person=PersonType)
ArchivePersonPayload = payload_type("ArchivePerson", person=PersonType)

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


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(description="Add a contact at a customer, or a member of staff.")
    async def create_person(self, info: Info, input: CreatePersonInput) -> CreatePersonPayload:
        values = {name: getattr(input, name) for name in _FIELDS}
        values["kind"] = input.kind

        async def action(unit):
            return {"person": await services.create_person(unit, values, list(input.roles))}

        return await write(info, CreatePersonPayload, action)

    @strawberry.mutation
    async def update_person(self, info: Info, input: UpdatePersonInput) -> UpdatePersonPayload:
        values = {name: getattr(input, name, UNSET) for name in (*_FIELDS, "status")}
        values = {k: v for k, v in values.items() if k not in ("external_id", "source")}

        async def action(unit):
            person = await services.update_person(unit, input.id, input.expected_version, values, input.roles)
            return {"person": person}

        return await write(info, UpdatePersonPayload, action)

    @strawberry.mutation(
        description=f"Create or update up to {MAX_UPSERT} people by (source, externalId); each record succeeds or fails alone."
    )
    async def upsert_people(self, info: Info, input: UpsertPeopleInput) -> UpsertPeoplePayload:
        async def apply(unit, source, record):
            fields = (*_FIELDS, "kind", "account_external_id")
            return await services.upsert_person(unit, source, {n: getattr(record, n) for n in fields if n != "source"})

        return await bulk_upsert(info, UpsertPeoplePayload, input.source, input.people, "people", apply)

    @strawberry.mutation(description="Archive a person: they leave lists but keep their history.")
    async def archive_person(self, info: Info, input: ArchivePersonInput) -> ArchivePersonPayload:
        async def action(unit):
            return {"person": await services.archive_person(unit, input.id, input.expected_version)}

        return await write(info, ArchivePersonPayload, action)
