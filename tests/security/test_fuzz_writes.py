"""Generated mutations and queries (hypothesis-graphql), valid in shape and not (Mode.NEGATIVE), with extreme values for
every custom scalar, some of them sent through a named fragment, as three roles, on the suite's database
(SQLite, or PostgreSQL in CI): no INTERNAL, no 500, and a request answered with an error (top-level or a
user error) changes nothing (issue 13)."""

from __future__ import annotations

from functools import partial

import graphql
from factories import account, contact, contract, staff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries
from tortoise import Tortoise

from kamgraph import db
from kamgraph.db.models import VersionedModel
from kamgraph.db.sql import quote
from kamgraph.security.actors import Role

#: tables a refused request may still write: the throttle of a failed login, sessions, idempotency
#: records, the audit of what an error response did return, job bookkeeping
MAY_CHANGE = {"login_throttle", "session", "idempotency_record", "audit_record", "job_run", "job_lock"}


def _text(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


EXTREMES = {
    "Date": st.sampled_from(["2026-12-03", "0001-01-01", "9999-12-31", "2026-02-30", "", "x"]).map(_text),
    "DateTime": st.sampled_from(["2026-12-03T09:30:00+00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "x"]).map(
        _text
    ),
    "Decimal": st.sampled_from(
        ["1.00", "-1", "1e30", "1e-30", "NaN", "Infinity", "0.001", "99999999999999.99", "x"]
    ).map(_text),
    "JSON": st.just(_text("{}")),
}


def with_user_errors(document: str) -> str:
    """The same mutation, with ``userErrors { field code }`` selected on every payload (a generated selection
    may leave it out, and a refusal must be seen to be checked)."""
    parsed = graphql.parse(document)
    operation = parsed.definitions[0]
    extra = graphql.parse("{ userErrors { field code } }").definitions[0].selection_set.selections
    fields = []
    for field in operation.selection_set.selections:
        selections = tuple(field.selection_set.selections) if field.selection_set else ()
        fields.append(
            field.__class__(
                alias=field.alias,
                name=field.name,
                arguments=field.arguments,
                directives=field.directives,
                selection_set=graphql.SelectionSetNode(selections=selections + tuple(extra)),
            )
        )
    operation = operation.__class__(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=graphql.SelectionSetNode(selections=tuple(fields)),
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(operation,)))


def in_fragment(document: str) -> str:
    """The same operation with its root selections moved into a named fragment."""
    parsed = graphql.parse(document)
    operation = parsed.definitions[0]
    root = {"query": "Query", "mutation": "Mutation"}[operation.operation.value]
    fragment = graphql.parse(f"fragment Generated on {root} {{ __typename }}").definitions[0]
    fragment = fragment.__class__(
        name=fragment.name, type_condition=fragment.type_condition, selection_set=operation.selection_set
    )
    spread = graphql.parse("{ ...Generated }").definitions[0].selection_set
    operation = operation.__class__(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=spread,
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(operation, fragment)))


async def state() -> tuple:
    """Every table's row count and every versioned table's sum of versions, in one statement."""
    parts = []
    for app in Tortoise.apps.values():
        for model in app.values():
            table = model._meta.db_table
            if table in MAY_CHANGE or model._meta.abstract:
                continue
            version = "SUM(version)" if issubclass(model, VersionedModel) else "0"
            parts.append(f"SELECT '{table}' AS t, COUNT(*) AS n, {version} AS v FROM {quote(table)}")
    _, rows = await db.db().execute_query(" UNION ALL ".join(parts))
    return tuple(sorted((row[0], int(row[1]), int(row[2] or 0)) for row in rows))


def refused(body: dict) -> bool:
    if body.get("errors"):
        return True
    return any(isinstance(p, dict) and p.get("userErrors") for p in (body.get("data") or {}).values())


async def fuzz_roles(actor_for) -> dict:
    """A director, a manager with an account (a contract, a contact) and an analyst."""
    manager = await staff("Li Wei")
    customer = await account("Fuzzed", owner=manager)
    await contract(customer, "1000.00")
    await contact(customer, "Wang Fang")
    return {
        "director": actor_for(await staff("Boss", Role.KA_DIRECTOR), Role.KA_DIRECTOR),
        "manager": actor_for(manager, Role.ACCOUNT_MANAGER),
        "analyst": actor_for(await staff("Analyst", Role.DATA_ANALYST), Role.DATA_ANALYST),
    }


def drawn(strategy, root, roles: dict, per_field: int, shape=lambda document: document) -> list[tuple[str, str]]:
    """(role, document) pairs: every field of ``root`` drawn by name (so none is starved), with values of the
    right shape and, where a required argument can be violated, of the wrong one; half through a fragment."""
    names = sorted(n for n in root.fields if n != "explode")  # the test plugin's deliberate fault
    takes_input = {
        n for n, f in root.fields.items() if any(isinstance(a.type, graphql.GraphQLNonNull) for a in f.args.values())
    }
    examples = []

    def of(name: str, mode: Mode) -> st.SearchStrategy:
        return strategy(fields=[name], custom_scalars=EXTREMES, allow_x00=False, mode=mode)

    for name in names:  # each field drawn on its own, so none is starved whatever the others' strategies draw
        field = (
            st.one_of(of(name, Mode.POSITIVE), of(name, Mode.NEGATIVE))
            if name in takes_input
            else of(name, Mode.POSITIVE)
        )

        @settings(max_examples=per_field, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        @given(st.sampled_from(sorted(roles)), field, st.booleans())
        def generate(role, document, through_fragment):
            document = shape(document)
            examples.append((role, in_fragment(document) if through_fragment else document))

        generate()
    tried = {name for name in names if any(f" {name}" in document for _, document in examples)}
    assert len(tried) >= 0.8 * len(names), sorted(set(names) - tried)
    return examples


async def answered(client, actor, document: str) -> dict:
    """The body of one request as ``actor``: never a 500, never INTERNAL."""
    client.switch.actor = actor
    try:
        response = await client.http.post("/graphql", json={"query": document})
    finally:
        client.switch.actor = None
    assert response.status_code in (200, 400), (actor.name, document, response.text[:300])
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, (actor.name, document, body)
    return body


async def test_generated_mutations_never_fail_internally_and_a_refusal_changes_nothing(bundled, bundled_app, actor_for):
    roles = await fuzz_roles(actor_for)
    schema = bundled_app.state.schema._schema
    strategy = partial(mutations, schema)
    for role, document in drawn(strategy, schema.mutation_type, roles, 5, shape=with_user_errors):
        before = await state()
        body = await answered(bundled, roles[role], document)
        if refused(body):
            assert await state() == before, (role, document, body)


async def test_generated_queries_with_bad_arguments_never_fail_internally(bundled, bundled_app, actor_for):
    """Every root field, with arguments of the right shape (extreme values) and of the wrong one, some
    through a named fragment, as three roles: answered with a code, never INTERNAL."""
    roles = await fuzz_roles(actor_for)
    schema = bundled_app.state.schema._schema
    for role, document in drawn(partial(queries, schema), schema.query_type, roles, 4):
        await answered(bundled, roles[role], document)
