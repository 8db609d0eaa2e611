"""Migrations with tortoise's built-in engine: one folder per app label under ``migrations/``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor

from kamgraph.db import CONNECTION, apps_config, db

CORE_APP = "core"

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager


def _executor(pm: PluginManager) -> MigrationExecutor:
    return MigrationExecutor(db(), apps_config(pm))


async def pending(pm: PluginManager) -> list[str]:
    """Migrations not yet applied, as ``app.name``, in the order they would run."""
    steps = await _executor(pm).plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps if not step.backward]


async def migrate(pm: PluginManager, progress: Callable[[str, str, str], Any] | None = None) -> list[str]:
    """Apply every pending migration; returns what was applied."""
    todo = await pending(pm)
    if todo:
        await _executor(pm).migrate(progress=progress)
    return todo


async def make_migrations(pm: PluginManager, app_labels: list[str] | None = None) -> list[str]:
    """Write migrations for model changes of the given apps (default all); returns the files written.

    The detector sees every app, so that a plugin's relations to the core resolve; each plugin migration
    depends on the core's latest one, so it runs after every core table it may refer to exists."""
    config = apps_config(pm)
    unknown = sorted(set(app_labels or ()) - set(config))
    if unknown:
        raise LookupError(
            f"no enabled plugin has the app {', '.join(map(repr, unknown))} (enabled: {', '.join(sorted(config))}); "
            "enable its plugin with KAMGRAPH_PLUGINS"
        )
    detector = MigrationAutodetector(Tortoise.apps, config)
    writers = [w for w in await detector.changes() if not app_labels or w.app_label in app_labels]
    core_leaves = [(key.app_label, key.name) for key in detector.loader.graph.leaf_nodes(CORE_APP)]
    for writer in writers:
        if writer.app_label != CORE_APP:
            writer.dependencies = sorted(set(writer.dependencies) | set(core_leaves))
    return [str(writer.write()) for writer in writers]


__all__ = ["CONNECTION", "make_migrations", "migrate", "pending"]
