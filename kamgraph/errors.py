"""Expected failures as plain values, shared by rules, services and the GraphQL payloads.

Rules return ``Problem`` lists; services raise ``Refused`` to abandon a write; the API turns both into
``userErrors`` (API.md "Mutations and errors"). Nothing here imports GraphQL.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def refuse_if(problems: Iterable[Problem | None]) -> None:
    """Refuse the write with every problem found; the checks that found none return None, which is skipped
    (``refuse_if([text_problem(...), money_problem(...)])``)."""
    found = [problem for problem in problems if problem is not None]
    if found:
        raise Refused(found)


def invalid(path: tuple[str | int, ...], message: str) -> Problem:
    """The value at ``path`` is not acceptable (INVALID)."""
    return Problem(path, Code.INVALID, message)


def violation(path: tuple[str | int, ...], message: str) -> Problem:
    """A business rule refuses the write, because of the value or object at ``path`` (RULE_VIOLATION)."""
    return Problem(path, Code.RULE_VIOLATION, message)
