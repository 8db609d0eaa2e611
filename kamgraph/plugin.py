"""Everything a plugin imports from kamgraph, and nothing else: the public plugin API.

A plugin writes ``from kamgraph.plugin import NodeType, mutation, visible, ...`` and imports no other
kamgraph module (tests/test_layers.py holds the bundled plugins to it). What is here is documented in
docs/plugins.md and changes only as CHANGELOG.md says. Grouped as a plugin author meets them:

- **wiring**: ``hookimpl``, ``Permission``, ``Role``;
- **tables**: ``NodeModel``, ``VersionedModel``, ``SealedTextField``;
- **GraphQL**: ``Node``, ``node_type_of``, ``NodeType``, the field factories, the filter inputs, ``mutation``;
- **the core's types and tables**, to refer to and to extend (``AccountType``, ``Contract``...);
- **reading**: ``visible``/``Rows`` (the scoped accessor), ``context``, ``load_one``, ``SYSTEM_ACTOR``;
- **writing**: ``UnitOfWork``, ``create``/``save``/``find``..., ``Problem``/``invalid``/``refuse_if``, the
  shared value checks (``money_problem``...), ``find_staff``/``find_contact``;
- **jobs, health signals, settings, ids**.
"""

from __future__ import annotations

from kamgraph import hookimpl
from kamgraph.api import (
    Connection,
    Node,
    OrderDirection,
    RequestError,
    UserError,
    context,
    described_enum,
    list_connection,
    load_children,
    load_one,
    mutation,
    mutation_field,
    order_input,
    payload_type,
    write,
)
from kamgraph.api.declare import NodeType, register_filter
from kamgraph.api.fields import (
    child_list_field,
    children_field,
    computed_field,
    list_field,
    node_field,
    sensitive_field,
    to_one_field,
)
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
from kamgraph.api.nodes import node_type_of
from kamgraph.core.accounts.models import Account, AccountStatus, Region, Tier
from kamgraph.core.accounts.rules import industry_sections
from kamgraph.core.accounts.types import (
    AccountFilter,
    AccountKeys,
    AccountStatusEnum,
    AccountType,
    RegionEnum,
    TierEnum,
)
from kamgraph.core.contracts.models import Contract, ContractStatus, Edition, Instalment, Payment
from kamgraph.core.contracts.mutations import InstalmentInput
from kamgraph.core.contracts.rules import SIGNED_STATUSES, PlannedInstalment
from kamgraph.core.contracts.services import create_contract
from kamgraph.core.contracts.types import ContractFilter, ContractType, EditionEnum, InstalmentType
from kamgraph.core.people.lookup import find_contact, find_staff
from kamgraph.core.people.models import Person, PersonKind, PersonStatus, RelationshipLevel, StaffRole
from kamgraph.core.people.types import PersonFilter, PersonType
from kamgraph.core.permissions import AMOUNTS_READ
from kamgraph.crypto import SealedTextField
from kamgraph.db import write_transaction
from kamgraph.db.models import NodeModel, VersionedModel
from kamgraph.db.sql import seconds_between
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if, violation
from kamgraph.events import UnitOfWork
from kamgraph.health import HealthSignal, SignalContext, SignalValue
from kamgraph.ids import InvalidId, from_global_id, int_key, to_global_id
from kamgraph.jobs import Job, JobContext
from kamgraph.jobs.schedule import daily, every, monthly, quarterly, weekly
from kamgraph.security.actors import DIRECTORS, SYSTEM_ACTOR, Actor, Role
from kamgraph.security.permissions import Permission
from kamgraph.security.scope import Rows, visible
from kamgraph.settings import Settings, extra_flag, extra_int, extra_ints
from kamgraph.values import money_problem, period_problem, scale_problem, text_problem
from kamgraph.workdays import WorkCalendar
from kamgraph.writes import (
    archive,
    check_version,
    create,
    delete,
    find,
    find_or_problem,
    given,
    lock_row,
    not_archived,
    save,
)

__all__ = [
    # wiring
    "AMOUNTS_READ",
    "DIRECTORS",
    "Permission",
    "Role",
    "hookimpl",
    # tables
    "NodeModel",
    "SealedTextField",
    "VersionedModel",
    # GraphQL: types, lists, filters, mutations
    "BooleanFilter",
    "Connection",
    "DateFilter",
    "DateTimeFilter",
    "DecimalFilter",
    "IDFilter",
    "IntFilter",
    "Node",
    "NodeType",
    "OrderDirection",
    "RequestError",
    "StringFilter",
    "UserError",
    "child_list_field",
    "children_field",
    "computed_field",
    "enum_filter",
    "id_resolver",
    "list_connection",
    "list_field",
    "mutation",
    "mutation_field",
    "node_field",
    "node_type_of",
    "order_input",
    "payload_type",
    "register_filter",
    "sensitive_field",
    "to_one_field",
    "write",
    # the core's types and tables
    "SIGNED_STATUSES",
    "Account",
    "AccountFilter",
    "AccountKeys",
    "AccountStatus",
    "AccountStatusEnum",
    "AccountType",
    "Contract",
    "ContractFilter",
    "ContractStatus",
    "ContractType",
    "Edition",
    "EditionEnum",
    "Instalment",
    "InstalmentInput",
    "InstalmentType",
    "Payment",
    "Person",
    "PersonFilter",
    "PersonKind",
    "PersonStatus",
    "RelationshipLevel",
    "PersonType",
    "PlannedInstalment",
    "Region",
    "RegionEnum",
    "StaffRole",
    "Tier",
    "TierEnum",
    "create_contract",
    "industry_sections",
    # reading
    "SYSTEM_ACTOR",
    "Actor",
    "Rows",
    "context",
    "described_enum",
    "load_children",
    "load_one",
    "seconds_between",
    "visible",
    # writing
    "Code",
    "Problem",
    "Refused",
    "UnitOfWork",
    "archive",
    "check_version",
    "create",
    "delete",
    "find",
    "find_contact",
    "find_or_problem",
    "find_staff",
    "given",
    "invalid",
    "violation",
    "lock_row",
    "not_archived",
    "money_problem",
    "period_problem",
    "refuse_if",
    "save",
    "scale_problem",
    "text_problem",
    "write_transaction",
    # jobs, health signals, settings, ids
    "HealthSignal",
    "InvalidId",
    "Job",
    "JobContext",
    "Settings",
    "SignalContext",
    "SignalValue",
    "WorkCalendar",
    "daily",
    "every",
    "extra_flag",
    "extra_int",
    "extra_ints",
    "from_global_id",
    "int_key",
    "monthly",
    "quarterly",
    "to_global_id",
    "weekly",
]
