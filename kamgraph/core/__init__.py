"""The core plugin: accounts, contracts and people, registered through the same hooks as any plugin."""

from kamgraph.core import hooks

name = "core"
version = "0.1.0"
requires: tuple[str, ...] = ()

# pluggy collects hook implementations from the module registered as the plugin; re-export them here.
from kamgraph.core.hooks import *  # noqa: E402,F401,F403

__all__ = ["hooks", "name", "requires", "version"]
