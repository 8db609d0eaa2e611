"""The audit trail: every write, and every read of a sensitive value, by anyone.

Writes are recorded by the write helpers of :mod:`kamgraph.writes` into the unit of work and stored
in the same transaction as the change, so no change exists without its record. Reads of sensitive
values are collected while a request runs and stored when it ends, one record per object.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from kamgraph.security.actors import Actor
from kamgraph.security.models import AuditRecord


@dataclass
class AuditEntry:
    action: str
    subject_type: str
    subject_ids: tuple[Any, ...]
    account_id: int | None
    fields: tuple[str, ...] = ()
    changes: dict[str, Any] | None = None


def account_of(row: Model) -> int | None:
    """The account a row belongs to, when it says so directly (accounts, contracts, contacts...)."""
    path = getattr(row, "scope_via", None)
    if path == ():
        return row.pk
    if path and path[0] == "account":
        return getattr(row, "account_id", None)
    return None


def entry(
    action: str, row: Model, *, changes: dict[str, Any] | None = None, account_id: int | None | type = ...
) -> AuditEntry:
    return AuditEntry(
        action=action,
        subject_type=type(row).__name__,
        subject_ids=(row.pk,),
        account_id=account_of(row) if account_id is ... else account_id,
        fields=tuple(changes or ()),
        changes=changes,
    )


@dataclass
class ReadLog:
    """Sensitive values read during one request: (type, id) -> fields, and the rows, to find their accounts."""

    reads: dict[tuple[str, int | None], set[str]] = field(default_factory=dict)
    rows: dict[tuple[str, int | None], Model] = field(default_factory=dict)

    def add(self, row: Model | None, field_name: str, subject_type: str | None = None) -> None:
        key = (subject_type or type(row).__name__, row.pk if row is not None else None)
        self.reads.setdefault(key, set()).add(field_name)
        if row is not None:
            self.rows.setdefault(key, row)

    async def entries(self) -> list[AuditEntry]:
        """One entry per kind of row, account and set of fields, listing every row id it covers."""
        accounts = await accounts_of(list(self.rows.values()))
        grouped: dict[tuple[str, int | None, tuple[str, ...]], list[Any]] = {}
        for (kind, pk), names in self.reads.items():
            grouped.setdefault((kind, accounts.get((kind, pk)), tuple(sorted(names))), []).append(pk)
        return [
            AuditEntry("read", kind, tuple(pk for pk in pks if pk is not None), account, names)
            for (kind, account, names), pks in grouped.items()
        ]


def read_guarded(actor: Actor | None, reads: ReadLog, row: Model, name: str, value: Any = None) -> Any:
    """``row.name`` (or ``value``) if ``actor`` holds the permission guarding it, else None; every read of a
    guarded value is added to ``reads`` for the audit trail. The one rule for API fields and exports alike."""
    permission = row.sensitive_fields.get(name)
    if permission is None or not getattr(row, "is_sensitive", lambda _name: True)(name):
        return getattr(row, name) if value is None else value
    if actor is None or not actor.can(permission):
        return None
    reads.add(row, name)
    return getattr(row, name) if value is None else value


async def accounts_of(rows: list[Model]) -> dict[tuple[str, Any], int | None]:
    """The account of each row, following ``scope_via`` one query per hop for rows two or more hops away."""
    found: dict[tuple[str, Any], int | None] = {}
    by_model: dict[type[Model], list[Model]] = {}
    for row in rows:
        direct = account_of(row)
        if direct is not None or not getattr(row, "scope_via", None):
            found[(type(row).__name__, row.pk)] = direct
        else:
            by_model.setdefault(type(row), []).append(row)
    for model, group in by_model.items():
        hop, *rest = model.scope_via
        fk = model._meta.fields_map[hop]
        current = {row.pk: getattr(row, fk.source_field) for row in group}
        target = fk.related_model
        for step in rest:
            step_fk = target._meta.fields_map[step]
            mapping = await _parents(target, step_fk.source_field, {v for v in current.values() if v is not None})
            current = {pk: mapping.get(parent) for pk, parent in current.items()}
            target = step_fk.related_model
        found.update({(model.__name__, pk): account for pk, account in current.items()})
    return found


async def _parents(model: type[Model], column: str, keys: set[Any]) -> dict[Any, Any]:
    """key -> ``column`` for rows of ``model``: one plain statement (this runs for every audited read)."""
    from kamgraph.db import db
    from kamgraph.db.sql import Params, quote, table

    if not keys:
        return {}
    params, pk = Params(), quote(model._meta.db_pk_column)
    statement = f"SELECT {pk}, {quote(model._meta.fields_db_projection[column])} FROM {table(model)} WHERE {pk} IN ({params.add_all(keys)})"
    _, rows = await db().execute_query(statement, params.values)
    return {row[0]: row[1] for row in rows}


async def store(
    entries: list[AuditEntry], actor: Actor | None, request_id: str | None, operation_name: str | None
) -> None:
    """Insert audit entries in one statement (the caller chooses the transaction)."""
    if not entries:
        return
    await AuditRecord.bulk_create(_records(entries, actor, request_id, operation_name))


class GroupCommit:
    """The audit of reads, for many concurrent requests in one statement and one commit.

    A request's records are written before its response is sent: ``store`` returns once the statement
    holding them has committed (or raises, and the request withholds its data). While one batch is being
    written, the requests that finish meanwhile queue up for the next: under load, one fsync serves many.
    """

    def __init__(self) -> None:
        self.queued: list[tuple[list[AuditRecord], asyncio.Future]] = []
        self.writer: asyncio.Task | None = None

    async def store(
        self, entries: list[AuditEntry], actor: Actor | None, request_id: str | None, operation_name: str | None
    ) -> None:
        if not entries:
            return
        written = asyncio.get_running_loop().create_future()
        self.queued.append((_records(entries, actor, request_id, operation_name), written))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.ensure_future(self._write())
        await written

    async def _write(self) -> None:
        while self.queued:
            batch, self.queued = self.queued, []
            try:
                await AuditRecord.bulk_create([record for records, _ in batch for record in records])
            except Exception as exc:  # noqa: BLE001 - every request of the batch learns it
                for _, written in batch:
                    written.set_exception(exc)
            else:
                for _, written in batch:
                    written.set_result(None)


def _records(
    entries: list[AuditEntry], actor: Actor | None, request_id: str | None, operation_name: str | None
) -> list[AuditRecord]:
    return [
        AuditRecord(
            actor=actor.name if actor else "anonymous",
            actor_person_id=actor.person_id if actor else None,
            actor_via=actor.via if actor else "none",
            action=e.action,
            subject_type=e.subject_type,
            subject_ids=" ".join(str(i) for i in e.subject_ids),
            account_id=e.account_id,
            fields_read=" ".join(e.fields),
            changes=json.dumps(e.changes, ensure_ascii=False, default=str) if e.changes is not None else None,
            operation_name=operation_name,
            request_id=request_id,
        )
        for e in entries
    ]
