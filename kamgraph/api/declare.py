"""A node type declared once: ``NodeType(Ticket, TicketType, list_name="tickets", ...)`` gives

- ``ticket(id: ID!): Ticket`` and ``tickets(first, after, last, before, filter, orderBy): TicketConnection!``,
  both through the scoped accessor;
- ``Account.tickets(...)``, the same list nested under the parent the model's ``parent`` key names;
- ``TicketFilter``, generated from the model's fields (operators by kind, relation filters into the related
  type's filter, global ids, ``and``/``or``/``not``), and ``TicketOrder`` with its ``TicketOrderField`` enum;
- ``node(id:)`` resolution, from the type's ``is_type_of = node_type_of(Ticket)``.

A plugin returns its node types from ``register_nodes``; the schema builder adds each field where it belongs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import strawberry
from tortoise import fields as orm
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model

from kamgraph.api.connections import OrderDirection, order_input
from kamgraph.api.fields import child_list_field, list_field, node_field
from kamgraph.api.filters import (
    BooleanFilter,
    DateFilter,
    DateTimeFilter,
    DecimalFilter,
    IDFilter,
    IntFilter,
    StringFilter,
    enum_filter,
    id_resolver,
)
from kamgraph.api.internals import enum_name, object_definition
from kamgraph.plugin_manager import PluginError

#: "app.Model" -> its ``XFilter``, so that a relation filter nests into the related type's (the core registers its
#: own); keyed by name because tortoise resolves relations only when the database opens, after the schema is built
_FILTERS: dict[str, type] = {}

#: model field kinds -> their operator input (API.md "Filters and sorting")
_OPERATORS: tuple[tuple[type, Any], ...] = (
    (orm.BooleanField, BooleanFilter),
    (orm.DatetimeField, DateTimeFilter),
    (orm.DateField, DateFilter),
    (orm.DecimalField, DecimalFilter),
    (orm.IntField, IntFilter),
    (orm.SmallIntField, IntFilter),
    (orm.CharField, StringFilter),
    (orm.TextField, StringFilter),
)


def _words(name: str) -> str:
    """``dunningNotices`` -> ``dunning notices``, ``FieldVisit`` -> ``field visit``: for descriptions."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def register_filter(model: type[Model], filter_type: type) -> type:
    """Make ``filter_type`` the filter that relation filters into ``model`` use (e.g. ``account: AccountFilter``)."""
    _FILTERS[_label(model)] = filter_type
    return filter_type


def _label(model: type[Model]) -> str:
    return f"{model._meta.app}.{model.__name__}"


def _operator_input(model: type[Model], name: str) -> Any:
    field_ = model._meta.fields_map.get(name)
    if field_ is None:
        raise PluginError(f"{model.__name__} has no field {name!r} to filter on")
    if isinstance(field_, ForeignKeyFieldInstance | OneToOneFieldInstance):
        target = field_.model_name if isinstance(field_.model_name, str) else _label(field_.model_name)
        found = _FILTERS.get(target if "." in target else f"{model._meta.app}.{target}")
        if found is None:
            raise PluginError(
                f"{model.__name__}.{name}: no filter is declared for {field_.model_name}; declare its NodeType first"
            )
        return found
    enum_type = getattr(field_, "enum_type", None)
    if enum_type is not None:
        if enum_name(enum_type) is None:
            raise PluginError(
                f"{model.__name__}.{name}: wrap {enum_type.__name__} with strawberry.enum to filter on it"
            )
        return enum_filter(enum_type)
    for kind, operators in _OPERATORS:
        if isinstance(field_, kind):
            return operators
    raise PluginError(f"{model.__name__}.{name}: kamgraph has no filter for a {type(field_).__name__}")


def generated_filter(model: type[Model], type_name: str, names: tuple[str, ...], description: str) -> type:
    """``<type_name>Filter``: one operator input per named field, ``id``, and ``and``/``or``/``not``."""
    cls = type(f"{type_name}Filter", (), {"__module__": model.__module__})
    annotations: dict[str, Any] = {"id": IDFilter | None}
    namespace: dict[str, Any] = {"id": None}
    for name in names:
        annotations[name] = _operator_input(model, name) | None
        namespace[name] = None
    annotations |= {"and_": list[cls] | None, "or_": list[cls] | None, "not_": cls | None}
    namespace |= {
        "and_": strawberry.field(default=None, name="and", description="Every one of these holds."),
        "or_": strawberry.field(default=None, name="or", description="At least one of these holds."),
        "not_": strawberry.field(default=None, name="not", description="This does not hold."),
        "resolve_id": id_resolver(model.__name__),
    }
    cls.__annotations__ = annotations
    for name, value in namespace.items():
        setattr(cls, name, value)
    return strawberry.input(cls, name=f"{type_name}Filter", description=description)


