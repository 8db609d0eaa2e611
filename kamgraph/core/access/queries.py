"""Queries of access: who am I, the permission matrix, API keys, the audit trail."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from kamgraph.api import Connection, OrderDirection, context, list_connection, load_one
from kamgraph.api.connections import order_input
from kamgraph.api.filters import DateTimeFilter, StringFilter
from kamgraph.core.access.types import (
    ApiKeyType,
    AuditRecordType,
    Me,
    PermissionType,
    WebhookDeliveryStatusEnum,
    WebhookDeliveryType,
    WebhookType,
)
from kamgraph.core.people.models import Person
from kamgraph.ids import InvalidId, int_key
from kamgraph.security.models import ApiKey, AuditRecord, Webhook, WebhookDelivery


@strawberry.input(description="Conditions on audit records.")
class AuditRecordFilter:
    actor: StringFilter | None = None
    action: StringFilter | None = None
    subject_type: StringFilter | None = None
    request_id: StringFilter | None = None
    occurred_at: DateTimeFilter | None = None


@strawberry.enum
class AuditRecordOrderField(Enum):
    OCCURRED_AT = "occurred_at"


AuditRecordOrder = order_input("AuditRecordOrder", AuditRecordOrderField)
NEWEST_FIRST = [AuditRecordOrder(field=AuditRecordOrderField.OCCURRED_AT, direction=OrderDirection.DESC)]


@strawberry.type
class AccessQueries:
    @strawberry.field(description="The caller: name, roles and the permissions they hold.")
    async def me(self, info: Info) -> Me:
        actor = context(info).actor
        person = await load_one(info, Person, actor.person_id)
        return Me(
            name=actor.name,
            person=person,
            roles=sorted(actor.roles),
            permissions=sorted(actor.permissions),
            via=actor.via,
        )

    @strawberry.field(description="Every permission and the roles that hold it: DOMAIN.md section 1 as data.")
    def permissions(self, info: Info) -> list[PermissionType]:
        registered = context(info).permissions.registered
        return [
            PermissionType(name=name, description=p.description, roles=sorted(p.roles))
            for name, p in sorted(registered.items())
        ]

    @strawberry.field(description="API keys (apikeys.manage, held by the KA director), oldest first.")
    async def api_keys(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ApiKeyType]:
        return await list_connection(info, context(info).rows(ApiKey), first=first, after=after)

    @strawberry.field(description="Webhooks (webhooks.manage).")
    async def webhooks(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[WebhookType]:
        return await list_connection(info, context(info).rows(Webhook), first=first, after=after)

    @strawberry.field(
        description="The delivery log of a webhook (webhooks.manage), oldest first; filter by status (PENDING, DELIVERED, FAILED)."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The webhook whose deliveries to list; an unknown id gives an empty list."),
        ],
        status: Annotated[
            WebhookDeliveryStatusEnum | None,
            strawberry.argument(description="Only deliveries with this status; all when omitted."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[WebhookDeliveryType]:
        try:
            key = int_key(webhook_id, "Webhook")
        except InvalidId:
            key = -1
        rows = context(info).rows(WebhookDelivery).where("webhook", key)
        if status is not None:
            rows = rows.where("status", status.value)
        return await list_connection(info, rows, first=first, after=after)

    @strawberry.field(
        description="The audit trail (directors; within their row scope), newest first. Read-only: nothing can change it."
    )
    async def audit_log(
        self, info: Info, filter: AuditRecordFilter | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[AuditRecordType]:
        rows = context(info).rows(AuditRecord).filter(filter)
        return await list_connection(info, rows, order_by=NEWEST_FIRST, first=first, after=after)
