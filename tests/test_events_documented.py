"""Every event type the core and the bundled plugins register is documented, with its subject and data."""

import re
from pathlib import Path

import pytest

from kamgraph.plugin_manager import PluginManager, available_plugins

ROOT = Path(__file__).parent.parent
BUNDLED = sorted(name for name, (_, bundled) in available_plugins().items() if bundled)
EVENT_TYPES = PluginManager.from_names(tuple(BUNDLED)).collect_unique("register_event_types", "event type")


def documentation(plugin: str) -> str:
    path = ROOT / "docs" / "events.md" if plugin == "core" else ROOT / "plugins" / plugin / "README.md"
    return path.read_text(encoding="utf-8")


def test_the_core_types_are_found():
    assert "contract.signed" in EVENT_TYPES and "payment.overdue" in EVENT_TYPES


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_event_type_has_a_row_with_its_subject_and_data(event_type):
    plugin, description = EVENT_TYPES[event_type]
    assert description.strip(), f"{event_type} is registered without a description"
    row = re.search(rf"^\| `{re.escape(event_type)}` \| (\w+) \|", documentation(plugin), re.M)
    assert row, f"{event_type} ({plugin}) has no row in its event table"


@pytest.mark.parametrize("event_type", sorted(t for t, (plugin, _) in EVENT_TYPES.items() if plugin != "core"))
def test_a_plugins_event_types_are_named_plugin_object_verb(event_type):
    plugin, _ = EVENT_TYPES[event_type]
    assert re.fullmatch(rf"{plugin}\.[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*", event_type), (
        f"{event_type} is not <plugin>.<object>.<verb> (API.md), e.g. {plugin}.visit.planned"
    )
