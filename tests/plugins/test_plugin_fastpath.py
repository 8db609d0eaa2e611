"""The fast path changes no answer for the plugins either: on the demo data of every bundled plugin, a query
that selects every field of every type the plugins add (their root lists, and their fields on the core's types)
runs on an app with the fast path and on one without, as several roles, masked and unmasked; the responses and
the audit records they leave compare. The queries are generated from the schema, so a new plugin type is covered
the day it is registered (test_every_plugin_type_is_walked fails otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from compare import run
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    build_schema,
    get_named_type,
    is_leaf_type,
)

from kamgraph.api import fastpath
from kamgraph.api.fastpath import FAST
from kamgraph.api.internals import declared_field
from kamgraph.app import create_app
from kamgraph.cli import seed_demo
from kamgraph.core.people.models import Person, StaffRole
from kamgraph.security.actors import SYSTEM_ACTOR, Role

CORE = build_schema((Path(__file__).parents[2] / "schema" / "core.graphql").read_text(encoding="utf-8"))
#: the core types whose lists carry the plugins' fields on them (Account.creditProfile, Contract.creditOverride...)
CORE_LISTS = {"Account": "accounts", "Contract": "contracts", "Person": "people"}
#: the callers the answers must agree for: all rows unmasked, one's own accounts, masked amounts, a team member
ROLES = (Role.KA_DIRECTOR, Role.ACCOUNT_MANAGER, Role.DATA_ANALYST, Role.SOLUTION_EXPERT)
PAGE = 4
#: required dates, as a window around the demo's two years (funnel(from:, to:))
WINDOW = {"from": '"2020-01-01"', "to": '"2035-12-31"'}
#: the test plugin's field that fails on purpose (tests/test_errors.py)
FAILS_ON_PURPOSE = {"explode"}


def arguments(field: Any) -> str | None:
    """The arguments to call ``field`` with: a short page, the first value of a required enum, a wide window of
    dates; None when it needs a value this walk cannot make up (an id: those rows are reached through lists)."""
    given = [f"first: {PAGE}"] if "first" in field.args else []
    for name, arg in field.args.items():
        if not isinstance(arg.type, GraphQLNonNull) or arg.default_value is not Undefined:
            continue
        inner = get_named_type(arg.type)
        if inner.name == "Date" and name in WINDOW:
            value = WINDOW[name]
        elif isinstance(inner, GraphQLEnumType):
            value = next(iter(inner.values))
        else:
            return None
        given.append(f"{name}: [{value}]" if isinstance(arg.type.of_type, GraphQLList) else f"{name}: {value}")
    return f"({', '.join(given)})" if given else ""


def planned(field: Any) -> bool:
    """A field the fast path computes itself: a field factory's, or a plain attribute (no resolver of its own)."""
    declared = declared_field(field)
    return declared is not None and (
        FAST in declared.metadata or (not declared.base_resolver and not declared.extensions)
    )


def selection(named: GraphQLNamedType, depth: int, walked: set[str], fast_only: bool = False) -> str:
    """Every field of ``named`` that needs no argument (only those the fast path plans, with ``fast_only``),
    objects ``depth`` levels down, lists as short pages."""
    if not isinstance(named, GraphQLObjectType):
        return "{ __typename }"
    walked.add(named.name)
    parts = []
    for name, field in named.fields.items():
        given = arguments(field)
        if given is None or (fast_only and not planned(field)):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name + given)
        elif depth > 0 or name in ("edges", "node", "pageInfo"):  # a connection's levels cost no depth
            below = selection(inner, depth - (name not in ("edges", "node")), walked, fast_only)
            parts.append(f"{name}{given} {below}")
    return "{ " + " ".join(parts) + " }"


