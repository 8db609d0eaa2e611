"""The plugin manager: selection, requirements, and every kind of duplicate refused at start-up."""

import types

import pytest
import strawberry

from kamgraph import hookimpl
from kamgraph.api.schema import build_schema
from kamgraph.app import create_app
from kamgraph.db import apps_config
from kamgraph.plugin_manager import (
    PluginError,
    PluginManager,
    available_plugins,
    select_plugins,
)
from kamgraph.settings import Settings


def plugin(name, **hooks):
    module = types.ModuleType(name)
    module.name = name
    module.requires = hooks.pop("requires", ())
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def manager(*plugins):
    pm = PluginManager.from_names(())
    for p in plugins:
        pm.register_plugin(p, p.name)
    pm.check_requirements()
    return pm


def test_entry_points_list_core_and_the_installed_test_plugin():
    installed = available_plugins()
    assert installed["core"][1] is True  # bundled
    assert installed["kam_testplugin"][1] is False  # a third party's


def test_kamgraph_plugins_selects_by_name_and_refuses_unknown_names():
    installed = available_plugins()
    assert sorted(select_plugins(("bundled",), installed)) == ["core", "pipeline", "risk"]
    assert installed["risk"][1] is True and installed["pipeline"][1] is True
    assert select_plugins(("kam_testplugin",), installed) == ["core", "kam_testplugin"]
    assert "kam_testplugin" in select_plugins(("all",), installed)
    with pytest.raises(PluginError, match="'nope', which is not installed"):
        select_plugins(("nope",), installed)


def test_settings_read_the_plugin_list_from_the_environment():
    settings = Settings.from_env({"KAMGRAPH_PLUGINS": "bundled, kam_testplugin", "KAMGRAPH_MAX_PAGE_SIZE": "50"})
    assert settings.plugins == ("bundled", "kam_testplugin") and settings.max_page_size == 50
    pm = PluginManager.from_names(settings.plugins)
    assert set(pm.infos) == {"core", "pipeline", "risk", "kam_testplugin"}


def test_a_missing_requirement_names_the_plugin():
    with pytest.raises(PluginError, match="plugin 'incentives' requires 'pipeline'"):
        manager(plugin("incentives", requires=("pipeline",)))


@strawberry.type
class AccountsAgain:
    @strawberry.field
    def accounts(self) -> int:
        return 0


@strawberry.type(name="Account")
class AnotherAccount:
    x: int


def test_a_root_field_claimed_twice_names_both_plugins():
    pm = manager(plugin("rogue", register_queries=lambda: [AccountsAgain]))
    with pytest.raises(
        PluginError, match="Query field 'accounts' is declared by both plugin 'core' and plugin 'rogue'"
    ):
        build_schema(pm)


def test_a_type_name_claimed_twice_names_both_plugins():
    pm = manager(
        plugin("one", register_types=lambda: [AnotherAccount]), plugin("two", register_types=lambda: [AnotherAccount])
    )
    with pytest.raises(PluginError, match="GraphQL type 'Account' is declared by both plugin 'one' and plugin 'two'"):
        build_schema(pm)


def test_an_app_label_claimed_twice_names_both_plugins():
    pm = manager(plugin("copycat", register_models=lambda: {"core": {"models": []}}))
    with pytest.raises(PluginError, match="app label 'core' is declared by both plugin 'core' and plugin 'copycat'"):
        apps_config(pm)


def test_an_event_type_claimed_twice_names_both_plugins():
    pm = manager(plugin("echo", register_event_types=lambda: {"contract.signed": "again"}))
    with pytest.raises(
        PluginError, match="event type 'contract.signed' is declared by both plugin 'core' and plugin 'echo'"
    ):
        create_app(Settings(plugins=()), pm)


def test_a_permission_claimed_twice_names_both_plugins():
    pm = manager(
        plugin("a", register_permissions=lambda: {"x.do": "1"}), plugin("b", register_permissions=lambda: {"x.do": "2"})
    )
    with pytest.raises(PluginError, match="permission 'x.do' is declared by both plugin 'a' and plugin 'b'"):
        create_app(Settings(plugins=()), pm)


def test_a_field_added_to_a_type_that_has_it_is_refused():
    field = strawberry.field(resolver=lambda: "x", name="name")
    pm = manager(plugin("dup", register_type_extensions=lambda: [("Account", field)]))
    with pytest.raises(PluginError, match="plugin 'dup' adds field Account.name, which the type already has"):
        build_schema(pm)


def test_extending_an_unknown_type_is_refused():
    field = strawberry.field(resolver=lambda: "x", name="extra")
    pm = manager(plugin("lost", register_type_extensions=lambda: [("Opportunity", field)]))
    with pytest.raises(PluginError, match="extends type 'Opportunity'"):
        build_schema(pm)


def test_the_test_plugin_can_be_left_out_without_a_trace():
    core_only = build_schema(PluginManager.from_names(())).as_str()
    with_plugin = build_schema(PluginManager.from_names(("kam_testplugin",))).as_str()
    assert "accountNotes" not in core_only and "noteCount" not in core_only
    assert "accountNotes" in with_plugin and "noteCount: Int!" in with_plugin
    assert (
        "noteCount" not in build_schema(PluginManager.from_names(())).as_str()
    )  # extensions do not leak between builds
