"""Every type, field, argument, input field and enum value of the core and the bundled plugins is
described, so GraphiQL's Docs pane and generated clients explain the whole API; custom scalars say their
format."""

from __future__ import annotations

import pytest

from kamgraph.api import conventions
from kamgraph.api.internals import core_schema
from kamgraph.api.schema import build_schema
from kamgraph.plugin_manager import PluginManager
from kamgraph.settings import Settings


@pytest.mark.parametrize("plugins", [("core",), ("bundled",)])
def test_every_schema_element_is_described(plugins):
    schema = core_schema(build_schema(PluginManager.from_names(plugins), Settings(plugins=plugins)))
    assert list(conventions.missing(schema)) == []  # scripts/undescribed.py lists them


def test_custom_scalars_say_their_format(schema_sdl):
    schema = core_schema(build_schema(PluginManager.from_names(("bundled",)), Settings()))
    for name in ("Date", "DateTime", "Decimal", "JSON"):
        scalar = schema.get_type(name)
        assert scalar.description, name
    assert schema.get_type("Date").specified_by_url.endswith("/local-date.html")
    assert schema.get_type("DateTime").specified_by_url.endswith("/date-time.html")
    assert "@specifiedBy" in schema_sdl


def test_a_convention_never_overrides_what_a_type_says():
    schema = core_schema(build_schema(PluginManager.from_names(("core",)), Settings(plugins=("core",))))
    assert schema.get_type("Account").fields["id"].description == "Opaque global id."  # Node's own, kept
    assert schema.query_type.fields["accounts"].args["first"].description == conventions.ARGUMENTS["first"]
    assert schema.get_type("AccountConnection").description == "A page of accounts, with keyset cursors."
