"""GraphQL types of access: the signed-in user, API keys, roles and their permissions."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from kamgraph.api import Node, described_enum, load_one
from kamgraph.api.fields import computed_field
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
    name: str = strawberry.field(
        description='Your name: a member of staff\'s name, or "api key <name>" for an API key.'
    )
    person: PersonType | None = strawberry.field(description="Your own person record as staff; null for an API key.")
    roles: list[RoleEnum] = strawberry.field(description="The roles you hold (INTEGRATION for an API key).")
    permissions: list[str] = strawberry.field(
        description="The permission names you hold (see the permissions query), from your roles or your key's scopes."
    )
    via: str = strawberry.field(description="How you authenticated: session or api_key.")


@strawberry.type(name="ApiKey", description="A key for an integration. Its secret was shown once, when it was made.")
class ApiKeyType(Node):
    is_type_of = node_type_of(ApiKey)

    name: str = strawberry.field(description="What the key is for, as given when it was made.")
    prefix: str = strawberry.field(description="The start of the secret after kgk_, to recognise a key.")
    created_by: str = strawberry.field(description="The name of whoever made the key.")
    created_at: datetime
    expires_at: datetime | None = strawberry.field(description="When the key stops working; null: it does not expire.")
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked (it no longer works); null while it is not."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When a request last used the key, to the minute or so; null if it was never used."
    )

    @strawberry.field(description="The permissions this key grants.")
    def scopes(self) -> list[str]:
        return self.scopes.split()


@strawberry.type(description="A permission, and the roles that hold it.")
class PermissionType:
    name: str = strawberry.field(description='The permission\'s name, e.g. "contracts.amounts.read".')
    description: str = strawberry.field(description="What the permission allows.")
    roles: list[RoleEnum] = strawberry.field(description="The roles that hold it.")


@strawberry.type(name="AuditRecord", description="One read of sensitive values, or one write, by someone.")
class AuditRecordType(Node):
    is_type_of = node_type_of(AuditRecord)

    occurred_at: datetime = strawberry.field(description="When it happened.")
    actor: str = strawberry.field(
        description='Who: a member of staff\'s name, "api key <name>", the platform (system, or a plugin reacting '
        "to an event), or anonymous."
    )
    actor_via: str = strawberry.field(
        description="How the actor was authenticated: session, api_key, command (the command line), system, or none."
    )
    action: str = strawberry.field(
        description="What was done. The core records read (of sensitive values), create, update, archive, delete, "
        "login, logout, set_password and revoke (an API key); plugins may record actions of their own."
    )
    subject_type: str = strawberry.field(description='The kind of object concerned, e.g. "Contract" or "Person".')
    operation_name: str | None = strawberry.field(
        description="The name of the GraphQL operation that did it; null for an anonymous operation or outside a request."
    )
    request_id: str | None = strawberry.field(
        description="The id of the request (as in the server log); null outside a request."
    )

    @strawberry.field(
        description="Global ids of the objects concerned: one for a write; every object of this kind and account a request read (none for totals)."
    )
    def subject_ids(self) -> list[strawberry.ID]:
        return [to_global_id(self.subject_type, pk) for pk in self.subject_ids.split()]

    @strawberry.field(description="The fields read (for read) or changed (for a write), by their model names.")
    def fields(self) -> list[str]:
        return self.fields_read.split()

    @strawberry.field(description="Writes: {field: {before, after}} as JSON; encrypted values are never copied here.")
    def changes(self) -> JSON | None:
        return None if self.changes is None else json.loads(self.changes)


@strawberry.type(name="Webhook", description="An endpoint that receives events, signed with its secret.")
class WebhookType(Node):
    is_type_of = node_type_of(Webhook)

    url: str = strawberry.field(description="The http(s) endpoint the events are posted to.")
    description: str = strawberry.field(description="What the webhook is for, as given when it was made; may be empty.")
    created_by: str = strawberry.field(description="The name of whoever registered it.")
    created_at: datetime
    disabled_at: datetime | None = strawberry.field(
        description="When deliveries to it were stopped (disableWebhook); null while it is enabled."
    )

    @strawberry.field(description="Event types it receives; empty for every type.")
    def event_types(self) -> list[str]:
        return self.event_types.split()


class WebhookDeliveryStatus(Enum):
    """The values of ``WebhookDelivery.status``, as the table stores them."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


WebhookDeliveryStatusEnum = described_enum(
    WebhookDeliveryStatus,
    "Where a webhook delivery stands.",
    {
        "PENDING": "Not delivered yet: waiting for its first attempt or for a retry at nextAttemptAt.",
        "DELIVERED": "The endpoint answered with a 2xx status.",
        "FAILED": "Given up: the endpoint refused it for good (a 4xx other than 408 and 429), the address is not "
        "allowed, or the attempts ran out. redeliverWebhook sends it again.",
    },
    name="WebhookDeliveryStatus",
)


@strawberry.type(name="WebhookDelivery", description="One event for one webhook: attempts and the last answer.")
class WebhookDeliveryType(Node):
    is_type_of = node_type_of(WebhookDelivery)

    status = computed_field(
        lambda delivery: WebhookDeliveryStatus(delivery.status),
        WebhookDeliveryStatusEnum,
        ("status",),
        "Whether it is still to be delivered, was delivered, or failed for good.",
    )
    attempts: int = strawberry.field(description="How many times it has been posted so far.")
    next_attempt_at: datetime = strawberry.field(
        description="While PENDING: when it is due to be posted next (retries back off exponentially, from 10 s "
        "by default)."
    )
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last answer; null before the first attempt or when no answer came."
    )
    last_error: str | None = strawberry.field(
        description="Why the last failed attempt failed (the HTTP status, a network error, a refused address); "
        "null before any attempt failed and after a successful one."
    )
    delivered_at: datetime | None = strawberry.field(
        description="When the endpoint last accepted it; null if it never did."
    )

    @strawberry.field(description="The type of the event delivered, e.g. account.created.")
    async def event_type(self, info: strawberry.Info) -> str:
        return (await load_one(info, OutboxEvent, self.event_id)).type

    @strawberry.field(description="The event id receivers deduplicate by.")
    async def event_id(self, info: strawberry.Info) -> str:
        return (await load_one(info, OutboxEvent, self.event_id)).event_id
