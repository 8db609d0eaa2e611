"""Mutations of access: login, logout, passwords, API keys."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from kamgraph.api import context, mutation, mutation_field
from kamgraph.api.errors import UserError
from kamgraph.core.access.types import ApiKeyType, WebhookDeliveryType, WebhookType
from kamgraph.core.people.models import Person, PersonKind
from kamgraph.core.people.types import PersonType
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if
from kamgraph.events import UnitOfWork
from kamgraph.events.webhooks import target_problem
from kamgraph.security import auth
from kamgraph.security.audit import AuditEntry, entry, store
from kamgraph.security.models import ApiKey, Webhook, WebhookDelivery
from kamgraph.writes import create, find, save


@strawberry.input
class LoginInput:
    email: str = strawberry.field(description="The e-mail address of the member of staff.")
    password: str = strawberry.field(
        description="Their password. Repeated failures lock the e-mail and the client address out for a while "
        "(THROTTLED)."
    )


@strawberry.type(description="A session token to send as Authorization: Bearer <token>; shown once.")
class LoginPayload:
    token: str | None = None
    expires_at: datetime | None = None
    person: PersonType | None = None
    retry_after_seconds: int | None = strawberry.field(default=None, description="With THROTTLED: when to try again.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    revoked: bool
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="The person logs in with their e-mail address.")
class SetPasswordInput:
    person_id: strawberry.ID = strawberry.field(description="The member of staff; they need an e-mail address.")
    password: str = strawberry.field(description=f"The new password, at least {auth.MIN_PASSWORD_LENGTH} characters.")


@strawberry.input
class CreateApiKeyInput:
    name: str = strawberry.field(description="What the key is for, to recognise it in lists; not empty.")
    scopes: list[str] = strawberry.field(description="Permission names the key grants (see the permissions query).")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the key stops working; null: it does not expire."
    )


@strawberry.input
class RevokeApiKeyInput:
    id: strawberry.ID


@strawberry.input
class CreateWebhookInput:
    url: str = strawberry.field(
        description="http(s) endpoint; internal addresses are refused unless the deployment allows them."
    )
    event_types: list[str] = strawberry.field(
        default_factory=list, description="Event types to receive (see eventTypes); empty for all."
    )
    description: str = strawberry.field(default="", description="What the webhook is for (empty when omitted).")


@strawberry.input
class DisableWebhookInput:
    id: strawberry.ID


@strawberry.input
class RedeliverWebhookInput:
    delivery_id: strawberry.ID = strawberry.field(
        description="The delivery to send again (see webhookDeliveries), whatever its status."
    )


def client_address(info: Info) -> str | None:
    request = context(info).request
    return request.client.host if request is not None and request.client else None


async def login(info: Info, input: LoginInput) -> LoginPayload:
    ctx = context(info)
    try:
        issued = await auth.login(input.email, input.password, client_address(info), ctx.settings)
    except auth.LoginRefused as refused:
        code = Code.THROTTLED if refused.retry_after else Code.UNAUTHENTICATED
        return LoginPayload(
            retry_after_seconds=refused.retry_after,
            user_errors=[UserError(field=["input"], code=code, message=str(refused))],
        )
    actor = await auth.staff_actor(issued.person, ctx.permissions, credential_id=issued.session.id)
    await store([entry("login", issued.person, account_id=None)], actor, ctx.request_id, "login")
    return LoginPayload(token=issued.token, expires_at=issued.session.expires_at, person=issued.person)


async def logout(info: Info) -> LogoutPayload:
    ctx = context(info)
    revoked = await auth.logout(ctx.actor)
    if revoked:
        await store([AuditEntry("logout", "Person", (ctx.actor.person_id,), None)], ctx.actor, ctx.request_id, "logout")
    return LogoutPayload(revoked=revoked)


@strawberry.type
class AccessMutations:
    login = mutation_field(
        login, "login", None, "Exchange an e-mail and password for a session token. The only field open without one."
    )
    logout = mutation_field(logout, "logout", None, "End the current session; its token stops working at once.")

    @mutation(permission="staff.manage", returns={"person": PersonType})
    async def set_password(unit: UnitOfWork, input: SetPasswordInput) -> dict[str, Any]:
        """Give a member of staff a login, or a new password (KA director)."""
        person = await find(unit.actor, Person, input.person_id, ("person_id",), live=True)
        problems = [invalid(("password",), p) for p in [auth.password_problem(input.password)] if p]
        if person.kind is not PersonKind.STAFF or not person.email:
            problems.append(invalid(("person_id",), "only staff with an e-mail address log in"))
        refuse_if(problems)
        await auth.set_password(person, input.password)
        unit.audit("set_password", person, account_id=None)
        return {"person": person}

    @mutation(
        permission="apikeys.manage",
        returns={"api_key": ApiKeyType, "secret": str},
        payload_description="The new key. secret is shown this once; only its hash is kept.",
    )
    async def create_api_key(unit: UnitOfWork, input: CreateApiKeyInput, info: Info) -> dict[str, Any]:
        """Make an API key for an integration; its secret is in this payload only."""
        problems = []
        if not input.name.strip():
            problems.append(invalid(("name",), "a key needs a name"))
        unknown = context(info).permissions.unknown(input.scopes)
        if unknown:
            problems.append(invalid(("scopes",), f"unknown permissions: {', '.join(unknown)}"))
        if not input.scopes:
            problems.append(invalid(("scopes",), "a key grants at least one permission"))
        # nobody hands out more than they hold: each permission, and the key's full row scope
        actor = unit.actor
        problems += [
            Problem(("scopes", i), Code.FORBIDDEN, f"you cannot grant {scope}: you do not hold it")
            for i, scope in enumerate(input.scopes)
            if scope not in unknown and not actor.can(scope)
        ]
        if not actor.sees_everything:
            problems.append(
                Problem(("scopes",), Code.FORBIDDEN, "a key sees every account; only a caller who does may make one")
            )
        refuse_if(problems)
        secret, key = await auth.create_api_key(input.name.strip(), input.scopes, unit.actor.name, input.expires_at)
        unit.audit("create", key, account_id=None)
        return {"api_key": key, "secret": secret}

    @mutation(permission="apikeys.manage", returns={"api_key": ApiKeyType})
    async def revoke_api_key(unit: UnitOfWork, input: RevokeApiKeyInput) -> dict[str, Any]:
        """Revoke an API key; requests with it are refused from now on."""
        key = await find(unit.actor, ApiKey, input.id, ("id",))
        if key.revoked_at is not None:
            raise Refused([Problem(("id",), Code.RULE_VIOLATION, "this key is already revoked")])
        key.revoked_at = auth.now()
        await key.save(update_fields=["revoked_at"])
        unit.audit("revoke", key, account_id=None)
        return {"api_key": key}

    @mutation(
        permission="webhooks.manage",
        returns={"webhook": WebhookType, "secret": str},
        payload_description="The new webhook. secret signs every delivery; it is shown this once.",
    )
    async def create_webhook(unit: UnitOfWork, input: CreateWebhookInput, info: Info) -> dict[str, Any]:
        """Register an endpoint for events; deliveries carry only what you may see."""
        ctx = context(info)
        problems = []
        if problem := target_problem(input.url.strip(), ctx.settings.webhook_allow_private):
            problems.append(invalid(("url",), problem))
        unknown = sorted(set(input.event_types) - set(ctx.event_types))
        if unknown:
            problems.append(invalid(("event_types",), f"unknown event types: {', '.join(unknown)}"))
        refuse_if(problems)
        secret = "whsec_" + secrets.token_urlsafe(32)
        actor = unit.actor
        hook = await create(
            Webhook,
            audit_account=None,
            url=input.url.strip(),
            event_types=" ".join(sorted(set(input.event_types))),
            description=input.description,
            secret=secret,
            created_by=actor.name,
            owner_person_id=actor.person_id,
            owner_api_key_id=actor.credential_id if actor.via == "api_key" else None,
        )
        return {"webhook": hook, "secret": secret}

    @mutation(permission="webhooks.manage", returns={"webhook": WebhookType})
    async def disable_webhook(unit: UnitOfWork, input: DisableWebhookInput) -> dict[str, Any]:
        """Stop deliveries to a webhook (its delivery log stays)."""
        hook = await find(unit.actor, Webhook, input.id, ("id",))
        await save(hook, {"disabled_at": auth.now()}, audit_account=None)
        return {"webhook": hook}

    @mutation(permission="webhooks.manage", returns={"delivery": WebhookDeliveryType})
    async def redeliver_webhook(unit: UnitOfWork, input: RedeliverWebhookInput) -> dict[str, Any]:
        """Send a delivery again now, whatever happened to it before."""
        delivery = await find(unit.actor, WebhookDelivery, input.delivery_id, ("delivery_id",))
        await save(delivery, {"status": "pending", "next_attempt_at": auth.now()}, audit_account=None)
        return {"delivery": delivery}
