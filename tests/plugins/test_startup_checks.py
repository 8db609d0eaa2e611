"""What a plugin forgets stops start-up with one line naming it (docs/plugins.md, "What start-up refuses").

Each test builds a small broken plugin, ``tickets``, beside the core, and expects the message its author sees.
"""

import subprocess
import sys
import textwrap
import types
from enum import Enum
from pathlib import Path

import pytest
import strawberry
from tortoise import fields

import kamgraph.core
from kamgraph import hookimpl
from kamgraph.api import mutation
from kamgraph.api.nodes import Node, node_type_of
from kamgraph.api.schema import build_schema
from kamgraph.checks import check_plugins
from kamgraph.db.models import NodeModel
from kamgraph.plugin_manager import PluginError, PluginManager
from kamgraph.security.permissions import Permission


def tickets_plugin(model_attrs: dict | None = None, *, types_: list | None = None, queries: list | None = None):
    """A plugin ``tickets`` with one model ``Ticket`` (``model_attrs`` added to it), as a pair of modules."""
    models = types.ModuleType("tickets_models")
    sys.modules[models.__name__] = models
    attrs = {
        "__module__": models.__name__,
        "id": fields.IntField(primary_key=True),
        "title": fields.CharField(max_length=100),
        "Meta": type("Meta", (), {"app": "tickets", "table": "tickets_ticket"}),
    }
    for name, value in (model_attrs or {}).items():
        if name == "Meta":
            attrs["Meta"] = type("Meta", (), {"app": "tickets", **value})
        else:
            attrs[name] = value
    models.Ticket = type("Ticket", (NodeModel,), attrs)

    plugin = types.ModuleType("tickets")
    plugin.name = "tickets"
    plugin.register_models = hookimpl(lambda: {"tickets": {"models": [models.__name__], "migrations": None}})
    plugin.register_permissions = hookimpl(lambda: {"tickets.read": Permission.of("Read tickets")})
    plugin.register_types = hookimpl(lambda: types_ or [])
    plugin.register_queries = hookimpl(lambda: queries or [])
    return plugin, models.Ticket


def manager(plugin) -> PluginManager:
    pm = PluginManager()
    pm.register_plugin(kamgraph.core, "core", bundled=True)
    pm.register_plugin(plugin, "tickets")
    return pm


def refused(plugin, match: str) -> str:
    with pytest.raises(PluginError) as raised:
        check_plugins(manager(plugin))
    message = str(raised.value)
    assert "\n" not in message and "plugin 'tickets'" in message, message
    assert match in message, message
    return message


def account_key(**options):
    return fields.ForeignKeyField("core.Account", related_name=options.pop("related_name", "tickets"), **options)


def test_a_model_with_a_key_to_an_account_and_no_scope_is_refused():
    plugin, _ = tickets_plugin({"account": account_key()})
    message = refused(plugin, "Ticket has a foreign key to core.Account (account) but declares no row scope")
    assert 'scope_via = ("account", ...)' in message


def test_a_key_to_anything_account_owned_needs_a_scope_too():
    plugin, _ = tickets_plugin({"contract": fields.ForeignKeyField("core.Contract", related_name="tickets")})
    refused(plugin, "foreign key to core.Contract (contract) but declares no row scope")


def test_each_declared_scope_is_accepted():
    for declared in (
        {"scope_via": ("account",)},
        {"department_wide": True, "read_permission": "tickets.read"},
        {"internal": True},
    ):
        plugin, _ = tickets_plugin({"account": account_key(), **declared})
        check_plugins(manager(plugin))


def test_department_wide_needs_the_permission_that_reads_it():
    plugin, _ = tickets_plugin({"account": account_key(), "department_wide": True})
    refused(plugin, "is department_wide but names no read_permission")


def test_a_scope_path_that_does_not_reach_an_account_is_refused():
    plugin, _ = tickets_plugin({"account": account_key(), "scope_via": ("title",)})
    refused(plugin, "scope_via ('title',): 'title' is not a foreign key of tickets.Ticket")


def test_money_without_a_permission_is_refused():
    plugin, _ = tickets_plugin({"cost": fields.DecimalField(max_digits=16, decimal_places=2)})
    refused(plugin, "Ticket .cost is money but names no permission: add it to sensitive_fields")


def test_a_permission_no_plugin_registers_is_refused():
    plugin, _ = tickets_plugin({"read_permission": "tickets.raed"})
    refused(plugin, "read_permission names the permission 'tickets.raed', which no enabled plugin registers")
    plugin, _ = tickets_plugin(
        {"cost": fields.DecimalField(max_digits=16, decimal_places=2), "sensitive_fields": {"cost": "costs.read"}}
    )
    refused(plugin, "sensitive_fields['cost'] names the permission 'costs.read'")


