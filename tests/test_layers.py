"""Who may import whom (DESIGN.md "Layers"): plugins import kamgraph only through its public plugin API, the
framework does not reach into the core, and the database and security layers do not import each other."""

import ast
from pathlib import Path

import pytest

import kamgraph.plugin

ROOT = Path(__file__).parent.parent


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def offending(paths: list[Path], forbidden) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in paths
        for line, module in imports(path)
        if forbidden(path, module)
    ]


def plugin_package(path: Path) -> str:
    relative = path.relative_to(ROOT).parts
    return f"kamgraph.plugins.{relative[1]}" if relative[0] == "plugins" else relative[1]


def test_plugins_import_only_the_public_plugin_api():
    def forbidden(path: Path, module: str) -> bool:
        if not (module == "kamgraph" or module.startswith("kamgraph.")):
            return False
        own = plugin_package(path)
        return module != "kamgraph.plugin" and module != own and not module.startswith(own + ".")

    assert offending(files("plugins", "tests/kam_testplugin", "examples"), forbidden) == []


@pytest.mark.parametrize(
    ("folder", "prefix"),
    [
        ("kamgraph/api", "kamgraph.core"),  # the GraphQL machinery serves the core; it does not know it
        ("kamgraph/db", "kamgraph.security"),  # security reads through the database layer, not the other way
        ("kamgraph/writes.py", "kamgraph.core"),
        ("kamgraph/checks.py", "kamgraph.core"),
    ],
)
def test_the_framework_layers_point_one_way(folder, prefix):
    paths = [ROOT / folder] if folder.endswith(".py") else files(folder)
    assert offending(paths, lambda _path, module: module == prefix or module.startswith(prefix + ".")) == []


def test_the_public_plugin_api_is_curated():
    names = kamgraph.plugin.__all__
    assert len(names) == len(set(names))
    assert all(hasattr(kamgraph.plugin, name) for name in names)
    assert "visible" in names and "mutation" in names and "NodeType" in names


def test_strawberry_and_graphql_core_internals_are_used_in_one_module():
    """kamgraph/api/internals.py says what each use relies on; nowhere else reaches inside either library."""
    internals = ("strawberry-definition", "._schema", "_raw_info", "__strawberry_definition__", "schema_converter")
    adapter = ROOT / "kamgraph" / "api" / "internals.py"
    found = [
        f"{path.relative_to(ROOT)} uses {needle}"
        for path in files("kamgraph", "plugins")
        if path != adapter
        for needle in internals
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []
