"""Descriptions of what API.md's conventions fix, given once here for every type that follows them.

Lists are connections (``first``/``after``/``last``/``before``, ``filter``, ``orderBy``, edges, cursors and
``pageInfo``), filters have the same operators, orders the same two fields, mutations take ``input`` and
answer a payload with ``userErrors``, objects have a global ``id``, a ``version`` and timestamps. A name
that follows a convention means the same everywhere, so it is described here, where the convention is,
rather than in each of the dozens of places it appears. Whatever a plugin describes itself is kept.

``describe(schema)`` runs once, on the built schema (``build_schema``); ``missing(schema)`` lists what is
still undescribed (``tests/test_schema_documented.py`` requires nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
)

ARGUMENTS = {
    "first": "Return the first n items (at most the server's page size limit, 100 by default; 20 when neither "
    "first nor last is given).",
    "after": "Return the items after this cursor (an edge's cursor, or pageInfo.endCursor).",
    "last": "Return the last n items (at most the server's page size limit).",
    "before": "Return the items before this cursor (an edge's cursor, or pageInfo.startCursor).",
    "filter": "Only the items that meet these conditions.",
    "orderBy": "The order of the items, by one field after another; by id when omitted. Each field can be "
    "ascending or descending.",
    "includeArchived": "Include archived items too (they are left out by default).",
    "groupBy": "The keys to group by, in this order; one group per combination of values that occurs.",
    "input": "The mutation's arguments.",
    "id": "The global id of the object.",
    "ids": "Global ids; the answer has one entry per id, in the same order, null where none can be read.",
}

FILTER_OPERATORS = {
    "eq": "Equal to this value.",
    "neq": "Not equal to this value.",
    "in": "Equal to one of these values.",
    "notIn": "Equal to none of these values.",
    "lt": "Less than this value.",
    "lte": "Less than or equal to this value.",
    "gt": "Greater than this value.",
    "gte": "Greater than or equal to this value.",
    "isNull": "True: only where there is no value; false: only where there is one.",
    "contains": "Contains this text (case-insensitive).",
    "startsWith": "Starts with this text (case-insensitive).",
    "and": "All of these conditions hold.",
    "or": "At least one of these conditions holds.",
    "not": "This condition does not hold.",
}

FIELDS = {
    "id": "The global id: opaque, stable, accepted by node(id:) and by every argument that names this object.",
    "version": "Incremented by each change; send it as expectedVersion to refuse a change made meanwhile.",
    "expectedVersion": "The version you read: when the object changed since, nothing is changed and the "
    "answer is a CONFLICT user error with the current version.",
    "externalId": "The record's id in the source system; with source, unique, so a sync can create or update by it.",
    "source": "The system the record comes from (e.g. an ERP), with externalId.",
    "createdAt": "When it was created.",
    "updatedAt": "When it last changed.",
    "archivedAt": "When it was archived; null while it is current.",
    "userErrors": "Why nothing was changed: empty when the mutation succeeded.",
    "edges": "The items of this page, each with its cursor.",
    "pageInfo": "Where this page is in the whole list, and the cursors to go on.",
    "cursor": "The cursor of this item: pass it as after (or before) to continue from here.",
    "node": "The item.",
    "hasNextPage": "Whether there are items after this page.",
    "hasPreviousPage": "Whether there are items before this page.",
    "startCursor": "The cursor of the first item of this page.",
    "endCursor": "The cursor of the last item of this page.",
    "direction": "Ascending or descending.",
}


def _words(name: str) -> str:
    """``industryCode`` / ``INDUSTRY_CODE`` -> ``industry code``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced.lower().strip()


def _plural(words: str) -> str:
    """``opportunity`` -> ``opportunities``, ``sales target`` -> ``sales targets``, ``status`` -> ``statuses``."""
    if words.endswith("y") and words[-2:-1] not in ("a", "e", "o", "u"):
        return words[:-1] + "ies"
    if words.endswith(("s", "x", "ch", "sh")):
        return words + "es"
    return words + "s"


def _type_description(named: GraphQLNamedType) -> str | None:
    name = named.name
    for suffix, text in (
        ("Connection", "A page of {}, with keyset cursors."),
        ("Edge", "A {} of a page, with its cursor."),
        ("Filter", "Conditions on {}; all given conditions must hold."),
        ("OrderField", "The fields {} can be ordered by."),
        ("Order", "One field to order {} by, and its direction."),
        ("Payload", "The result of {}: what changed, or userErrors and nothing changed."),
        ("Input", "The arguments of {}."),
    ):
        if name.endswith(suffix) and name != suffix:
            subject = name[: -len(suffix)]
            if suffix in ("Payload", "Input"):
                subject = subject[0].lower() + subject[1:]
                return text.format(subject)
            words = _words(subject)
            return text.format(words if suffix == "Edge" else _plural(words))
    return {
        "PageInfo": "Where a page is in the whole list, and the cursors to go on.",
        "OrderDirection": "Ascending (smallest first) or descending.",
        "Query": "Everything that can be read; each list and object within the caller's row scope and permissions.",
        "Mutation": "Every change; each answers userErrors for what it refused, and a refused mutation changes nothing.",
        "Subscription": "Live events over WebSocket (graphql-transport-ws or graphql-ws).",
    }.get(name)


def _field_description(owner: GraphQLNamedType, name: str) -> str | None:
    if owner.name.endswith("Filter") and name in FILTER_OPERATORS:
        return FILTER_OPERATORS[name]
    if owner.name.endswith("Filter"):
        return f"Conditions on the {_words(name)}."
    if owner.name.endswith("Order") and name == "field":
        return "The field to order by."
    if owner.name.endswith("Payload") and name != "userErrors" and name not in FIELDS:
        return f"The {_words(name)} as the mutation left it; null when userErrors is not empty."
    return FIELDS.get(name)


def _enum_value_description(enum: GraphQLEnumType, name: str) -> str | None:
    if enum.name.endswith("OrderField"):
        return f"By {_words(name)}."
    if enum.name == "OrderDirection":
        return {"ASC": "Smallest, earliest or A first.", "DESC": "Largest, latest or Z first."}.get(name)
    return None


def describe(schema: GraphQLSchema) -> None:
    """Fill in the conventional descriptions that nothing more specific has given."""
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        named.description = named.description or _type_description(named)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field in named.fields.items():
                field.description = field.description or _field_description(named, name)
                for argument_name, argument in getattr(field, "args", {}).items():
                    argument.description = argument.description or ARGUMENTS.get(argument_name)
        elif isinstance(named, GraphQLEnumType):
            for name, value in named.values.items():
                value.description = value.description or _enum_value_description(named, name)


def missing(schema: GraphQLSchema) -> Iterator[str]:
    """Every type, field, argument, input field and enum value without a description, as ``Type.field(arg)``."""
    for named in schema.type_map.values():
        if named.name.startswith("__") or named.name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not named.description:
            yield named.name
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field in named.fields.items():
                if not field.description:
                    yield f"{named.name}.{name}"
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        yield f"{named.name}.{name}({argument_name})"
        elif isinstance(named, GraphQLEnumType):
            yield from (f"{named.name}.{name}" for name, value in named.values.items() if not value.description)


__all__ = ["describe", "missing"]
