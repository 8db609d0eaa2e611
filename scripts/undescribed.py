"""Print every schema element without a description: ``python scripts/undescribed.py [core|bundled]``.

``core`` is the core alone; ``bundled`` (the default) the core and the bundled plugins, less what the core
alone already lists when ``--plugins-only`` is given. tests/test_schema_documented.py requires none.
"""

from __future__ import annotations

import sys

from kamgraph.api import conventions
from kamgraph.api.internals import core_schema
from kamgraph.api.schema import build_schema
from kamgraph.plugin_manager import PluginManager
from kamgraph.settings import Settings


def undescribed(plugins: tuple[str, ...]) -> list[str]:
    settings = Settings(plugins=plugins)
    return list(conventions.missing(core_schema(build_schema(PluginManager.from_names(plugins), settings))))


def main(argv: list[str]) -> int:
    which = argv[0] if argv and not argv[0].startswith("--") else "bundled"
    found = undescribed(("core",) if which == "core" else ("bundled",))
    if "--plugins-only" in argv:
        found = sorted(set(found) - set(undescribed(("core",))))
    print("\n".join(found))
    print(f"{len(found)} undescribed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
