"""docs/clients.md's GraphQL Code Generator configuration, run against the committed SDL: strict scalars
make it fail if the schema has a scalar the documented map lacks. Needs npm and its registry; skipped
cleanly without them, and on the PostgreSQL run (the SDL does not depend on the database)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
GUIDE = (ROOT / "docs" / "clients.md").read_text(encoding="utf-8")
PACKAGES = re.search(r"npm install --save-dev (.+)", GUIDE).group(1).split()


def block(first_line: str) -> str:
    """The fenced block of the guide whose first line is ``first_line``, without that line."""
    found = re.search(rf"```\w*\n{re.escape(first_line)}\n(.*?)```", GUIDE, re.S)
    assert found, f"docs/clients.md has no block starting {first_line!r}"
    return found.group(1)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None or shutil.which("npx") is None, reason="npm is not installed")
@pytest.mark.skipif(bool(os.environ.get("KAMGRAPH_TEST_DATABASE_URL")), reason="run once, with the SQLite suite")
def test_the_documented_codegen_configuration_generates_types_from_the_committed_sdl(tmp_path):
    (tmp_path / "package.json").write_text('{"private": true}')
    installed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *PACKAGES],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if installed.returncode != 0:
        pytest.skip(f"npm could not install the generator (no registry?): {installed.stderr[-300:]}")
    config = block("# codegen.yml").replace("schema/kamgraph.graphql", str(ROOT / "schema" / "kamgraph.graphql"))
    (tmp_path / "codegen.yml").write_text(config)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "portfolio.graphql").write_text(block("# src/portfolio.graphql"))
    generated = subprocess.run(
        ["npx", "graphql-codegen", "--config", "codegen.yml"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert generated.returncode == 0, generated.stdout[-2000:] + generated.stderr[-2000:]
    types = (tmp_path / "src" / "kamgraph.ts").read_text()
    assert "export type PortfolioQuery = " in types and "export type PortfolioQueryVariables = " in types
    assert "Decimal: { input: string; output: string; }" in types  # the documented scalar map, applied
