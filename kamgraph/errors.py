"""Expected failures as plain values, shared by rules, services and the GraphQL payloads.

Rules return ``Problem`` lists; services raise ``Refused`` to abandon a write; the API turns both into
``userErrors`` (API.md "Mutations and errors"). Nothing here imports GraphQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Code(str, Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    RULE_VIOLATION = "RULE_VIOLATION"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"  # login: wrong e-mail or password (never says which)
    THROTTLED = "THROTTLED"  # login: too many failures; retry later


@dataclass(frozen=True)
class Problem:
    """One reason a write was refused. ``path`` is the path into the mutation input, in Python names."""

    path: tuple[str | int, ...]
    code: Code
    message: str
    current_version: int | None = None


class Refused(Exception):
    """Abandon the current write: its transaction rolls back and the problems become ``userErrors``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise Refused(problems)


def invalid(path: tuple[str | int, ...], message: str) -> Problem:
    return Problem(path, Code.INVALID, message)
