"""``described_enum``: a Python enum as a GraphQL enum whose every value says what it means.

The models' enums stay plain ``str`` enums (tortoise stores them); the meaning of each value lives beside
the GraphQL enum, where clients read it (the Docs pane, generated clients).
"""

from __future__ import annotations

from enum import Enum

import strawberry

from kamgraph.api.internals import describe_enum_values


def described_enum(cls: type[Enum], description: str, values: dict[str, str], *, name: str | None = None) -> type:
    """``strawberry.enum(cls)`` with a description for the enum and for each of its values; a value left
    out, or one the enum does not have, is an error where the enum is declared."""
    members = [member.name for member in cls]
    if sorted(values) != sorted(members):
        left_out, unknown = sorted(set(members) - set(values)), sorted(set(values) - set(members))
        raise ValueError(f"{cls.__name__}: describe every value once (left out: {left_out}, unknown: {unknown})")
    wrapped = strawberry.enum(cls, name=name or cls.__name__, description=description)
    describe_enum_values(wrapped, values)
    return wrapped