def plugin_queries(schema: Any) -> tuple[list[str], set[str]]:
    """Two queries per plugin root field that this walk can call (every field; the fields the fast path plans),
    and one per core list with the plugins' fields on its type; and the names of the object types they walk."""
    walked: set[str] = set()
    queries = []
    for name, field in schema.query_type.fields.items():
        given = arguments(field)
        if name in CORE.query_type.fields or name in FAILS_ON_PURPOSE or given is None:
            continue
        inner = get_named_type(field.type)
        for fast_only in (False, True):  # everything (the ordinary path), then what the fast path plans
            body = "" if is_leaf_type(inner) else " " + selection(inner, 2, walked, fast_only)
            queries.append(f"{{ {name}{given}{body} }}")
    for type_name, list_name in CORE_LISTS.items():
        core_fields = CORE.type_map[type_name].fields
        added = {n: f for n, f in schema.type_map[type_name].fields.items() if n not in core_fields}
        parts = []
        for name, field in added.items():
            inner, given = get_named_type(field.type), arguments(field)
            if given is not None:
                parts.append(name + given if is_leaf_type(inner) else f"{name}{given} {selection(inner, 2, walked)}")
        if parts:
            queries.append(f"{{ {list_name}(first: 8) {{ edges {{ node {{ id {' '.join(parts)} }} }} }} }}")
    return queries, walked


@pytest.fixture(scope="module")
def apps(settings, every_pm) -> tuple[Any, Any]:
    roomy = settings.with_(max_tokens=100_000, max_cost=10_000_000, max_depth=20)
    return create_app(roomy, every_pm), create_app(roomy.with_(fast_path=False), every_pm)


def test_every_plugin_type_is_walked(apps):
    schema = apps[0].state.schema._schema
    _, walked = plugin_queries(schema)
    plugin_types = {
        name
        for name, named in schema.type_map.items()
        if isinstance(named, GraphQLObjectType) and name not in CORE.type_map and not name.startswith("__")
    }
    only_written = {name for name in plugin_types if name.endswith("Payload")}  # reached by mutations alone
    assert plugin_types - only_written - walked == set()


async def test_the_fast_path_answers_like_the_ordinary_one_for_every_plugin_type(
    apps, settings, every_pm, actor_switch, actor_for, clean, monkeypatch
):
    fast_app, slow_app = apps
    assert await seed_demo(settings, every_pm)
    actors = [SYSTEM_ACTOR]
    for role in ROLES:
        held = await StaffRole.filter(role=role).order_by("person_id").first()
        actors.append(actor_for(await Person.get(id=held.person_id), role))
    taken, connections = set(), fastpath.Resolver.connections

    async def spy(self, selection, *args, parent=None, **kwargs):
        if parent is None:  # a root list (nested ones pass their parents)
            taken.add(selection.name)
        return await connections(self, selection, *args, parent=parent, **kwargs)

    monkeypatch.setattr(fastpath.Resolver, "connections", spy)
    queries, _ = plugin_queries(fast_app.state.schema._schema)
    amounts = {}
    for query in queries:
        for actor in actors:
            fast, fast_audit = await run(fast_app, actor_switch, query, {}, actor)
            slow, slow_audit = await run(slow_app, actor_switch, query, {}, actor)
            assert "errors" not in fast, (actor.name, query, fast["errors"][:2])
            assert fast == slow, (actor.name, query)
            assert fast_audit == slow_audit, (actor.name, query)
            if query.startswith("{ opportunities("):
                amounts[actor.roles] = [edge["node"]["amount"] for edge in fast["data"]["opportunities"]["edges"]]
    # the plugins' declared lists really took the fast path, and the comparison covered masked and unmasked values
    schema = fast_app.state.schema._schema
    plugin_lists = {
        name
        for name, field in schema.query_type.fields.items()
        if name not in CORE.query_type.fields and get_named_type(field.type).name.endswith("Connection")
    }
    assert len(plugin_lists) > 10 and plugin_lists <= taken, plugin_lists - taken
    shown, masked = amounts[frozenset({Role.KA_DIRECTOR})], amounts[frozenset({Role.DATA_ANALYST})]
    assert shown and all(shown) and masked and not any(masked)