def generated_order(model: type[Model], type_name: str, names: tuple[str, ...]) -> tuple[type[Enum], type]:
    """``<type_name>OrderField`` (one value per named field) and ``<type_name>Order``, the element of ``orderBy``."""
    for name in names:
        if name not in model._meta.fields_map:
            raise PluginError(f"{model.__name__} has no field {name!r} to order by")
    members = Enum(f"{type_name}OrderField", {name.upper(): name for name in names})  # type: ignore[misc]
    fields_enum = strawberry.enum(
        members, name=f"{type_name}OrderField", description=f"What {type_name} lists sort by."
    )
    return fields_enum, order_input(f"{type_name}Order", fields_enum)


@dataclass
class NodeType:
    """One declaration of an account-owned (or otherwise scoped) node type and everything a client reads it by.

    ``list_name`` names the root list and the child list (``tickets``); ``filters`` and ``orders`` name model
    fields; ``default_order`` is the list's order when none is asked for (``"-opened_at"`` for newest first);
    ``parent`` is the foreign key whose target type gets the child list (None: no child list);
    ``description`` describes the root list.
    """

    model: type[Model]
    type: Any
    list_name: str
    filters: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()
    default_order: tuple[str, ...] = ()
    parent: str | None = None
    description: str = ""
    filter: type = field(init=False)
    order: type = field(init=False)
    order_field: type[Enum] = field(init=False)

    def __post_init__(self) -> None:
        self.name = object_definition(self.type).name
        self.filter = register_filter(
            self.model,
            generated_filter(self.model, self.name, self.filters, f"Conditions on {self.name} rows; relations nest."),
        )
        self.order_field, self.order = generated_order(self.model, self.name, self.orders or ("id",))

    # --- the fields ---

    def _defaults(self) -> list[Any] | None:
        if not self.default_order:
            return None
        unknown = [name for name in self.default_order if name.lstrip("-") not in self.orders]
        if unknown:
            raise PluginError(f"{self.name}: default_order names {unknown}, which are not among its orders")
        return [
            self.order(
                field=self.order_field(name.lstrip("-")),
                direction=OrderDirection.DESC if name[0] == "-" else OrderDirection.ASC,
            )
            for name in self.default_order
        ]

    @property
    def queries(self) -> type:
        """The root fields ``<name>(id:)`` and ``<list_name>(...)``, as a query class of their own."""
        one = self.name[0].lower() + self.name[1:]
        archived = " Archived ones only with includeArchived." if "archived_at" in self.model._meta.fields_map else ""
        namespace = {
            one: node_field(self.model, self.type, name=one),
            self.list_name: list_field(
                self.model,
                self.type,
                self.filter,
                self.order,
                (self.description or f"The {self.name} rows you may see.") + archived,
                default_order=self._defaults(),
                name=self.list_name,
            ),
        }
        return strawberry.type(type(f"{self.name}NodeQueries", (), namespace))

    @property
    def extensions(self) -> list[tuple[str, Any]]:
        """``<Parent>.<list_name>(...)``: the child list on the parent type, for ``register_type_extensions``."""
        if self.parent is None:
            return []
        key = self.model._meta.fields_map.get(self.parent)
        if not isinstance(key, ForeignKeyFieldInstance | OneToOneFieldInstance):
            raise PluginError(f"{self.name}: parent {self.parent!r} is not a foreign key of {self.model.__name__}")
        parent_type = key.model_name.split(".")[-1] if isinstance(key.model_name, str) else key.model_name.__name__
        nested = child_list_field(
            self.model,
            self.parent,
            self.type,
            self.filter,
            self.order,
            f"The {_words(self.list_name)} of this {_words(parent_type)}.",
            default_order=self._defaults(),
            name=self.list_name,
        )
        nested.python_name = self.list_name
        return [(parent_type, nested)]
