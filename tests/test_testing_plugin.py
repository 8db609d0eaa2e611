"""kamgraph.testing, as a third party uses it: a plugin's own suite, with no conftest, run by pytest in a
process of its own against the test plugin (kam_testplugin), on the database this suite runs on."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import _SITE

SUITE = '''
ADD = """mutation($id: ID!) { addAccountNote(input: {accountId: $id, text: "Met the CIO"}) {
  note { text } userErrors { code } } }"""


async def test_a_manager_adds_a_note_and_its_event_is_delivered(graphql, as_role, factories, events):
    manager = await as_role("ACCOUNT_MANAGER")
    customer = await factories.account(owner=manager.person)
    added = await graphql(ADD, {"id": customer.node_id}, actor=manager.actor)
    assert added["addAccountNote"] == {"note": {"text": "Met the CIO"}, "userErrors": []}
    assert [e.type for e in events] == ["note.added"]


async def test_each_test_starts_on_an_empty_database(graphql):
    assert (await graphql("{ accountNotes { totalCount } }"))["accountNotes"]["totalCount"] == 0


async def test_a_role_without_the_permission_is_refused(graphql, as_role, factories):
    analyst = await as_role("DATA_ANALYST")
    customer = await factories.account()
    refused = await graphql(ADD, {"id": customer.node_id}, actor=analyst.actor)
    assert refused["addAccountNote"]["userErrors"] == [{"code": "FORBIDDEN"}]


async def test_a_job_runs_on_demand(run_job, graphql):
    run = await run_job("kam_testplugin.tally_notes")
    assert run.status == "succeeded" and run.summary
'''

INI = """[pytest]
kamgraph_plugins = kam_testplugin
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
"""


@pytest.mark.slow
def test_a_plugins_suite_needs_no_conftest(tmp_path: Path):
    (tmp_path / "pytest.ini").write_text(INI)
    (tmp_path / "test_notes.py").write_text(textwrap.dedent(SUITE))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(_SITE), str(Path(__file__).parent)]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 passed" in done.stdout


def test_the_sqlite_template_is_named_by_the_migrations_it_holds(pm, tmp_path, monkeypatch):
    """A session copies a migrated database instead of migrating; a changed or new migration names another."""
    import kamgraph.db
    from kamgraph.testing import sqlite_template

    folder = tmp_path / "fake_migrations"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "0001_initial.py").write_text("# one")
    monkeypatch.syspath_prepend(tmp_path)
    monkeypatch.setattr(kamgraph.db, "apps_config", lambda pm: {"fake": {"migrations": "fake_migrations"}})
    first = sqlite_template(pm)
    assert sqlite_template(pm) == first
    (folder / "0002_more.py").write_text("# two")
    second = sqlite_template(pm)
    (folder / "0002_more.py").write_text("# two, changed")
    assert len({first, second, sqlite_template(pm)}) == 3
