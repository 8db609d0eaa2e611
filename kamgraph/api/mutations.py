"""Mutations: declared once, and the one way a mutation writes (API.md "Mutations and errors").

``@mutation(permission=..., returns={...})`` on ``async def verb_noun(unit, input)`` declares
``verbNoun(input: VerbNounInput!): VerbNounPayload!``: the payload with ``userErrors``, the permission
(checked before anything runs, registered or start-up refuses it, and named in the field's description),
and the unit of work in which the function's writes are audited and its events emitted.

``write(info, Payload, action)`` runs ``action`` in one write transaction. If the action raises
``Refused`` (or the database refuses a constraint) the transaction rolls back and the payload carries
``userErrors`` only: a payload with user errors changed nothing. Events reach ``on_event`` after commit.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Any

import strawberry
from graphql import Undefined
from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case
from tortoise.exceptions import IntegrityError, ValidationError

from kamgraph.api.context import Context
from kamgraph.api.enums import described_enum
from kamgraph.api.errors import RequestError, UserError, user_error
from kamgraph.errors import Code, Problem, Refused, invalid
from kamgraph.events import UnitOfWork, unit_of_work
from kamgraph.security.permissions import require
from kamgraph.writes import upsert_each

#: the field metadata under which a declared mutation keeps its permission (None: any caller, e.g. login)
PERMISSION = "kamgraph.permission"


def mutation(
    *,
    permission: str | tuple[str, ...] | None,
    returns: dict[str, Any],
    description: str | None = None,
    payload_description: str = "",
) -> Callable[[Callable[..., Awaitable[dict[str, Any]]]], StrawberryField]:
    """Declare ``verbNoun(input: VerbNounInput!): VerbNounPayload!`` from ``async def verb_noun(unit, input)``.

    The function runs in one unit of work (``write``) and returns the payload's objects, ``returns`` names
    their fields and types, and ``permission`` (a registered name, or None for a mutation open to any
    caller) is checked first. Its input is the ``input`` parameter's annotation, named ``VerbNounInput``;
    a parameter named ``info`` receives the request's ``Info``. Its docstring is the field's description.
    """

    def declare(action: Callable[..., Awaitable[dict[str, Any]]]) -> StrawberryField:
        name = to_camel_case(action.__name__)
        payload = payload_type(name[0].upper() + name[1:], payload_description, **returns)
        input_type = typing.get_type_hints(action)["input"]
        wants_info = "info" in inspect.signature(action).parameters

        async def resolve(info: Info, input: Any = None) -> Any:  # None only where the input is optional
            extra = {"info": info} if wants_info else {}
            return await write(info, payload, lambda unit: action(unit, input, **extra))

        if type(None) not in typing.get_args(input_type):  # a required input has no default
            resolve.__defaults__ = None

        resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload}
        return mutation_field(resolve, name, permission, description or inspect.getdoc(action) or "")

    return declare


def naming_problem(name: str, arguments: dict[str, str], returns: str, input_optional: bool = False) -> str | None:
    """What breaks API.md's rule for a mutation, from GraphQL names: ``verbNoun(input: VerbNounInput!):
    VerbNounPayload!``. A mutation without arguments (``logout``) takes no input; an input whose fields
    are all optional may be optional itself. None when the mutation follows the rule."""
    stem = name[:1].upper() + name[1:]
    if not name[:1].islower() or not name.isalnum():
        return f"{name} is not a camelCase verbNoun"
    if arguments and set(arguments) != {"input"}:
        return f"{name} takes {', '.join(sorted(arguments))}: a mutation takes one argument, input: {stem}Input!"
    given = arguments.get("input")
    if given is not None and given.rstrip("!") != f"{stem}Input":
        return f"{name} takes input: {given}; it should be {stem}Input!"
    if given is not None and not given.endswith("!") and not input_optional:
        return f"{name} takes an optional input, {given}, that has required fields; make it {given}!"
    if returns != f"{stem}Payload!":
        return f"{name} returns {returns}; it should return {stem}Payload!"
    return None


def field_naming_problem(name: str, field: Any) -> str | None:
    """``naming_problem`` of a built mutation field (graphql-core's ``GraphQLField``: the schema being started,
    or one read from committed SDL): its arguments, its payload, and whether its input may be optional."""
    given = field.args.get("input")
    fields = getattr(getattr(given.type, "of_type", given.type), "fields", {}) if given is not None else {}
    optional = given is not None and all(
        not str(f.type).endswith("!") or f.default_value is not Undefined for f in fields.values()
    )
    arguments = {arg: str(value.type) for arg, value in field.args.items()}
    return naming_problem(name, arguments, str(field.type), optional)


def mutation_field(
    resolve: Callable[..., Awaitable[Any]], name: str, permission: str | tuple[str, ...] | None, description: str
) -> Any:
    """A mutation field around ``resolve`` (whose return annotation is its payload): named ``name``, refused
    with a FORBIDDEN user error before ``resolve`` runs unless the caller holds ``permission``, and described
    with the permission it needs. ``mutation`` uses it; so do mutations with a resolver of their own."""
    hints = typing.get_type_hints(resolve)  # the resolver's module may postpone its annotations
    payload = hints["return"]

    anyof = (permission,) if isinstance(permission, str) else tuple(permission or ())

    async def guarded(*args: Any, **kwargs: Any) -> Any:
        actor = kwargs["info"].context.actor
        if anyof and not any(actor is not None and actor.can(p) for p in anyof):
            names = " or ".join(repr(p) for p in anyof)
            problem = Problem((), Code.FORBIDDEN, f"you do not have the permission {names}")
            return payload(user_errors=[user_error(problem)])
        return await resolve(*args, **kwargs)

    signature = inspect.signature(resolve)
    guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]  # strawberry reads the arguments here
        parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()],
        return_annotation=payload,
    )
    guarded.__annotations__ = hints
    if len(anyof) > 1:
        needs = f"Requires one of the permissions {', '.join(f'`{p}`' for p in anyof)}."
    else:
        needs = f"Requires the permission `{anyof[0]}`." if anyof else "Open to every caller."
    return strawberry.mutation(
        resolver=guarded, name=name, description=f"{description.strip()} {needs}".strip(), metadata={PERMISSION: anyof}
    )


def payload_type(name: str, description: str = "", **fields: Any) -> type:
    """``<name>Payload`` with the given optional object fields and ``userErrors``."""
    annotations = {field: typ | None for field, typ in fields.items()}
    annotations["user_errors"] = list[UserError]
    namespace: dict[str, Any] = {"__annotations__": annotations, **{field: None for field in fields}}
    namespace["user_errors"] = strawberry.field(default_factory=list)
    cls = type(f"{name}Payload", (), namespace)
    return strawberry.type(cls, description=description or f"The result of {name[0].lower()}{name[1:]}.")


async def write(
    info: Info, payload: type, action: Callable[[UnitOfWork], Awaitable[dict[str, Any]]], permission: str | None = None
) -> Any:
    """Run ``action`` in one write transaction, after checking ``permission`` (FORBIDDEN without it)."""
    ctx: Context = info.context
    try:
        if permission:
            require(ctx.actor, permission)
        async with unit_of_work(
            ctx.pm,
            ctx.actor,
            ctx.settings,
            ctx.event_types,
            ctx.request_id,
            info.operation.name.value if info.operation.name else None,
        ) as unit:
            result = await action(unit)
    except Refused as refused:
        return payload(user_errors=[user_error(p) for p in refused.problems])
    except ValidationError as exc:  # a value a column's validator refused, wherever the service used it
        return payload(user_errors=[user_error(validation_problem(exc))])
    except IntegrityError as exc:
        problem = Problem(
            (), Code.CONFLICT, f"the write collided with existing data ({_constraint(exc)}); nothing was changed"
        )
        return payload(user_errors=[user_error(problem)])
    ctx.loaders.clear()  # rows cached before the write are stale now
    return payload(user_errors=[], **result)


def validation_problem(exc: ValidationError) -> Problem:
    """tortoise's ``ValidationError`` ("title: Length of ... > 200") as an INVALID problem at the field."""
    field, _, message = str(exc).partition(": ")
    if not message or " " in field:
        field, message = "", str(exc)
    shortened = message if len(message) < 200 else message[:80] + "..." + message[-40:]
    return Problem((field,) if field else (), Code.INVALID, shortened)