def test_a_table_of_the_core_claimed_again_names_both_owners():
    plugin, _ = tickets_plugin({"Meta": {"table": "contract"}})
    refused(
        plugin,
        "table 'contract' is declared by both plugin 'core' (core.Contract) and plugin 'tickets' (tickets.Ticket)",
    )


def test_a_backward_relation_claimed_again_names_both_owners():
    plugin, _ = tickets_plugin({"account": account_key(related_name="contracts"), "scope_via": ("account",)})
    refused(
        plugin,
        "backward relation core.Account.contracts is declared by both plugin 'core' and plugin 'tickets' "
        "(tickets.Ticket.account); choose another related_name",
    )


def test_a_graphql_type_named_like_a_core_type_names_both_plugins():
    @strawberry.type(name="Account")
    class TicketAccount:
        title: str

    TicketAccount.__module__ = "tickets"  # as if written in the plugin's package
    plugin, _ = tickets_plugin(types_=[TicketAccount])
    with pytest.raises(PluginError) as raised:
        build_schema(manager(plugin))
    message = str(raised.value)
    assert message.startswith("GraphQL name 'Account' is declared by both plugin 'core' (kamgraph.core."), message
    assert "and plugin 'tickets' (tickets." in message and "\n" not in message


def test_an_enum_named_like_a_core_enum_names_both_plugins():
    @strawberry.enum(name="Region")
    class Area(Enum):
        NORTH = "NORTH"

    Area.__module__ = "tickets"

    @strawberry.type
    class TicketQueries:
        @strawberry.field
        def areas(self) -> list[Area]:
            return []

    plugin, _ = tickets_plugin(queries=[TicketQueries])
    with pytest.raises(PluginError) as raised:
        build_schema(manager(plugin))
    message = str(raised.value)
    assert message.startswith("GraphQL name 'Region' is declared by both plugin 'core'"), message
    assert "and plugin 'tickets' (tickets." in message and "\n" not in message


def test_a_node_type_resolves_by_id_without_registering_it_again():
    plugin, ticket = tickets_plugin({"read_permission": "tickets.read"})

    @strawberry.type(name="Ticket")
    class TicketType(Node):
        is_type_of = node_type_of(ticket)
        title: str

    plugin.register_types = hookimpl(lambda: [TicketType])
    assert build_schema(manager(plugin)).node_models["Ticket"] is ticket


def test_a_node_type_that_names_no_model_is_refused():
    @strawberry.type(name="Ticket")
    class TicketType(Node):
        title: str

    plugin, _ = tickets_plugin(types_=[TicketType])
    with pytest.raises(PluginError, match="type TicketType implements Node but names no model"):
        build_schema(manager(plugin))


DRIFTED = {
    "drift_plugin/__init__.py": """
        from kamgraph import hookimpl

        name = "drift_plugin"


        @hookimpl
        def register_models():
            return {"drift": {"models": ["drift_plugin.models"], "migrations": "drift_plugin.migrations"}}
        """,
    "drift_plugin/models.py": """
        from tortoise import fields
        from tortoise.models import Model


        class Note(Model):
            id = fields.IntField(primary_key=True)
            text = fields.TextField()
            pinned = fields.BooleanField(default=False)  # added after its migration was written

            class Meta:
                app = "drift"
                table = "drift_note"
        """,
    "drift_plugin/migrations/__init__.py": "",
    "drift_plugin/migrations/0001_initial.py": """
        from tortoise import fields, migrations
        from tortoise.migrations import operations as ops


        class Migration(migrations.Migration):
            initial = True
            dependencies = [("core", "0001_initial")]
            operations = [
                ops.CreateModel(
                    name="Note",
                    fields=[
                        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                        ("text", fields.TextField()),
                    ],
                    options={"table": "drift_note", "app": "drift", "pk_attr": "id"},
                ),
            ]
        """,
    "drift_plugin-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: drift_plugin\nVersion: 1.0\n",
    "drift_plugin-1.0.dist-info/entry_points.txt": "[kamgraph.plugins]\ndrift_plugin = drift_plugin\n",
}


@pytest.mark.slow
def test_a_model_that_differs_from_its_migrations_stops_migrate_with_one_line(tmp_path: Path):
    for name, text in DRIFTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(tmp_path),
        "KAMGRAPH_PLUGINS": "drift_plugin",
        "KAMGRAPH_DATABASE_URL": f"sqlite://{tmp_path}/drift.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kamgraph.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("kamgraph:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "plugin 'drift_plugin': the models of app 'drift' differ from its migrations" in lines[0]
    assert "kamgraph makemigrations drift" in lines[0]
    assert not (tmp_path / "drift.sqlite3").exists() or b"drift_note" not in (tmp_path / "drift.sqlite3").read_bytes()


