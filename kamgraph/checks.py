"""The start-up checks of the plugin contract: what a plugin forgets stops start-up, never serves data.

Each check raises :class:`~kamgraph.plugin_manager.PluginError` with one line that names the plugin and
the model or field, and says what to write. They run before the database is opened
(:func:`check_models`), and once it is open, before anything is served or migrated
(:func:`check_migrations`).

- **Row scope.** A model with a foreign key to an account-owned model (``core.Account``, or anything that
  declares a scope) declares its own: ``scope_via`` (the path to its account), ``owned_by`` (rows that
  belong to one member of staff), ``department_wide = True`` with the ``read_permission`` that reads it, or
  ``internal = True`` (a table the API never reads: the scoped accessor returns none of its rows).
- **Money.** A decimal with two places is money (DESIGN.md "Data"); it names the permission that shows it
  in ``sensitive_fields``, so that it is masked, audited, and closed to sorts, filters and totals without it.
- **Permissions.** Every permission a model names is registered by an enabled plugin: a typo fails here
  instead of making a field FORBIDDEN for every real user.
- **Names.** A table or a backward relation claimed twice, core included, names both owners (tortoise would
  fail later with a message naming neither plugin).
- **Migrations.** A registered model matches what its migrations create (the comparison ``kamgraph
  makemigrations`` makes), so that nothing "migrates successfully" and then fails at run time.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.fields.relational import (
    BackwardFKRelation,
    ForeignKeyFieldInstance,
    ManyToManyFieldInstance,
    OneToOneFieldInstance,
)
from tortoise.models import Model

from kamgraph.plugin_manager import PluginError

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.settings import Settings

RELATIONS = (ForeignKeyFieldInstance, OneToOneFieldInstance, ManyToManyFieldInstance)


@dataclass(frozen=True)
class Registered:
    """A model as a plugin registered it."""

    plugin: str
    app: str
    model: type[Model]

    @property
    def name(self) -> str:
        return f"{self.app}.{self.model.__name__}"

    @property
    def table(self) -> str:
        return self.model._meta.db_table or self.model.__name__.lower()


def registered_models(pm: PluginManager) -> list[Registered]:
    """Every model of the enabled plugins, found the way tortoise finds them (before it is initialised)."""
    found: list[Registered] = []
    for plugin, declared in pm.collect("register_models"):
        for label, app in declared.items():
            for module_name in app["models"]:
                module = importlib.import_module(module_name)
                candidates = getattr(module, "__models__", None) or [getattr(module, a) for a in dir(module)]
                for model in candidates:
                    if not (inspect.isclass(model) and issubclass(model, Model)) or model._meta.abstract:
                        continue
                    if model._meta.app and model._meta.app != label:
                        continue  # imported from another app's module
                    if model.__module__ != module.__name__ and not model._meta.app:
                        continue
                    found.append(Registered(plugin, label, model))
    return list({r.model: r for r in found}.values())


def check_models(pm: PluginManager, permissions: Iterable[str]) -> None:
    """The checks that need only the model classes: scope, money, permissions, tables, relations."""
    models = registered_models(pm)
    by_name = {r.name: r for r in models}
    known = set(permissions)
    _check_unique_tables(models)
    _check_backward_relations(models, by_name)
    for registered in models:
        _check_permissions(registered, known)
        _check_scope(registered, by_name)
        _check_money(registered)


def _problem(registered: Registered, text: str) -> PluginError:
    return PluginError(f"plugin {registered.plugin!r}: {registered.model.__name__} {text}")


def _check_unique_tables(models: list[Registered]) -> None:
    owners: dict[str, Registered] = {}
    for registered in models:
        other = owners.setdefault(registered.table, registered)
        if other is not registered:
            raise PluginError(
                f"table {registered.table!r} is declared by both plugin {other.plugin!r} ({other.name}) and "
                f"plugin {registered.plugin!r} ({registered.name}); give one Meta.table another name"
            )


def _relation_target(field: Any, registered: Registered) -> str:
    name = field.model_name if isinstance(field.model_name, str) else field.model_name.__name__
    return name if "." in name else f"{registered.app}.{name}"


def _check_backward_relations(models: list[Registered], by_name: dict[str, Registered]) -> None:
    """``related_name``s are fields added to the target model: each may be claimed once, and not over a field."""
    claimed: dict[tuple[str, str], Registered] = {}
    for registered in models:
        for field_name, field in registered.model._meta.fields_map.items():
            if not isinstance(field, RELATIONS) or field.related_name is False or getattr(field, "_generated", False):
                continue  # (the reverse side of a many-to-many is generated by tortoise)
            target_name = _relation_target(field, registered)
            related = field.related_name or f"{registered.table}s"
            target = by_name.get(target_name)
            if target is None:
                raise _problem(registered, f".{field_name} refers to {target_name}, which no enabled plugin registers")
            where = f"{registered.name}.{field_name}"
            existing = target.model._meta.fields_map.get(related)
            if existing is not None and not isinstance(existing, BackwardFKRelation):  # (added by an earlier init)
                raise PluginError(
                    f"plugin {registered.plugin!r}: {where} adds {target_name}.{related}, which plugin "
                    f"{target.plugin!r} already defines as a field; choose another related_name"
                )
            other = claimed.setdefault((target_name, related), registered)
            if other is not registered:
                raise PluginError(
                    f"backward relation {target_name}.{related} is declared by both plugin {other.plugin!r} and plugin "
                    f"{registered.plugin!r} ({where}); choose another related_name"
                )


def _check_permissions(registered: Registered, known: set[str]) -> None:
    model = registered.model
    named = [("read_permission", getattr(model, "read_permission", None))]
    named += [(f"sensitive_fields[{f!r}]", p) for f, p in getattr(model, "sensitive_fields", {}).items()]
    owned_by = getattr(model, "owned_by", None)
    if owned_by:
        named.append(("owned_by", owned_by[1]))
    for where, permission in named:
        if permission and permission not in known:
            raise _problem(
                registered, f"{where} names the permission {permission!r}, which no enabled plugin registers"
            )


def is_account_owned(model: type[Model]) -> bool:
    """Rows that belong to an account, or to a member of staff: reading them needs a row scope."""
    return getattr(model, "scope_via", None) is not None or getattr(model, "owned_by", None) is not None


def _check_scope(registered: Registered, by_name: dict[str, Registered]) -> None:
    model = registered.model
    path = getattr(model, "scope_via", None)
    if path is not None:
        _check_scope_path(registered, path, by_name)
    owned_by = getattr(model, "owned_by", None)
    if owned_by is not None and owned_by[0] not in model._meta.fields_map:
        raise _problem(registered, f"owned_by names {owned_by[0]!r}, which is not one of its fields")
    if getattr(model, "internal", False):
        return  # never read through the API: the scoped accessor returns none of its rows
    if getattr(model, "department_wide", False):
        if not getattr(model, "read_permission", None):
            raise _problem(
                registered, "is department_wide but names no read_permission: name the permission that reads it"
            )
        return
    if is_account_owned(model):
        return
    for field_name, field in model._meta.fields_map.items():
        if not isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance):
            continue
        target = by_name.get(_relation_target(field, registered))
        if target is not None and is_account_owned(target.model):
            raise _problem(
                registered,
                f"has a foreign key to {target.name} ({field_name}) but declares no row scope: add "
                f'scope_via = ("{field_name}", ...) up to core.Account, owned_by = (field, permission), '
                "department_wide = True with its read_permission, or internal = True if the API never reads it",
            )


def _check_scope_path(registered: Registered, path: tuple[str, ...], by_name: dict[str, Registered]) -> None:
    current = registered
    for hop in path:
        field = current.model._meta.fields_map.get(hop)
        if not isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance):
            raise _problem(registered, f"scope_via {path!r}: {hop!r} is not a foreign key of {current.name}")
        target = by_name.get(_relation_target(field, current))
        if target is None:
            raise _problem(registered, f"scope_via {path!r} leads to a model no enabled plugin registers")
        current = target
    if getattr(current.model, "scope_via", None) != ():
        raise _problem(registered, f"scope_via {path!r} ends at {current.name}, not at core.Account")


def is_money(field: Any) -> bool:
    """Money is a decimal with two places (DESIGN.md "Data")."""
    return isinstance(field, fields.DecimalField) and field.decimal_places == 2


def _check_money(registered: Registered) -> None:
    guarded = getattr(registered.model, "sensitive_fields", {})
    for field_name, field in registered.model._meta.fields_map.items():
        if is_money(field) and field_name not in guarded:
            raise _problem(
                registered,
                f".{field_name} is money but names no permission: add it to sensitive_fields "
                f'(e.g. {{"{field_name}": "contracts.amounts.read"}})',
            )


async def check_migrations(pm: PluginManager) -> None:
    """Refuse models that differ from what their migrations create (the database layer must be initialised)."""
    from tortoise import Tortoise
    from tortoise.migrations.autodetector import MigrationAutodetector

    from kamgraph.db import apps_config

    owners = {label: plugin for plugin, declared in pm.collect("register_models") for label in declared}
    for writer in await MigrationAutodetector(Tortoise.apps, apps_config(pm)).changes():
        label = writer.app_label
        described = "; ".join(operation.describe() for operation in writer.operations[:3])
        more = f" and {len(writer.operations) - 3} more" if len(writer.operations) > 3 else ""
        raise PluginError(
            f"plugin {owners.get(label, label)!r}: the models of app {label!r} differ from its migrations "
            f"({described}{more}); write the migration with `kamgraph makemigrations {label}`"
        )


async def check_keys(settings: Settings) -> None:
    """Refuse to start with keys that cannot open what the database holds (the database must be open and
    migrated): the newest sealed value of every encrypted column names the key that sealed it. Without this
    check a server started with another key (another directory, a lost key file) serves an error for every
    request that reads one."""
    from tortoise import Tortoise

    from kamgraph.crypto import PREFIX, KeyError_, SealedTextField, keyring
    from kamgraph.db import db

    loaded = keyring().keys
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            for name, field in meta.fields_map.items():
                if not isinstance(field, SealedTextField):
                    continue
                column, table, pk = field.source_field or name, meta.db_table, meta.pk.source_field or meta.pk_attr
                _, rows = await db().execute_query(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL ORDER BY "{pk}" DESC LIMIT 1'
                )
                sealed = str(rows[0][column]) if rows else ""
                prefix, _, rest = sealed.partition(".")
                needed = rest.partition(".")[0]
                if prefix == PREFIX and needed not in loaded:
                    raise KeyError_(
                        f"the database holds values sealed with key {needed}, which {key_source(settings)} "
                        f"does not hold (it has {', '.join(loaded)}): start with the key file the database was "
                        "created with (KAMGRAPH_SECRET_KEY_FILE) or its key (KAMGRAPH_SECRET_KEY)"
                    )


def key_source(settings: Settings) -> str:
    """Where the keys were read from, for messages."""
    if settings.secret_key:
        return "KAMGRAPH_SECRET_KEY"
    return f"the key file {settings.secret_key_file or settings.default_key_file}"


#: read from the environment by something other than the server: not settings, never reported
NOT_SETTINGS = frozenset({"KAMGRAPH_TEST_DATABASE_URL"})  # kamgraph.testing's database for a plugin's suite
_reported: set[str] = set()


def declared_settings(pm: PluginManager) -> dict[str, str]:
    """Every ``KAMGRAPH_*`` variable the core and the enabled plugins read, with the plugin that reads it; a
    plugin's names start with ``KAMGRAPH_<PLUGIN>_``."""
    from dataclasses import fields

    from kamgraph.settings import Settings

    declared = {f"KAMGRAPH_{f.name.upper()}": "kamgraph" for f in fields(Settings) if f.name != "extra"}
    for name, (plugin, _) in pm.collect_unique("register_settings", "setting").items():
        prefix = f"KAMGRAPH_{plugin.upper()}_"
        if not name.startswith(prefix) or name in declared:
            raise PluginError(f"plugin {plugin!r} declares the setting {name}: its settings are named {prefix}*")
        declared[name] = plugin
    return declared


