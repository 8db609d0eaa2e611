"""Finding the people a write names: a member of staff (an owner, a team member, a target's person) or a
customer's contact at a given account. Each answers with the person, or adds the reason to ``problems``."""

from __future__ import annotations

from typing import Any

from kamgraph.core.people.models import Person, PersonKind
from kamgraph.errors import Code, Problem
from kamgraph.security.actors import Actor
from kamgraph.writes import find_or_problem


async def find_staff(actor: Actor, global_id: str, path: tuple[str | int, ...], problems: list[Problem]) -> Any:
    """The live member of staff behind ``global_id``, or None with the reason added to ``problems``:
    unknown, archived, or a customer's contact."""
    person = await find_or_problem(actor, Person, global_id, path, live=True)
    if isinstance(person, Problem):
        problems.append(person)
        return None
    if person.kind is not PersonKind.STAFF:
        problems.append(Problem(path, Code.INVALID, f"{person.name} is a customer's contact, not a member of staff"))
        return None
    return person


async def find_contact(
    actor: Actor, global_id: str, account_id: int, path: tuple[str | int, ...], problems: list[Problem]
) -> Any:
    """The live contact behind ``global_id`` who works for the account ``account_id`` (the person met on a
    visit, a decision maker), or None with the reason added to ``problems``: unknown or outside the caller's
    scope, archived, a member of staff, or a contact of another account."""
    person = await find_or_problem(actor, Person, global_id, path, live=True)
    if isinstance(person, Problem):
        problems.append(person)
        return None
    if person.kind is not PersonKind.CONTACT:
        problems.append(Problem(path, Code.INVALID, f"{person.name} is a member of staff, not a customer's contact"))
        return None
    if person.account_id != account_id:
        problems.append(Problem(path, Code.INVALID, f"{person.name} is a contact of another account"))
        return None
    return person
