"""The plugin can be left out: no risk types in the schema, no risk tables in the database (and the core
signs without a credit rule: tests/plugins/risk/test_credit.py). Enabled, the demo has risk data."""

import sqlite3
from pathlib import Path

import pytest
from test_cli import kamgraph

SCHEMA = Path(__file__).parents[3] / "schema"
RISK_NAMES = (
    "CreditProfile",
    "creditProfile",
    "CreditAssessment",
    "receivablesAging",
    "grantCreditOverride",
    "DunningNotice",
)


def test_the_core_schema_has_no_risk_types_and_the_bundled_one_has_them():
    core, bundled = (
        (SCHEMA / "core.graphql").read_text(encoding="utf-8"),
        (SCHEMA / "kamgraph.graphql").read_text(encoding="utf-8"),
    )
    assert not [name for name in RISK_NAMES if name in core]
    assert all(name in bundled for name in RISK_NAMES)


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.slow
def test_without_risk_the_database_has_no_risk_tables(tmp_path):
    assert kamgraph("migrate", cwd=tmp_path, env={"KAMGRAPH_PLUGINS": ""}).returncode == 0
    assert "account" in tables(tmp_path / "cli.sqlite3") and not {
        t for t in tables(tmp_path / "cli.sqlite3") if t.startswith("risk_")
    }
    enabled = kamgraph("migrate", cwd=tmp_path)  # the default: every bundled plugin
    assert enabled.returncode == 0 and "applied risk.0001_initial" in enabled.stdout
    assert {"risk_credit_assessment", "risk_credit_override", "risk_dunning_notice"} <= tables(tmp_path / "cli.sqlite3")


@pytest.mark.slow
def test_the_demo_has_assessments_in_every_band_and_an_override(tmp_path):
    assert kamgraph("demo", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "cli.sqlite3") as con:
        ratings = dict(con.execute("SELECT rating, COUNT(*) FROM risk_credit_assessment GROUP BY rating").fetchall())
        accounts = con.execute("SELECT COUNT(*) FROM account").fetchone()[0]
        overrides = con.execute("SELECT COUNT(*) FROM risk_credit_override").fetchone()[0]
        kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM risk_register")}
        plans = dict(con.execute("SELECT status, COUNT(*) FROM risk_contingency_plan GROUP BY status").fetchall())
        offers = con.execute("SELECT COUNT(*), COUNT(compared_at) FROM risk_competitor_offer").fetchone()
    assert set(ratings) == {"A", "B", "C", "D"} and accounts * 0.8 < sum(ratings.values()) < accounts
    assert (
        overrides == 1 and kinds == {"CREDIT", "COOPERATION", "POLICY"} and set(plans) == {"READY", "ACTIVE", "CLOSED"}
    )
    assert offers[0] > offers[1] > 0  # some compared, some still open
