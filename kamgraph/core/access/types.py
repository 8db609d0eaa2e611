"""GraphQL types of access: the signed-in user, API keys, roles and their permissions."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from kamgraph.api import Node, load_one
from kamgraph.api.nodes import node_type_of
from kamgraph.core.people.types import PersonType, RoleEnum
from kamgraph.ids import to_global_id
from kamgraph.security.models import (
    ApiKey,
    AuditRecord,
    OutboxEvent,
    Webhook,
    WebhookDelivery,
)


@strawberry.type(description="Who you are, as the API sees you.")
class Me:
    name: str
    person: PersonType | None
    roles: list[RoleEnum]
    permissions: list[str]
    via: str = strawberry.field(description="How you authenticated: session or api_key.")


@strawberry.type(name="ApiKey", description="A key for an integration. Its secret was shown once, when it was made.")
class ApiKeyType(Node):
    is_type_of = node_type_of(ApiKey)

    name: str
    prefix: str = strawberry.field(description="The start of the secret after kgk_, to recognise a key.")
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @strawberry.field(description="The permissions this key grants.")
    def scopes(self) -> list[str]:
        return self.scopes.split()


@strawberry.type(description="A permission, and the roles that hold it.")
class PermissionType:
    name: str
    description: str
    roles: list[RoleEnum]


@strawberry.type(name="AuditRecord", description="One read of sensitive values, or one write, by someone.")
class AuditRecordType(Node):
    is_type_of = node_type_of(AuditRecord)

    occurred_at: datetime
    actor: str
    actor_via: str
    action: str = strawberry.field(description="read, create, update, archive, delete, ...")
    subject_type: str
    operation_name: str | None
    request_id: str | None

    @strawberry.field(
        description="Global ids of the objects concerned: one for a write; every object of this kind and account a request read (none for totals)."
    )
    def subject_ids(self) -> list[strawberry.ID]:
        return [to_global_id(self.subject_type, pk) for pk in self.subject_ids.split()]

    @strawberry.field
    def fields(self) -> list[str]:
        return self.fields_read.split()

    @strawberry.field(description="Writes: {field: {before, after}} as JSON; encrypted values are never copied here.")
    def changes(self) -> JSON | None:
        return None if self.changes is None else json.loads(self.changes)


@strawberry.type(name="Webhook", description="An endpoint that receives events, signed with its secret.")
class WebhookType(Node):
    is_type_of = node_type_of(Webhook)

    url: str
    description: str
    created_by: str
    created_at: datetime
    disabled_at: datetime | None

    @strawberry.field(description="Event types it receives; empty for every type.")
    def event_types(self) -> list[str]:
        return self.event_types.split()


@strawberry.type(name="WebhookDelivery", description="One event for one webhook: attempts and the last answer.")
class WebhookDeliveryType(Node):
    is_type_of = node_type_of(WebhookDelivery)

    status: str = strawberry.field(description="pending, delivered or failed")
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None

    @strawberry.field
    async def event_type(self, info: strawberry.Info) -> str:
        return (await load_one(info, OutboxEvent, self.event_id)).type

    @strawberry.field(description="The event id receivers deduplicate by.")
    async def event_id(self, info: strawberry.Info) -> str:
        return (await load_one(info, OutboxEvent, self.event_id)).event_id
