"""`kamgraph new-plugin`: what it writes is examples/tickets (the guide's plugin), and what it writes installs,
passes its own tests on kamgraph.testing, starts, and answers on a live server."""

import ast
import io
import os
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import httpx
import pytest
from live_server import demo_server, login

from kamgraph.cli import main
from kamgraph.scaffold import ScaffoldError, latest_core_migration, names, new_plugin, render

EXAMPLE = Path(__file__).parent.parent / "examples" / "tickets"


def test_the_guides_example_is_exactly_what_the_scaffold_writes():
    tracked = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "."], cwd=EXAMPLE, capture_output=True, text=True, check=True
    ).stdout.split()  # what is in the repository, not what running its tests or pip leaves beside it
    on_disk = {name: (EXAMPLE / name).read_text(encoding="utf-8") for name in tracked}
    assert on_disk == render("tickets"), (
        "examples/tickets differs from `kamgraph new-plugin tickets`: after changing the templates (or adding a core "
        "migration), run `make examples`"
    )


SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def lines_of_code(path: Path) -> int:
    """Lines holding code: blank lines, comments and docstrings not counted."""
    source = path.read_text(encoding="utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    code = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in SKIPPED:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstrings)


def test_the_example_stays_short():
    plugin = sum(lines_of_code(path) for path in (EXAMPLE / "kam_tickets").glob("*.py"))
    tests = sum(lines_of_code(path) for path in (EXAMPLE / "tests").glob("*.py"))
    assert plugin < 150 and tests < 60, (plugin, tests)


def test_names_follow_the_plugin_and_model():
    assert names("field_visits") | {"core_migration": "", "kamgraph_version": ""} == {
        "plugin": "field_visits",
        "package": "kam_field_visits",
        "Model": "FieldVisit",
        "model": "field_visit",
        "modelCamel": "fieldVisit",
        "models": "field_visits",
        "listName": "fieldVisits",
        "MODELS": "FIELD_VISITS",
        "words": "field visit",
        "many": "field visits",
        "core_migration": "",
        "kamgraph_version": "",
    }
    assert names("service", "Case")["listName"] == "cases"
    assert names("partners")["Model"] == "Partner" and names("opportunity")["many"] == "opportunities"
    assert names("boxes")["Model"] == "Box" and names("classes")["models"] == "classes"
    assert names("logs", "HTTPLog")["model"] == "http_log"


@pytest.mark.parametrize(
    ("plugin", "model", "why"),
    [
        ("Tickets", None, "not a plugin name"),
        ("2fa", None, "not a plugin name"),
        ("tick-ets", None, "not a plugin name"),
        ("x", "case", "not a model name"),
        ("status", None, "cannot tell the singular"),  # not "Statu": ask for --model
        ("news", None, "cannot tell the singular"),
        ("jobs", None, "kamgraph.plugin already has"),  # a model named Job would hide kamgraph's Job
        ("accounts", None, "kamgraph.plugin already has"),
        ("risk", None, "already installed"),
    ],
)
def test_a_name_it_cannot_use_is_refused(plugin, model, why):
    with pytest.raises(ScaffoldError, match=why):
        names(plugin, model)


def test_it_never_writes_over_a_folder(tmp_path, capsys):
    (tmp_path / "tickets").mkdir()
    with pytest.raises(ScaffoldError, match="already exists"):
        new_plugin("tickets", tmp_path / "tickets")
    assert main(["new-plugin", "tickets", "--directory", str(tmp_path / "tickets")]) == 2
    assert "already exists; choose another folder (nothing was written)" in capsys.readouterr().err
    assert list((tmp_path / "tickets").iterdir()) == []


def _install(source: Path, site: Path) -> None:
    """pip install, as a user would (a real wheel with its entry point), into a folder of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _run_its_tests(source: Path, site: Path, expected: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(site))  # KAMGRAPH_TEST_DATABASE_URL passes through: same database kind
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and expected in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_the_example_installs_passes_its_tests_and_serves(tmp_path):
    source, site = tmp_path / "tickets", tmp_path / "site"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__"))
    _install(source, site)
    _run_its_tests(source, site, "4 passed")
    served = tmp_path / "served"
    served.mkdir()
    query = "{ tickets(first: 5) { totalCount edges { node { title status account { name } } } } }"
    with demo_server(served, KAMGRAPH_PLUGINS="tickets", PYTHONPATH=str(site)) as (base, _log):
        seen = {}
        for who in ("ka-director", "account-manager"):
            token = login(base, f"{who}@demo.kamgraph")
            body = httpx.post(
                f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=10
            ).json()
            assert "errors" not in body, body
            seen[who] = body["data"]["tickets"]
    # the demo opens one on each of the first five accounts; a manager sees those of their own accounts only
    assert seen["ka-director"]["totalCount"] == 5
    assert 0 < seen["account-manager"]["totalCount"] < 5
    assert {edge["node"]["status"] for edge in seen["ka-director"]["edges"]} == {"OPEN"}


@pytest.mark.slow
def test_a_plugin_made_under_another_name_passes_its_own_tests(tmp_path):
    source, site = tmp_path / "field_visits", tmp_path / "site"
    assert main(["new-plugin", "field_visits", "--model", "FieldVisit", "--directory", str(source)]) == 0
    _install(source, site)
    _run_its_tests(source, site, "4 passed")


@pytest.mark.slow
def test_makemigrations_writes_a_plugins_migration_after_the_cores_latest(tmp_path):
    source, site = tmp_path / "visits", tmp_path / "site"
    new_plugin("visits", source)
    (source / "kam_visits" / "migrations" / "0001_initial.py").unlink()
    _install(source, site)
    env = dict(os.environ, PYTHONPATH=str(site), KAMGRAPH_PLUGINS="visits")
    env["KAMGRAPH_DATABASE_URL"] = f"sqlite://{tmp_path}/make.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "kamgraph.cli", "makemigrations", "visits"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    written = (site / "kam_visits" / "migrations" / "0001_initial.py").read_text()
    assert f"dependencies = [('core', '{latest_core_migration()}')]" in written
