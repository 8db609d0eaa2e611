"""The pipeline can be left out without breaking the core or risk; enabled, the demo has two years of funnel."""

import sqlite3

import pytest
from test_cli import kamgraph

from kamgraph.api.schema import build_schema
from kamgraph.plugin_manager import PluginManager


def test_risk_runs_without_the_pipeline_and_the_schema_has_no_pipeline_types():
    sdl = build_schema(PluginManager.from_names(("risk",))).as_str()
    assert "creditProfile" in sdl and "Opportunity" not in sdl and "funnel" not in sdl
    assert "Opportunity" in build_schema(PluginManager.from_names(("risk", "pipeline"))).as_str()


@pytest.mark.slow
def test_without_the_pipeline_there_are_no_pipeline_tables_and_the_demo_has_a_funnel(tmp_path):
    assert kamgraph("migrate", cwd=tmp_path, env={"KAMGRAPH_PLUGINS": "risk"}).returncode == 0
    with sqlite3.connect(tmp_path / "cli.sqlite3") as con:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "risk_credit_assessment" in tables and not {t for t in tables if t.startswith("pipeline_")}
    demo = tmp_path / "demo"
    demo.mkdir()
    assert kamgraph("demo", cwd=demo).returncode == 0
    with sqlite3.connect(demo / "cli.sqlite3") as con:
        stages = dict(con.execute("SELECT stage, COUNT(*) FROM pipeline_opportunity GROUP BY stage").fetchall())
        days = con.execute(
            "SELECT julianday(MAX(first_contact_at)) - julianday(MIN(first_contact_at)) FROM pipeline_opportunity"
        ).fetchone()[0]
        unlinked_wins = con.execute(
            "SELECT COUNT(*) FROM pipeline_opportunity WHERE stage = 'WON' AND contract_id IS NULL"
        ).fetchone()[0]
        history = con.execute("SELECT COUNT(*) FROM pipeline_stage_change").fetchone()[0]
        listed = con.execute("SELECT COUNT(*), SUM(priority) FROM pipeline_target_list").fetchone()
        targets = dict(
            con.execute(
                "SELECT CASE WHEN quarter IS NOT NULL THEN 'quarter' WHEN region IS NOT NULL THEN 'region' "
                "WHEN person_id IS NOT NULL THEN 'person' ELSE 'year' END, COUNT(*) FROM pipeline_sales_target GROUP BY 1"
            )
        )
    assert set(stages) == {"FIRST_CONTACT", "PROPOSAL_SUBMITTED", "NEGOTIATION", "WON", "LOST"} and days > 600
    assert unlinked_wins == 0 and history > sum(stages.values())
    assert listed[0] > 20 and 0 < listed[1] < listed[0]
    assert targets["year"] == 1 and targets["quarter"] == 4 and targets["region"] >= 4 and targets["person"] >= 10
