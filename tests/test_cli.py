"""The kamgraph command: help, plugins, export-schema, migrate, demo, and serve refusing pending migrations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def kamgraph(*args, cwd, env=None, timeout=120):
    environment = {**os.environ, "KAMGRAPH_DATABASE_URL": f"sqlite://{cwd}/cli.sqlite3", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kamgraph.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_help_lists_every_command(tmp_path):
    out = kamgraph("--help", cwd=tmp_path).stdout
    for command in ("serve", "migrate", "makemigrations", "demo", "export-schema", "plugins"):
        assert command in out


def test_plugins_lists_installed_and_enabled(tmp_path):
    out = kamgraph("plugins", cwd=tmp_path).stdout
    assert "core" in out and "kamgraph.core" in out


def test_unknown_plugin_is_a_clear_start_up_error(tmp_path):
    result = kamgraph("export-schema", cwd=tmp_path, env={"KAMGRAPH_PLUGINS": "nonexistent"})
    assert result.returncode == 2 and "'nonexistent', which is not installed" in result.stderr


def test_serve_refuses_pending_migrations_and_names_them(tmp_path):
    result = kamgraph("serve", "--port", "1", cwd=tmp_path)
    assert result.returncode == 2
    assert "core.0001_initial" in result.stderr and "kamgraph migrate" in result.stderr


def test_migrate_then_nothing_pending(tmp_path):
    first = kamgraph("migrate", cwd=tmp_path)
    assert first.returncode == 0 and "applied core.0001_initial" in first.stdout
    assert "up to date" in kamgraph("migrate", cwd=tmp_path).stdout


def test_makemigrations_finds_the_models_and_migrations_in_step(tmp_path):
    result = kamgraph("makemigrations", cwd=tmp_path)
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stdout + result.stderr


def test_what_a_newcomer_meets_first_is_one_line_not_a_traceback(tmp_path):
    exported = kamgraph("export", "accounts", cwd=tmp_path)  # a folder with no database yet
    assert exported.returncode == 2 and "Traceback" not in exported.stderr
    assert "run `kamgraph migrate`" in exported.stderr.strip().splitlines()[-1]
    keyless = tmp_path / "production"  # a database whose key is elsewhere (the export above made a development one)
    keyless.mkdir()
    key = {"KAMGRAPH_SECRET_KEY": "k2JgW8oO9v3Ecu6Yl+1X4bq6L6m1ZzQ8e8b0m3B1c2U="}
    assert kamgraph("migrate", cwd=keyless, env=key).returncode == 0
    production = kamgraph("serve", "--port", "0", cwd=keyless, env={"KAMGRAPH_ENV": "production"}, timeout=60)
    assert production.returncode == 2 and "Traceback" not in production.stderr
    advice = production.stderr.strip().splitlines()[-1]
    assert advice.endswith(f"create one with `kamgraph new-key {keyless / 'cli.sqlite3.key'}`"), advice
    # the advice works: the command makes an owner-only key file, and never overwrites one
    made = kamgraph("new-key", str(keyless / "cli.sqlite3.key"), cwd=keyless)
    assert made.returncode == 0 and (keyless / "cli.sqlite3.key").stat().st_mode & 0o777 == 0o600
    again = kamgraph("new-key", str(keyless / "cli.sqlite3.key"), cwd=keyless)
    assert again.returncode == 2 and "exists" in again.stderr


def test_makemigrations_names_an_app_no_enabled_plugin_has(tmp_path):
    # the easy slip: the plugin is installed but not enabled (or the label has a typo); never "No changes"
    result = kamgraph("makemigrations", "tickets", cwd=tmp_path)
    assert result.returncode == 2 and "no enabled plugin has the app 'tickets'" in result.stderr, result.stderr
    assert "KAMGRAPH_PLUGINS" in result.stderr


def without_timestamps(rows):
    """Rows minus created_at/updated_at, which record when seeding ran rather than what it made."""
    return [tuple(v for v in row if not (isinstance(v, str) and v.startswith("20") and ":" in v)) for row in rows]


@pytest.mark.slow
def test_demo_is_deterministic_and_realistic(tmp_path):
    import sqlite3

    dumps = []
    key = {"KAMGRAPH_SECRET_KEY": "k2JgW8oO9v3Ecu6Yl+1X4bq6L6m1ZzQ8e8b0m3B1c2U="}  # same key: same blind indexes
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        result = kamgraph("demo", cwd=folder, env=key)
        assert result.returncode == 0 and "Demo data seeded" in result.stdout, result.stderr
        con = sqlite3.connect(folder / "cli.sqlite3")
        tables = ["account", "person", "contract", "instalment", "payment", "account_team_member", "staff_role"]
        # sealed values differ run to run (random nonces); their blind indexes show the plaintexts are equal
        columns = {
            t: [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] not in ("phone", "email")] for t in tables
        }
        dumps.append(
            {t: con.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id").fetchall() for t in tables}
        )
        counts = {t: len(rows) for t, rows in dumps[-1].items()}
        assert counts["account"] >= 200 and counts["contract"] >= 1000 and counts["payment"] > 0
        assert {r[0] for r in con.execute("SELECT DISTINCT tier FROM account")} == {"STRATEGIC", "CORE", "POTENTIAL"}
        assert {r[0] for r in con.execute("SELECT DISTINCT relationship_level FROM person WHERE kind = 'CONTACT'")} == {
            "EXECUTIVE",
            "MANAGEMENT",
            "OPERATIONAL",
        }
        from kamgraph.security.actors import Role

        assert {r[0] for r in con.execute("SELECT DISTINCT role FROM staff_role")} == {r.value for r in Role}
        from kamgraph.core.accounts.rules import credit_code_problem

        assert all(credit_code_problem(r[0]) is None for r in con.execute("SELECT credit_code FROM account"))
        con.close()
    assert {t: without_timestamps(r) for t, r in dumps[0].items()} == {
        t: without_timestamps(r) for t, r in dumps[1].items()
    }
    again = kamgraph("demo", cwd=tmp_path / "a", env=key)
    assert "already has accounts" in again.stdout


def test_create_api_key_prints_the_secret_once_and_checks_scopes(tmp_path):
    assert kamgraph("migrate", cwd=tmp_path).returncode == 0
    made = kamgraph("create-api-key", "--name", "ERP", "--scope", "accounts.read", cwd=tmp_path)
    assert made.returncode == 0 and "kgk_" in made.stdout
    wrong = kamgraph("create-api-key", "--name", "ERP", "--scope", "everything", cwd=tmp_path)
    assert wrong.returncode != 0 and "unknown permissions: everything" in wrong.stderr
    listed = kamgraph("permissions", cwd=tmp_path).stdout
    assert "contracts.amounts.read" in listed and "KA_DIRECTOR" in listed
