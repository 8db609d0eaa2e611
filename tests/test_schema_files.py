"""The committed SDL in schema/ matches the code; a stale file fails with the breaking changes listed."""

from pathlib import Path

import pytest
from graphql import build_schema as parse_sdl
from graphql import find_breaking_changes

from kamgraph.cli import export_sdl
from kamgraph.settings import Settings

SCHEMA_DIR = Path(__file__).parent.parent / "schema"


@pytest.mark.parametrize(("filename", "plugins"), [("kamgraph.graphql", ("bundled",)), ("core.graphql", ())])
def test_committed_schema_is_current(filename, plugins):
    committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    current = export_sdl(Settings(plugins=plugins))
    if committed != current:
        breaking = find_breaking_changes(parse_sdl(committed), parse_sdl(current))
        listed = "\n".join(f"  {change.type.name}: {change.description}" for change in breaking) or "  none"
        pytest.fail(
            f"schema/{filename} is stale: run `make schema` and commit it.\nBreaking changes against it:\n{listed}"
        )
