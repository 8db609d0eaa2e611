"""Every hook a kamgraph plugin can implement.

One typed, empty function per hook. Hooks are called with keyword arguments only; an implementation
may accept any subset of the arguments. ``register_*`` hooks are collected from every plugin;
``*_from_*`` and ``*_allowed`` hooks are ``firstresult`` (the first non-None answer wins, None means
"no opinion"); ``on_*``, ``startup`` and ``shutdown`` are notifications. pluggy is synchronous: an
implementation of a notification or ``register_*`` hook may return an awaitable and kamgraph awaits
it, but a ``firstresult`` hook must never be ``async def`` (its coroutine would count as an answer).

``docs/plugins.md`` documents each of these with an example; ``tests/test_hookspecs_documented.py``
fails when one is missing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from datetime import date

    from starlette.requests import HTTPConnection

    from kamgraph.events import Event, UnitOfWork
    from kamgraph.health import HealthSignal
    from kamgraph.jobs import Job
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.permissions import Permissions
    from kamgraph.settings import Settings
    from kamgraph.sync import SyncKind

hookspec = pluggy.HookspecMarker("kamgraph")


# --- Data: models and demo data -------------------------------------------------------------------


@hookspec
def register_models() -> dict[str, dict[str, Any]]:
    """Declare the plugin's tortoise apps.

    Return ``{app_label: {"models": [module, ...], "migrations": "package.of.migrations"}}``. Each
    plugin owns its app labels; two plugins claiming one label is a start-up error. Models refer to
    core models as ``"core.Account"`` and a plugin's first migration depends on the core's.
    """


@hookspec
def register_demo_data(settings: Settings, seed: int, today: date) -> Any:
    """Seed demo rows for ``kamgraph demo`` and ``serve --demo`` into an empty, migrated database.

    Called once per plugin, the core first (so plugins can read its accounts, contracts and people).
    Must be deterministic for a given ``seed`` and ``today`` (dates are laid out relative to it).
    May return an awaitable.
    """


# --- Schema: types, root fields, extensions -------------------------------------------------------


@hookspec
def register_types() -> list[type]:
    """Strawberry types the schema must include even when no root field names them.

    Use it for types reached only through an interface (``Node``) or a union. Two plugins registering
    one GraphQL type name is a start-up error.
    """


@hookspec
def register_queries() -> list[type]:
    """Strawberry ``@strawberry.type`` classes whose fields become root ``Query`` fields.

    Each field name must be unique across all plugins; a duplicate is a start-up error naming both.
    """


@hookspec
def register_mutations() -> list[type]:
    """Strawberry ``@strawberry.type`` classes whose fields become root ``Mutation`` fields.

    Follow API.md: ``verbNoun(input: VerbNounInput!): VerbNounPayload!`` with ``userErrors``.
    """


@hookspec
def register_subscriptions() -> list[type]:
    """Strawberry ``@strawberry.type`` classes whose async-generator fields become ``Subscription`` fields."""


@hookspec
def register_type_extensions() -> list[tuple[str, Any]]:
    """Fields a plugin adds to another plugin's (or the core's) type.

    Return ``[("Account", field), ...]`` where ``field`` is a ``strawberry.field`` with a resolver
    and a ``name``. The resolver receives the row (a tortoise model instance) as ``root``. A field
    name that the type already has is a start-up error.
    """


@hookspec
def register_nodes() -> list[Any]:
    """Node types declared once with :class:`kamgraph.plugin.NodeType`.

    Return ``[NodeType(Ticket, TicketType, list_name="tickets", filters=(...), orders=(...), parent="account")]``.
    Each gives the type, ``ticket(id:)``, ``tickets(first, after, last, before, filter, orderBy)`` through the
    scoped accessor, ``Account.tickets(...)`` when it has a ``parent``, its generated ``TicketFilter`` and
    ``TicketOrder``, and ``node(id:)`` resolution. Do not register the type again in ``register_types``.
    """


@hookspec
def register_node_types() -> dict[str, Any]:
    """Extra global-id resolvers for ``node(id:)`` and ``nodes(ids:)``; not needed since 0.2.

    ``node(id:)`` resolves every type of the schema that implements ``Node`` with ``is_type_of =
    node_type_of(Model)``, so a plugin need not repeat them here. Return ``{"ModelName": model_class}``;
    a name that a type already resolves to another model is a start-up error.
    """


# --- Rules: other plugins' say on a core write ------------------------------------------------------


@hookspec
def contract_transition_problems(unit: UnitOfWork, contract: Any, verb: str, changes: dict[str, Any]) -> Any:
    """Refuse a step of the contract flow for a rule the core does not know (the risk plugin's credit
    limit on ``sign``, say).

    Called on every plugin inside the write transaction, after the core's own checks and before the
    change is saved. ``verb`` is the step (``submit``, ``approve``, ``sign``, ``activate``...),
    ``changes`` the columns it will set (``status``, ``signed_on``...). Return a list of
    :class:`kamgraph.errors.Problem` (an empty list or None when the step may go ahead), or an awaitable
    of one. Any problem from any plugin refuses the step: the client gets them as user errors and
    nothing is changed, rows the hook wrote included.
    """


# --- Health ----------------------------------------------------------------------------------------------


@hookspec
def register_health_signals() -> list[HealthSignal]:
    """The plugin's contributions to account health, as :class:`kamgraph.health.HealthSignal` objects
    named ``<plugin>.<what>``.

    Each scores a batch of accounts from 0 to 100 with a detail, reading through the scoped rows it is
    given. ``Account.healthSignals`` lists them; a signal name registered twice is a start-up error.
    """


# --- Security --------------------------------------------------------------------------------------


@hookspec
def register_permissions() -> dict[str, Any]:
    """Permissions the plugin checks: ``{"risk.assess": Permission.of("Record a credit assessment", *roles)}``.

    ``roles`` hold the permission by default (a plain description string grants it to no role, only to
    API keys that name it). Names are ``<plugin>.<verb>``; a name registered twice is a start-up error.
    """


@hookspec(firstresult=True)
def actor_from_request(request: HTTPConnection, settings: Settings, permissions: Permissions) -> Any:
    """Who is calling. ``firstresult``: return an ``Actor``, an awaitable of one (when you must look
    the caller up), or None for "no opinion". The function itself must not be ``async def``: return the
    coroutine only when you have an opinion.

    The core's implementation, registered last, reads ``Authorization: Bearer <token>`` (a session
    token from ``login`` or an API key). No actor means only ``login`` is allowed.
    """


# --- Events ------------------------------------------------------------------------------------------


@hookspec
def register_event_types() -> dict[str, str]:
    """Event types the plugin emits, as ``{"contract.signed": "A contract moved to SIGNED"}``.

    Emitting an unregistered type is an error; a type registered twice is a start-up error.
    """


@hookspec
def on_event(event: Event, unit: UnitOfWork) -> Any:
    """A domain event, delivered after its transaction committed. May return an awaitable.

    Runs once per event per plugin. Take ``unit`` to write in reaction: the reaction runs in a unit of work
    of its own, as the system acting for the plugin, so what it writes is audited and its events are
    delivered in turn; raising ``Refused`` (or failing) undoes the reaction only. An exception here is logged
    and never undoes the change that emitted the event.
    """


# --- Jobs ---------------------------------------------------------------------------------------------


@hookspec
def register_jobs() -> list[Job]:
    """Scheduled jobs of the plugin, as :class:`kamgraph.jobs.Job` objects named ``<plugin>.<what>``.

    Each has a schedule (``every``, ``daily``, ``weekly``, ``monthly``, ``quarterly``) and an
    ``async def run(ctx)`` that returns a summary. The runner records every run and never runs a job
    twice at once across processes; the job itself must be idempotent (a run may be repeated).
    """


@hookspec
def register_sync_kinds() -> list[SyncKind]:
    """Kinds of record that ``kamgraph import`` and ``kamgraph export`` handle, as :class:`kamgraph.sync.SyncKind`.

    A kind names its model, its columns (``Column(name, attr, parse)``) and the upsert service that
    applies one record; exports read through the scoped accessor and mask guarded columns by themselves.
    """


# --- Commands and routes ------------------------------------------------------------------


@hookspec
def register_commands(cli: Any) -> None:
    """Add sub-commands to the ``kamgraph`` CLI. ``cli`` is the ``argparse`` sub-parsers object.

    Set ``func`` on the new parser with ``set_defaults(func=...)``: it receives the parsed arguments
    and the ``Settings``, and may be ``async def``.
    """


@hookspec
def register_metrics() -> list[Any]:
    """Prometheus collectors (objects with ``collect()``, see prometheus_client's custom collectors) whose
    metrics ``/metrics`` adds at each scrape, e.g. a gauge read from the plugin's tables. Plain
    ``Counter``/``Histogram`` objects need no hook: prometheus_client's default registry is scraped.
    """


@hookspec
def register_routes() -> list[Any]:
    """Extra starlette ``Route`` objects mounted beside ``/graphql`` (e.g. a metrics endpoint)."""


# --- Configuration -----------------------------------------------------------------------------------


@hookspec
def register_settings() -> dict[str, str]:
    """The environment variables the plugin reads, as ``{"KAMGRAPH_TICKETS_SLA_HOURS": "what it is, its
    default"}``; each name starts with ``KAMGRAPH_<PLUGIN>_``. Their values reach the plugin raw in
    ``Settings.extra`` (``tickets_sla_hours``). A ``KAMGRAPH_*`` variable that neither the core nor an
    enabled plugin declares is named at start-up with the closest declared name (an error in production).
    """


# --- Lifecycle ---------------------------------------------------------------------------------------


@hookspec
def startup(settings: Settings, pm: PluginManager) -> Any:
    """The app started and the database is connected. May return an awaitable."""


@hookspec
def shutdown(settings: Settings) -> Any:
    """The app is stopping; the database is still connected. May return an awaitable."""
