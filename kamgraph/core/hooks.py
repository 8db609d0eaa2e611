"""Wiring only: the core's hook implementations."""

from __future__ import annotations

from kamgraph import hookimpl

__all__ = [
    "actor_from_request",
    "register_demo_data",
    "register_event_types",
    "register_jobs",
    "register_models",
    "register_mutations",
    "register_permissions",
    "register_queries",
    "register_subscriptions",
    "register_sync_kinds",
    "register_types",
]


@hookimpl
def register_models():
    return {
        "core": {
            "models": [
                "kamgraph.core.people.models",
                "kamgraph.core.accounts.models",
                "kamgraph.core.contracts.models",
                "kamgraph.security.models",
                "kamgraph.jobs.models",
            ],
            "migrations": "kamgraph.migrations.core",
        }
    }


@hookimpl
def register_queries():
    from kamgraph.api.meta import MetaQueries
    from kamgraph.api.nodes import NodeQueries
    from kamgraph.core.access.queries import AccessQueries
    from kamgraph.core.accounts.queries import AccountQueries, RulesQueries
    from kamgraph.core.contracts.queries import ContractQueries
    from kamgraph.core.people.queries import PeopleQueries
    from kamgraph.jobs.types import JobQueries

    return [
        NodeQueries,
        MetaQueries,
        AccessQueries,
        AccountQueries,
        PeopleQueries,
        ContractQueries,
        RulesQueries,
        JobQueries,
    ]


@hookimpl
def register_subscriptions():
    from kamgraph.api.subscriptions import EventSubscriptions

    return [EventSubscriptions]


@hookimpl
def register_mutations():
    from kamgraph.core.access.mutations import AccessMutations
    from kamgraph.core.accounts.mutations import AccountMutations
    from kamgraph.core.contracts.mutations import ContractMutations
    from kamgraph.core.people.mutations import PeopleMutations

    return [AccessMutations, AccountMutations, PeopleMutations, ContractMutations]


@hookimpl
def register_types():
    from kamgraph.core.access.types import (
        ApiKeyType,
        AuditRecordType,
        WebhookDeliveryType,
        WebhookType,
    )
    from kamgraph.core.accounts.types import TierReviewType
    from kamgraph.core.contracts.types import InstalmentType, PaymentType
    from kamgraph.jobs.types import JobRunType

    return [
        TierReviewType,
        InstalmentType,
        PaymentType,
        ApiKeyType,
        AuditRecordType,
        WebhookType,
        WebhookDeliveryType,
        JobRunType,
    ]


@hookimpl
def register_event_types():
    return {
        "account.created": "An account was created.",
        "account.updated": "Account fields changed; data.changes holds before and after.",
        "account.archived": "An account was archived.",
        "account.team_changed": "A team member was added, changed or removed.",
        "account.tier_change_proposed": "Re-evaluation proposed a tier change.",
        "account.tier_changed": "A director applied a tier change; data.reason says why.",
        "person.created": "A contact or staff member was created.",
        "person.updated": "Person fields changed.",
        "person.status_changed": "A person's status changed (a key contact LEFT is a churn signal).",
        "person.archived": "A person was archived.",
        "contract.created": "A draft contract was created.",
        "contract.updated": "A draft's terms or schedule changed.",
        "contract.archived": "A contract was archived.",
        "contract.submitted": "DRAFT -> IN_REVIEW.",
        "contract.returned": "IN_REVIEW -> DRAFT, with a reason.",
        "contract.approved": "IN_REVIEW -> APPROVED.",
        "contract.signed": "APPROVED -> SIGNED.",
        "contract.activated": "SIGNED -> ACTIVE.",
        "contract.completed": "ACTIVE -> COMPLETED.",
        "contract.terminated": "SIGNED/ACTIVE -> TERMINATED, with a reason.",
        "contract.expired": "ACTIVE -> EXPIRED.",
        "payment.recorded": "A payment was recorded against a contract.",
        "payment.overdue": "An instalment of a signed or active contract is unpaid after its due day (reported once, by a daily job).",
    }


@hookimpl
def register_jobs():
    from kamgraph.core.jobs import CORE_JOBS

    return CORE_JOBS


@hookimpl
def register_sync_kinds():
    from kamgraph.sync.kinds import core_kinds

    return core_kinds()


@hookimpl(trylast=True)
def actor_from_request(request, settings, permissions):
    """``Authorization: Bearer <session token or API key>``; the lookup is awaited by the caller."""
    from kamgraph.security.auth import authenticate, bearer_token

    token = bearer_token(request.headers.get("authorization"))
    return None if token is None else authenticate(token, permissions)


@hookimpl
def register_permissions():
    from kamgraph.core.permissions import CORE_PERMISSIONS

    return CORE_PERMISSIONS


@hookimpl
async def register_demo_data(settings, seed, today):
    from kamgraph.core.demo import seed_core

    await seed_core(seed, today)
