"""The role matrix over every type the bundled plugins register: on the demo data, each role reads, through
`node`/`nodes` and through every plugin list, exactly the rows of the accounts it sees in `accounts` (the
core's matrix, tests/security/test_role_matrix.py, holds that list to DOMAIN.md section 1), only with the
type's read permission; a person's own rows (sales targets) only their own, unless they may read everyone's.

By id, the expected sets come from the tables and the permission table, not from the scoped accessor under
test; for lists, from the director's list (which sees every row) filtered by the role's accounts, its person
and its permissions. The types are read from the schema: a new plugin type is in the matrix the day it is
registered."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_named_type

from kamgraph.cli import seed_demo
from kamgraph.core.people.models import Person, StaffRole
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Actor, Role, RowScope, ScopeKind

CORE_APPS = {"core"}
SAMPLE = 60  # rows per type asked by id, spread over the table
BATCH = 30  # ids per nodes(ids:) call


async def every_id(client: Any, actor: Any, list_name: str, fields: str) -> list[dict]:
    """Every node of a root list, page by page."""
    found, after = [], None
    for _ in range(1000):  # bounded: a broken cursor fails the test instead of walking for ever
        page = (
            await client(
                f"query($after: String) {{ {list_name}(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} "
                f"edges {{ node {{ id {fields} }} }} }} }}",
                {"after": after},
                actor=actor,
            )
        )[list_name]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]
    raise AssertionError(f"{list_name}: more than 1,000 pages, the cursor does not advance")


def account_column(model: Any) -> str:
    """The query path from a row to its account's id (``account_id``, ``contract__account_id``)."""
    *hops, last = model.scope_via
    return "__".join([*hops, f"{last}_id"])


@pytest.fixture
async def matrix(bundled, settings, every_pm, actor_for):
    """The demo, one actor per role, and the accounts each sees through the core's own list."""
    assert await seed_demo(settings, every_pm)
    actors = {}
    for role in Role:
        if role is Role.INTEGRATION:  # an API key sees what its scopes grant; this one was granted nothing
            actors[role] = Actor(
                name="api key", roles=frozenset({role}), scopes=(RowScope(ScopeKind.ALL),), via="api_key"
            )
            continue
        held = await StaffRole.filter(role=role).order_by("person_id").first()
        actors[role] = actor_for(await Person.get(id=held.person_id), role)
    seen = {}
    for role, actor in actors.items():
        accounts = await every_id(bundled, actor, "accounts", "") if actor.can("accounts.read") else []
        seen[role] = {account["id"] for account in accounts}
    assert 0 < len(seen[Role.ACCOUNT_MANAGER]) < len(seen[Role.KA_DIRECTOR])  # the matrix has something to tell
    return actors, seen


async def test_every_plugin_node_type_by_id_as_every_role(bundled, bundled_app, matrix):
    actors, seen = matrix
    models = {
        name: model
        for name, model in bundled_app.state.schema.node_models.items()
        if model._meta.app not in CORE_APPS and model._meta.app != "testplugin"
    }
    assert {"Opportunity", "CreditAssessment", "ContingencyTask", "StageChange", "SalesTarget"} <= set(models)
    for name, model in models.items():
        if model.owned_by:
            owner, _everyone = model.owned_by
            rows = await model.all().order_by("id").values_list("id", f"{owner}_id")
        else:
            rows = await model.all().order_by("id").values_list("id", account_column(model))
        assert rows, f"the demo has no {name}: the matrix would prove nothing"
        sample = rows[:: max(1, len(rows) // SAMPLE)]
        for role, actor in actors.items():
            if model.owned_by:
                everyone = actor.can(model.owned_by[1])
                expected = {pk for pk, person in sample if everyone or person == actor.person_id}
            else:
                expected = {pk for pk, account in sample if to_global_id("Account", account) in seen[role]}
            if not actor.can(model.read_permission):
                expected = set()
            visible = set()
            for start in range(0, len(sample), BATCH):
                ids = [to_global_id(name, pk) for pk, _ in sample[start : start + BATCH]]
                nodes = (await bundled("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, actor=actor))[
                    "nodes"
                ]
                visible |= {pk for (pk, _), node in zip(sample[start : start + BATCH], nodes, strict=True) if node}
            assert visible == expected, (name, role.value, sorted(visible ^ expected)[:5])


async def test_every_plugin_list_as_every_role(bundled, bundled_app, matrix):
    actors, seen = matrix
    schema, models = bundled_app.state.schema._schema, bundled_app.state.schema.node_models
    core_lists = {"accounts", "contracts", "people", "tierReviews", "auditLog", "apiKeys", "webhooks"}
    lists = {
        name: get_named_type(get_named_type(field.type).fields["edges"].type).fields["node"].type
        for name, field in schema.query_type.fields.items()
        if get_named_type(field.type).name.endswith("Connection") and name not in core_lists
    }
    walked = 0
    for list_name, node_type in lists.items():
        node_fields = get_named_type(node_type).fields
        model = models.get(get_named_type(node_type).name)
        if model is None or model._meta.app in CORE_APPS or model._meta.app == "testplugin":
            continue
        # whose a row is: its account's (row scope), or its person's (a person's own rows)
        owner = model.owned_by[0] if model.owned_by else "account"
        assert owner in node_fields, (list_name, owner)
        every = {
            row["id"]: row[owner]
            for row in await every_id(bundled, actors[Role.KA_DIRECTOR], list_name, f"{owner} {{ id }}")
        }
        for role, actor in actors.items():
            rows = await every_id(bundled, actor, list_name, f"{owner} {{ id }}")
            if model.owned_by:
                mine = {
                    pk
                    for pk, person in every.items()
                    if actor.can(model.owned_by[1])
                    or (person and person["id"] == to_global_id("Person", actor.person_id))
                }
            else:  # the rows of the role's accounts that the director's list has, no more and no fewer
                mine = {pk for pk, account in every.items() if account and account["id"] in seen[role]}
            expected = mine if actor.can(model.read_permission) else set()
            assert {row["id"] for row in rows} == expected, (list_name, role.value)
        walked += 1
    assert walked >= 12 and "salesTargets" in lists
