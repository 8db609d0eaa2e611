"""The guide cannot drift from the code it shows: every block of docs/plugins.md that names a file of
examples/ in its first line is that file's text (or a part of it), and the API conventions are in the
repository."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
BLOCK = re.compile(r"```\w*\n# (examples/\S+)\n(.*?)```", re.S)


def test_the_guides_code_blocks_are_the_examples_files():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(guide)
    assert len(blocks) >= 6, "the guide's walk-through names its files in the first line of each block"
    for path, text in blocks:
        assert text.strip() in (ROOT / path).read_text(encoding="utf-8"), f"docs/plugins.md shows {path} otherwise"


def test_the_api_conventions_live_in_the_repository():
    conventions = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for rule in ("## Names", "## Lists are connections", "## Mutations and errors", "## How kamgraph holds code"):
        assert rule in conventions


def test_every_setting_is_documented_where_its_reader_is():
    from kamgraph.checks import declared_settings
    from kamgraph.plugin_manager import PluginManager

    pm = PluginManager.from_names(("bundled",))
    for name, owner in declared_settings(pm).items():
        readme = ROOT / "README.md" if owner == "kamgraph" else ROOT / "plugins" / owner / "README.md"
        assert f"`{name}`" in readme.read_text(encoding="utf-8"), f"{name} is not in {readme.relative_to(ROOT)}"