def check_settings(settings: Settings, pm: PluginManager) -> None:
    """Name every ``KAMGRAPH_*`` variable that nothing reads, with the closest declared name: a misspelt
    variable is otherwise silently ignored (``KAMGRAPH_DATABSE_URL`` would migrate a new SQLite file). A
    warning in development, once per process; in production, start-up stops."""
    import difflib
    import logging

    declared = declared_settings(pm)
    for name in sorted(f"KAMGRAPH_{key.upper()}" for key in settings.extra):
        if name in declared or name in NOT_SETTINGS:
            continue
        # compared without the prefix that every name shares, which would make any two names look alike
        closest = difflib.get_close_matches(name[9:], [known[9:] for known in declared], n=1, cutoff=0.75)
        hint = f"; did you mean KAMGRAPH_{closest[0]}?" if closest else ""
        message = f"{name} is not a setting of kamgraph or of an enabled plugin, so it changes nothing{hint}"
        if settings.production:
            raise PluginError(f"{message} (KAMGRAPH_ENV=production refuses unknown settings)")
        if message not in _reported:
            _reported.add(message)
            logging.getLogger("kamgraph").warning(message)


def check_plugins(pm: PluginManager) -> None:
    """Every check that needs no database: run before anything is served, migrated or exported."""
    from kamgraph.security.permissions import Permissions

    check_models(pm, Permissions.from_plugins(pm).registered)