MAX_UPSERT = 500


class UpsertStatus(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    FAILED = "FAILED"


described_enum(
    UpsertStatus,
    "What a bulk upsert did with one record.",
    {
        "CREATED": "No row had its (source, externalId): one was created.",
        "UPDATED": "The row with its (source, externalId) was brought up to date (its version went up).",
        "UNCHANGED": "The row with its (source, externalId) already matched the record: nothing was written.",
        "FAILED": "The record was refused (see its userErrors) and changed nothing; the other records still apply.",
    },
)


@strawberry.type(description="How many records of a bulk upsert ended each way.")
class UpsertCounts:
    created: int = strawberry.field(description="Records that created a row.")
    updated: int = strawberry.field(description="Records that updated a row.")
    unchanged: int = strawberry.field(description="Records that matched their row already.")
    failed: int = strawberry.field(description="Records refused, each with its userErrors.")


def upsert_payload_type(noun: str, field: str, node_type: type, plural: str | None = None) -> type:
    """``Upsert<plural>Payload`` (plural defaults to noun + s): one ``<Noun>UpsertResult`` per record (``field`` holds the row), and counts."""
    result = strawberry.type(
        type(
            f"{noun}UpsertResult",
            (),
            {
                "__annotations__": {
                    "index": int,
                    "external_id": str,
                    "status": UpsertStatus,
                    field: node_type | None,
                    "user_errors": list[UserError],
                },
                "index": strawberry.field(description="The record's position in the input list, from 0."),
                "status": strawberry.field(description="What was done with the record."),
                field: strawberry.field(
                    description=f"The {noun[0].lower()}{noun[1:]} as the record left it; null when it failed."
                ),
            },
        ),
        description="The outcome of one record: a failed record changed nothing.",
    )

    def counts(self: Any) -> UpsertCounts:
        return UpsertCounts(**{s.value.lower(): sum(r.status is s for r in self.results) for s in UpsertStatus})

    payload = type(
        f"Upsert{plural or noun + 's'}Payload",
        (),
        {
            "__annotations__": {"results": list[result], "user_errors": list[UserError]},
            "results": strawberry.field(default_factory=list),
            "user_errors": strawberry.field(default_factory=list),
            "counts": strawberry.field(resolver=counts, description="How many records ended each way."),
        },
    )
    payload = strawberry.type(
        payload, description="Per-record results; the good records were applied, the bad ones reported."
    )
    payload.result_type, payload.row_field = result, field
    return payload


async def bulk_upsert(
    info: Info,
    payload: type,
    source: str,
    records: Sequence[Any],
    path: str,
    apply: Callable[[UnitOfWork, str, Any], Awaitable[tuple[str, Any]]],
) -> Any:
    """Upsert up to ``MAX_UPSERT`` records from ``source`` in one transaction, each in a savepoint of its own:
    ``apply(unit, source, record)`` returns the outcome and the row; a record it refuses is rolled back whole.
    Its mutation's declaration (``mutation_field``) checks the permission."""
    if len(records) > MAX_UPSERT:
        raise RequestError(
            f"a bulk upsert takes at most {MAX_UPSERT} records a call", code="LIMIT_EXCEEDED", limit=MAX_UPSERT
        )
    source = source.strip()

    async def action(unit: UnitOfWork) -> dict[str, Any]:
        if not source:
            raise Refused([invalid(("source",), "a source names the system the external ids come from")])
        results = await upsert_each(unit, list(records), lambda record: apply(unit, source, record), path)
        return {
            "results": [
                payload.result_type(
                    index=r.index,
                    external_id=r.external_id,
                    status=UpsertStatus(r.status),
                    user_errors=[user_error(p) for p in r.problems],
                    **{payload.row_field: r.row},
                )
                for r in results
            ]
        }

    return await write(info, payload, action)


def _constraint(exc: IntegrityError) -> str:
    return str(exc).splitlines()[0][:200]
