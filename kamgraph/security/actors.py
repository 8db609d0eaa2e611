"""Actors: the person or integration behind a request, with their roles and row scopes.

Authentication (issue "Security") turns a bearer token into an Actor; until then the core answers
``actor_from_request`` with :data:`DEVELOPMENT_ACTOR`, who sees everything.
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


@dataclass(frozen=True)
class Actor:
    """The caller. ``scopes`` are alternatives: a row is visible when any one of them admits it."""

    name: str
    person_id: int | None = None
    roles: frozenset[Role] = frozenset()
    scopes: tuple[RowScope, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return any(scope.kind is ScopeKind.ALL for scope in self.scopes)

    @classmethod
    def assigned(cls, name: str, person_id: int, roles: frozenset[Role] = frozenset({Role.ACCOUNT_MANAGER})) -> Actor:
        return cls(name=name, person_id=person_id, roles=roles, scopes=(RowScope(ScopeKind.ASSIGNED, person_id),))


#: The actor of an unauthenticated development server: a KA director who sees every row.
DEVELOPMENT_ACTOR = Actor(
    name="development",
    roles=frozenset({Role.KA_DIRECTOR}),
    scopes=(RowScope(ScopeKind.ALL),),
)
