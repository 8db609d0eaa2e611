"""Actors: the person or integration behind a request, with their roles, permissions and row scopes.

``kamgraph.security.auth`` turns a bearer token into an Actor; ``kamgraph.security.permissions``
decides what its roles grant. :data:`SYSTEM_ACTOR` is the platform itself (command line, jobs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Role(str, Enum):
    """The roles of DOMAIN.md section 1."""

    KA_DIRECTOR = "KA_DIRECTOR"
    INDUSTRY_DIRECTOR = "INDUSTRY_DIRECTOR"
    REGIONAL_DIRECTOR = "REGIONAL_DIRECTOR"
    ACCOUNT_MANAGER = "ACCOUNT_MANAGER"
    SOLUTION_EXPERT = "SOLUTION_EXPERT"
    CUSTOMER_SUCCESS_MANAGER = "CUSTOMER_SUCCESS_MANAGER"
    DATA_ANALYST = "DATA_ANALYST"
    CONTRACT_SPECIALIST = "CONTRACT_SPECIALIST"
    SERVICE_AGENT = "SERVICE_AGENT"
    INTEGRATION = "INTEGRATION"


DIRECTORS = frozenset({Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR})


class ScopeKind(str, Enum):
    ALL = "ALL"  # every account
    ASSIGNED = "ASSIGNED"  # accounts the person owns or is a team member of
    INDUSTRY = "INDUSTRY"  # accounts of the given GB/T 4754 sections
    REGION = "REGION"  # accounts of the given regions


@dataclass(frozen=True)
class RowScope:
    kind: ScopeKind
    person_id: int | None = None
    values: tuple[str, ...] = ()


ALL_PERMISSIONS = "*"


@dataclass(frozen=True)
class Actor:
    """The caller. ``scopes`` are alternatives: a row is visible when any one of them admits it."""

    name: str
    person_id: int | None = None
    roles: frozenset[Role] = frozenset()
    scopes: tuple[RowScope, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)
    #: how the actor authenticated: "session", "api_key", or "system"
    via: str = "session"
    #: the session or API key id, for logout and audit
    credential_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        return any(scope.kind is ScopeKind.ALL for scope in self.scopes)

    def can(self, permission: str) -> bool:
        return ALL_PERMISSIONS in self.permissions or permission in self.permissions

    @property
    def is_director(self) -> bool:
        return bool(self.roles & DIRECTORS)


#: The platform itself (command line, scheduled jobs, demo seeding): sees every row, holds every permission.
SYSTEM_ACTOR = Actor(
    name="system",
    roles=frozenset({Role.KA_DIRECTOR}),
    scopes=(RowScope(ScopeKind.ALL),),
    permissions=frozenset({ALL_PERMISSIONS}),
    via="system",
)
