"""What every mutable kamgraph row has: a version, an external id, timestamps and soft archiving.

``scope_via`` names the foreign-key path from a model to its ``core.Account``; the scoped accessor
(:mod:`kamgraph.security.scope`) reads it to limit rows to the caller's accounts. A plugin's
account-owned model only has to declare it; one that refers to account-owned rows and declares no scope
(``scope_via``, ``owned_by`` or ``department_wide``) stops start-up (:mod:`kamgraph.checks`). A table the
API never reads (logins, sessions) says ``internal = True``, and the scoped accessor returns none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from tortoise import fields
from tortoise.models import Model

from kamgraph.ids import to_global_id


class NodeModel(Model):
    """A row that GraphQL can fetch alone by global id; its GraphQL type has the class's name."""

    #: foreign-key path to the owning account, e.g. ``("contract", "account")``; () for Account itself.
    scope_via: ClassVar[tuple[str, ...] | None] = None
    #: rows that belong to one member of staff (a target, an appraisal, pay): ``(field naming the person,
    #: permission that reads everyone's)``. Without that permission one reads one's own rows, on every path.
    owned_by: ClassVar[tuple[str, str] | None] = None
    #: refers to account-owned rows but belongs to no account (department figures, staff roles): readable
    #: by whoever holds ``read_permission``, which it must name. Start-up refuses an undeclared scope.
    department_wide: ClassVar[bool] = False
    #: rows visible to every internal actor whatever their scope, as ``(field, value)``.
    scope_public: ClassVar[tuple[str, str] | None] = None
    #: the permission without which no row of this model is visible (e.g. ``"contracts.read"``).
    read_permission: ClassVar[str | None] = None
    #: field -> permission: values shown only with the permission (null otherwise), audited when read.
    sensitive_fields: ClassVar[Mapping[str, str]] = {}
    #: columns an ``is_sensitive(name)`` method reads, for readers that load only some columns
    guard_columns: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def node_id(self) -> str:
        return to_global_id(type(self).__name__, self.pk)


class VersionedModel(NodeModel):
    """Mutable, integration-friendly rows: optimistic ``version`` and ``external_id`` per ``source``."""

    version = fields.IntField(default=1)
    external_id = fields.CharField(max_length=100, null=True)
    source = fields.CharField(max_length=50, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True
