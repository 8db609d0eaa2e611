"""Permissions as data: what each role may do, assembled from what every plugin registers.

A plugin's ``register_permissions`` returns ``{name: Permission(description, roles)}``; ``roles`` are
the roles that hold the permission by default (DOMAIN.md section 1). Row scopes come from the roles
too: directors of a line or region see that line or region, the account-assigned roles see their
accounts, the KA director and the department-wide roles see all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kamgraph.errors import Code, Problem, Refused
from kamgraph.plugin_manager import PluginManager
from kamgraph.security.actors import Actor, Role, RowScope, ScopeKind


@dataclass(frozen=True)
class Permission:
    description: str
    roles: frozenset[Role] = frozenset()

    @classmethod
    def of(cls, description: str, *roles: Role) -> Permission:
        return cls(description, frozenset(roles))


#: which accounts each role sees (DOMAIN.md section 1, "sees")
ROW_SCOPE: Mapping[Role, ScopeKind] = {
    Role.KA_DIRECTOR: ScopeKind.ALL,
    Role.INDUSTRY_DIRECTOR: ScopeKind.INDUSTRY,
    Role.REGIONAL_DIRECTOR: ScopeKind.REGION,
    Role.ACCOUNT_MANAGER: ScopeKind.ASSIGNED,
    Role.SOLUTION_EXPERT: ScopeKind.ASSIGNED,
    Role.CUSTOMER_SUCCESS_MANAGER: ScopeKind.ASSIGNED,
    Role.DATA_ANALYST: ScopeKind.ALL,
    Role.CONTRACT_SPECIALIST: ScopeKind.ALL,
    Role.SERVICE_AGENT: ScopeKind.ALL,
    Role.INTEGRATION: ScopeKind.ALL,  # narrowed by the permissions its API key's scopes grant
}


@dataclass(frozen=True)
class Permissions:
    """Every registered permission and the role -> permission matrix derived from it."""

    registered: Mapping[str, Permission]

    @classmethod
    def from_plugins(cls, pm: PluginManager) -> Permissions:
        claimed = pm.collect_unique("register_permissions", "permission")
        return cls({name: _permission(value) for name, (_, value) in claimed.items()})

    def granted(self, roles: Iterable[Role]) -> frozenset[str]:
        roles = set(roles)
        return frozenset(name for name, p in self.registered.items() if p.roles & roles)

    def matrix(self) -> dict[Role, frozenset[str]]:
        return {role: self.granted([role]) for role in Role}

    def actor_for_staff(
        self,
        name: str,
        person_id: int,
        roles: Iterable[Role],
        industry_section: str | None,
        region: str | None,
        *,
        via: str = "session",
        credential_id: int | None = None,
    ) -> Actor:
        roles = frozenset(roles)
        return Actor(
            name=name,
            person_id=person_id,
            roles=roles,
            scopes=row_scopes(person_id, roles, industry_section, region),
            permissions=self.granted(roles),
            via=via,
            credential_id=credential_id,
        )

    def unknown(self, names: Iterable[str]) -> list[str]:
        return sorted(set(names) - set(self.registered))


def row_scopes(
    person_id: int, roles: frozenset[Role], industry_section: str | None, region: str | None
) -> tuple[RowScope, ...]:
    scopes = []
    for role in sorted(roles):
        kind = ROW_SCOPE[role]
        if kind is ScopeKind.ALL:
            return (RowScope(ScopeKind.ALL),)
        if kind is ScopeKind.ASSIGNED:
            scopes.append(RowScope(ScopeKind.ASSIGNED, person_id))
        elif kind is ScopeKind.INDUSTRY and industry_section:
            scopes.append(RowScope(ScopeKind.INDUSTRY, values=(industry_section,)))
        elif kind is ScopeKind.REGION and region:
            scopes.append(RowScope(ScopeKind.REGION, values=(region,)))
    return tuple(dict.fromkeys(scopes))


def require(actor: Actor, permission: str) -> None:
    """Refuse the current write with FORBIDDEN unless ``actor`` holds ``permission``."""
    if not actor.can(permission):
        raise Refused([Problem((), Code.FORBIDDEN, f"you do not have the permission {permission!r}")])


def _permission(value: Permission | str) -> Permission:
    return value if isinstance(value, Permission) else Permission(value)
