"""Permissions and row scopes as data (no database): what each role holds and which accounts it sees."""

import pytest

from kamgraph.errors import Refused
from kamgraph.security.actors import SYSTEM_ACTOR, Actor, Role, RowScope, ScopeKind
from kamgraph.security.permissions import Permission, Permissions, _permission, require, row_scopes

REGISTERED = Permissions(
    {
        "accounts.read": Permission.of("read accounts", Role.ACCOUNT_MANAGER, Role.KA_DIRECTOR),
        "staff.manage": Permission.of("manage staff", Role.KA_DIRECTOR),
        "nobody.holds": Permission("no role holds it by default"),
    }
)


def test_a_permission_is_held_by_the_roles_it_names():
    made = Permission.of("read accounts", Role.ACCOUNT_MANAGER, Role.KA_DIRECTOR)
    assert made == Permission("read accounts", frozenset({Role.ACCOUNT_MANAGER, Role.KA_DIRECTOR}))
    assert Permission.of("nobody by default") == Permission("nobody by default", frozenset())
    assert REGISTERED.granted([Role.ACCOUNT_MANAGER]) == {"accounts.read"}
    assert REGISTERED.granted([Role.ACCOUNT_MANAGER, Role.KA_DIRECTOR]) == {"accounts.read", "staff.manage"}
    assert REGISTERED.granted([]) == frozenset()
    matrix = REGISTERED.matrix()
    assert set(matrix) == set(Role) and matrix[Role.KA_DIRECTOR] == {"accounts.read", "staff.manage"}
    assert matrix[Role.DATA_ANALYST] == frozenset()
    # a plugin may register a bare description: a permission no role holds by default
    assert _permission("export reports") == Permission("export reports", frozenset())
    assert _permission(REGISTERED.registered["staff.manage"]) is REGISTERED.registered["staff.manage"]
    assert REGISTERED.unknown(["staff.manage", "z.made.up", "a.made.up"]) == ["a.made.up", "z.made.up"]


@pytest.mark.parametrize(
    "roles, section, region, scopes",
    [
        ({Role.ACCOUNT_MANAGER}, "C", "EAST", (RowScope(ScopeKind.ASSIGNED, 7),)),
        ({Role.INDUSTRY_DIRECTOR}, "C", "EAST", (RowScope(ScopeKind.INDUSTRY, values=("C",)),)),
        ({Role.REGIONAL_DIRECTOR}, "C", "EAST", (RowScope(ScopeKind.REGION, values=("EAST",)),)),
        ({Role.INDUSTRY_DIRECTOR}, None, "EAST", ()),  # a line director without a line sees no line
        ({Role.REGIONAL_DIRECTOR}, "C", None, ()),
        (  # one scope per role; a row is visible through any of them
            {Role.REGIONAL_DIRECTOR, Role.ACCOUNT_MANAGER, Role.SOLUTION_EXPERT},
            None,
            "EAST",
            (RowScope(ScopeKind.REGION, values=("EAST",)), RowScope(ScopeKind.ASSIGNED, 7)),
        ),
        ({Role.ACCOUNT_MANAGER, Role.DATA_ANALYST}, None, None, (RowScope(ScopeKind.ALL),)),
        ({Role.KA_DIRECTOR}, None, None, (RowScope(ScopeKind.ALL),)),
        (set(), "C", "EAST", ()),
    ],
)
def test_row_scopes_follow_the_roles(roles, section, region, scopes):
    assert set(row_scopes(7, frozenset(roles), section, region)) == set(scopes)
    assert len(row_scopes(7, frozenset(roles), section, region)) == len(scopes)


def test_a_staff_actor_carries_name_roles_scopes_permissions_and_credential():
    actor = REGISTERED.actor_for_staff("Li Wei", 7, [Role.ACCOUNT_MANAGER], "C", "EAST", via="command", credential_id=3)
    assert actor == Actor(
        name="Li Wei",
        person_id=7,
        roles=frozenset({Role.ACCOUNT_MANAGER}),
        scopes=(RowScope(ScopeKind.ASSIGNED, 7),),
        permissions=frozenset({"accounts.read"}),
        via="command",
        credential_id=3,
    )
    default = REGISTERED.actor_for_staff("Li Wei", 7, [Role.ACCOUNT_MANAGER], None, None)
    assert (default.via, default.credential_id) == ("session", None)


def test_a_write_without_the_permission_is_refused_by_name():
    manager = REGISTERED.actor_for_staff("Li Wei", 7, [Role.ACCOUNT_MANAGER], None, None)
    require(manager, "accounts.read")
    require(SYSTEM_ACTOR, "staff.manage")  # the platform holds every permission
    with pytest.raises(Refused) as refused:
        require(manager, "staff.manage")
    [problem] = refused.value.problems
    assert (problem.path, problem.code.value, problem.message) == (
        (),
        "FORBIDDEN",
        "you do not have the permission 'staff.manage'",
    )
    assert manager.can("accounts.read") and not manager.can("staff.manage") and SYSTEM_ACTOR.can("anything")
    assert not manager.sees_everything and SYSTEM_ACTOR.sees_everything
    assert not manager.is_director and SYSTEM_ACTOR.is_director


def test_two_plugins_cannot_register_one_permission(pm):
    from kamgraph import hookimpl
    from kamgraph.plugin_manager import PluginError, PluginManager

    class Twice:
        @hookimpl
        def register_permissions(self):
            return {"accounts.read": "a second meaning"}

    manager = PluginManager.from_names(())
    manager.register(Twice(), name="twice")
    with pytest.raises(PluginError) as refused:
        Permissions.from_plugins(manager)
    assert str(refused.value) == "permission 'accounts.read' is declared by both plugin 'core' and plugin 'twice'"
    assert Permissions.from_plugins(PluginManager.from_names(())).registered["accounts.read"].roles
