"""The plugin manager: which plugins run, what they declare, and the checks made at start-up.

Plugins, the core included, are modules (or objects) found through the entry-point group
``kamgraph.plugins``. A plugin module may declare ``name``, ``version`` and ``requires``; its hook
implementations are marked with :data:`kamgraph.hookimpl`.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy

from kamgraph import hookspecs

ENTRY_POINT_GROUP = "kamgraph.plugins"
CORE = "core"
BUNDLED_PREFIX = "kamgraph."


class PluginError(RuntimeError):
    """A plugin set that cannot start: a missing requirement, a duplicate name, an unknown plugin."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    module: str
    bundled: bool
    requires: tuple[str, ...]


def available_plugins() -> dict[str, tuple[importlib.metadata.EntryPoint, bool]]:
    """Every installed plugin by name, with whether it ships inside kamgraph (bundled)."""
    found: dict[str, tuple[importlib.metadata.EntryPoint, bool]] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        bundled = entry_point.value.startswith(BUNDLED_PREFIX)
        found.setdefault(entry_point.name, (entry_point, bundled))
    return found


def select_plugins(wanted: Iterable[str], installed: dict[str, Any]) -> list[str]:
    """Resolve ``KAMGRAPH_PLUGINS`` (names, ``bundled``, ``all``) to plugin names; the core is always in."""
    chosen: list[str] = [CORE]
    for item in wanted:
        if item == "all":
            names = list(installed)
        elif item == "bundled":
            names = [name for name, (_, bundled) in installed.items() if bundled]
        elif item in installed:
            names = [item]
        else:
            known = ", ".join(sorted(installed)) or "none"
            raise PluginError(f"KAMGRAPH_PLUGINS names {item!r}, which is not installed (installed: {known})")
        chosen.extend(name for name in names if name not in chosen)
    return chosen


class PluginManager(pluggy.PluginManager):
    """pluggy's manager plus kamgraph's bookkeeping: plugin names, versions and requirements."""

    def __init__(self) -> None:
        super().__init__("kamgraph")
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}

    def register_plugin(self, plugin: Any, name: str | None = None, *, bundled: bool = False) -> None:
        name = name or getattr(plugin, "name", None) or getattr(plugin, "__name__", repr(plugin))
        module = getattr(plugin, "__name__", type(plugin).__module__)
        self.register(plugin, name=name)
        self.infos[name] = PluginInfo(
            name=name,
            version=str(getattr(plugin, "version", "")),
            module=module,
            bundled=bundled,
            requires=tuple(getattr(plugin, "requires", ())),
        )

    @classmethod
    def from_names(cls, wanted: Iterable[str]) -> PluginManager:
        """Load the selected plugins from their entry points and check requirements."""
        installed = available_plugins()
        pm = cls()
        for name in select_plugins(wanted, installed):
            entry_point, bundled = installed[name]
            pm.register_plugin(entry_point.load(), name, bundled=bundled)
        pm.check_requirements()
        return pm

    def check_requirements(self) -> None:
        for info in self.infos.values():
            missing = [req for req in info.requires if req not in self.infos]
            if missing:
                raise PluginError(
                    f"plugin {info.name!r} requires {', '.join(repr(m) for m in missing)}, which is not enabled; "
                    f"add it to KAMGRAPH_PLUGINS or leave {info.name!r} out"
                )

    # --- collecting register_* hooks with ownership, so duplicates can name both plugins ---

    def collect(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a ``register_*`` hook on every plugin; return ``(plugin name, result)`` pairs, None dropped."""
        hook = getattr(self.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in hook.get_hookimpls():  # registration order: the core first
            accepted = {k: v for k, v in kwargs.items() if k in impl.argnames}
            result = impl.function(**accepted)
            if result is not None:
                results.append((self.get_name(impl.plugin) or "?", result))
        return results

    def collect_unique(self, hook_name: str, what: str, **kwargs: Any) -> dict[str, tuple[str, Any]]:
        """Merge dict or list results of a ``register_*`` hook by key, refusing a key claimed twice.

        List items are keyed by ``name`` attribute (or by the item itself when it is a string).
        """
        merged: dict[str, tuple[str, Any]] = {}
        for plugin, result in self.collect(hook_name, **kwargs):
            items = result.items() if isinstance(result, dict) else ((_key_of(item), item) for item in result)
            for key, value in items:
                claim_unique(merged, key, plugin, value, what)
        return merged

    def owner_of(self, obj: Any) -> str:
        """The plugin whose package defines ``obj`` (a class, a function), for messages naming owners."""
        module = getattr(obj, "__module__", "") or ""
        owners = [
            info.name for info in self.infos.values() if module == info.module or module.startswith(info.module + ".")
        ]
        return max(owners, key=lambda name: len(self.infos[name].module), default="kamgraph")

    async def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a notification hook on every plugin and await the awaitables it returns."""
        for result in getattr(self.hook, hook_name)(**kwargs):
            await await_me_maybe(result)


def claim_unique(registry: dict[str, tuple[str, Any]], key: str, plugin: str, value: Any, what: str) -> None:
    """Record that ``plugin`` claims ``key``; a second claimant is a start-up error naming both."""
    if key in registry:
        other = registry[key][0]
        raise PluginError(f"{what} {key!r} is declared by both plugin {other!r} and plugin {plugin!r}")
    registry[key] = (plugin, value)


def _key_of(item: Any) -> str:
    return item if isinstance(item, str) else item.name


async def await_me_maybe(value: Any) -> Any:
    """Await ``value`` if it is awaitable (pluggy hooks are synchronous; implementations may not be)."""
    if inspect.isawaitable(value):
        return await value
    return value