@strawberry.input
class CloseTicketInput:
    id: strawberry.ID


@strawberry.input
class TicketIdInput:
    id: strawberry.ID


def with_mutations(*classes):
    plugin, _ = tickets_plugin()
    plugin.register_mutations = hookimpl(lambda: list(classes))
    plugin.__name__ = "tickets"
    return plugin


def schema_refused(plugin) -> str:
    with pytest.raises(PluginError) as raised:
        build_schema(manager(plugin))
    message = str(raised.value)
    assert "\n" not in message and message.startswith("plugin 'tickets': mutation "), message
    return message


def test_a_mutation_written_against_the_old_guide_is_told_what_to_change():
    @strawberry.type
    class OldStyle:
        @strawberry.mutation
        async def close_ticket(self, input: CloseTicketInput) -> int:
            return 0

    message = schema_refused(with_mutations(OldStyle))
    assert "mutation closeTicket is not declared with kamgraph.plugin.mutation" in message


def test_a_mutation_needing_an_unregistered_permission_is_refused():
    @strawberry.type
    class Typo:
        @mutation(permission="tickets.wirte", returns={"closed": bool})
        async def close_ticket(unit, input: CloseTicketInput):
            """Close a ticket."""
            return {"closed": True}

    message = schema_refused(with_mutations(Typo))
    assert "closeTicket requires the permission 'tickets.wirte', which no enabled plugin registers" in message


def test_a_mutation_whose_input_is_named_for_another_is_refused():
    @strawberry.type
    class Misnamed:
        @mutation(permission="tickets.read", returns={"closed": bool})
        async def close_ticket(unit, input: TicketIdInput):
            """Close a ticket."""
            return {"closed": True}

    message = schema_refused(with_mutations(Misnamed))
    assert "closeTicket takes input: TicketIdInput!; it should be CloseTicketInput!" in message


def settings_of(**environ: str):
    from kamgraph.settings import Settings

    return Settings.from_env({f"KAMGRAPH_{name}": value for name, value in environ.items()})


def test_a_misspelt_setting_is_named_with_the_one_meant(caplog):
    from kamgraph.checks import check_settings

    plugin, _ = tickets_plugin()
    plugin.register_settings = hookimpl(lambda: {"KAMGRAPH_TICKETS_SLA_HOURS": "hours to answer; default 8"})
    pm = manager(plugin)
    settings = settings_of(
        DATABSE_URL="postgres://db/kam",  # the core's
        TICKETS_SLA_HOUR="4",  # the plugin's
        TICKETS_SLA_HOURS="4",
        TEST_DATABASE_URL="postgres://db/test",  # the test kit's, not the server's
        RISK_FALLING_MONTHS="4",  # a plugin that is not enabled
    )
    check_settings(settings, pm)
    assert [r.getMessage() for r in caplog.records if r.name == "kamgraph"] == [
        "KAMGRAPH_DATABSE_URL is not a setting of kamgraph or of an enabled plugin, so it changes nothing; "
        "did you mean KAMGRAPH_DATABASE_URL?",
        "KAMGRAPH_RISK_FALLING_MONTHS is not a setting of kamgraph or of an enabled plugin, so it changes nothing",
        "KAMGRAPH_TICKETS_SLA_HOUR is not a setting of kamgraph or of an enabled plugin, so it changes nothing; "
        "did you mean KAMGRAPH_TICKETS_SLA_HOURS?",
    ]
    caplog.clear()
    check_settings(settings, pm)  # said once per process, not at each app or command
    assert not caplog.records
    with pytest.raises(
        PluginError, match=r"^KAMGRAPH_DATABSE_URL .* \(KAMGRAPH_ENV=production refuses unknown settings\)$"
    ):
        check_settings(settings.with_(env="production"), pm)


def test_the_bundled_plugins_declare_every_setting_they_read(caplog):
    from kamgraph.checks import check_settings

    pm = PluginManager.from_names(("bundled",))
    check_settings(settings_of(RISK_FALLING_MONTHS="4", PIPELINE_ALLOW_SKIP="true", ENV="production"), pm)
    assert not caplog.records


def test_a_plugin_declares_settings_under_its_own_name_only():
    from kamgraph.checks import check_settings

    plugin, _ = tickets_plugin()
    plugin.register_settings = hookimpl(lambda: {"KAMGRAPH_DATABASE_URL": "mine"})
    with pytest.raises(
        PluginError,
        match=r"^plugin 'tickets' declares the setting KAMGRAPH_DATABASE_URL: its settings are named KAMGRAPH_TICKETS_\*$",
    ):
        check_settings(settings_of(), manager(plugin))
