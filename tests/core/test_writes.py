"""The write helpers every service uses, tested as themselves (issue 13: SQLite's serialised writers hid a
dropped version check, which only PostgreSQL's concurrency test caught)."""

import pytest
from factories import account

from kamgraph.core.accounts.models import Account
from kamgraph.errors import Code, Refused
from kamgraph.events import unit_of_work
from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.writes import MAX_TEXT, length_problems, save


async def test_save_compares_and_sets_the_version(pm, settings, clean):
    created = await account("Versioned")
    first, second = await Account.get(id=created.id), await Account.get(id=created.id)  # both read version 1
    async with unit_of_work(pm, SYSTEM_ACTOR, settings, {}):
        await save(first, {"name": "First writer"})
    with pytest.raises(Refused) as lost:
        async with unit_of_work(pm, SYSTEM_ACTOR, settings, {}):
            await save(second, {"name": "Second writer"})
    [problem] = lost.value.problems
    assert problem.code is Code.CONFLICT and problem.path == ("expected_version",)
    stored = await Account.get(id=created.id)
    assert (stored.name, stored.version) == ("First writer", 2)


def test_text_is_held_to_its_column():
    assert length_problems(Account, {"name": "x" * 200}) == []
    [problem] = length_problems(Account, {"name": "x" * 201})
    assert (problem.path, problem.code) == (("name",), Code.INVALID)
    assert length_problems(Account, {"version": 3, "unknown": "x" * 10**6}) == []
    assert MAX_TEXT == 20_000
