"""Helpers every core (and plugin) service uses to write: find a row to change, check its version, save.

Rows to change are found through the scoped accessor, so a caller cannot change what they cannot see:
a row outside their scope is NOT_FOUND, exactly like a row that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry import UNSET
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from kamgraph.crypto import SealedTextField
from kamgraph.db import write_transaction
from kamgraph.errors import Code, Problem, Refused
from kamgraph.events import current_unit
from kamgraph.ids import InvalidId, int_key
from kamgraph.security.actors import Actor
from kamgraph.security.scope import visible

if TYPE_CHECKING:
    from kamgraph.events import UnitOfWork

M = TypeVar("M", bound=Model)


def given(value: Any) -> bool:
    """True when the client set this input field (``UNSET`` means "leave as it is")."""
    return value is not UNSET


async def find(
    actor: Actor, model: type[Model], global_id: str | None, path: tuple[str | int, ...], *, live: bool = False
) -> Model:
    """The visible row behind ``global_id``; refuses with NOT_FOUND otherwise (and archived rows when ``live``)."""
    row = await find_or_problem(actor, model, global_id, path, live=live)
    if isinstance(row, Problem):
        raise Refused([row])
    return row


async def find_or_problem(
    actor: Actor, model: type[Model], global_id: str | None, path: tuple[str | int, ...], *, live: bool = False
) -> Model | Problem:
    """Like ``find``, but returns the problem instead of raising, so validation can report every field."""
    type_name = model.__name__
    try:
        key = int_key(str(global_id), type_name)
    except InvalidId:
        return Problem(path, Code.NOT_FOUND, f"{global_id!r} is not the id of a {type_name}")
    row = await visible(model, actor).get(key)
    if row is None:
        return Problem(path, Code.NOT_FOUND, f"no {type_name} with id {global_id}")
    if live and getattr(row, "archived_at", None) is not None:
        return Problem(path, Code.RULE_VIOLATION, f"{type_name} {global_id} is archived")
    return row


def check_version(row: Model, expected: int | None) -> None:
    """Optimistic concurrency: refuse with CONFLICT when the row moved on since the client read it."""
    if expected is not None and given(expected) and row.version != expected:
        raise Refused(
            [
                Problem(
                    ("expected_version",),
                    Code.CONFLICT,
                    f"{type(row).__name__} is at version {row.version}, not {expected}: reload it and try again",
                    current_version=row.version,
                )
            ]
        )


def not_archived(row: Model) -> None:
    if getattr(row, "archived_at", None) is not None:
        raise Refused([Problem(("id",), Code.RULE_VIOLATION, f"this {type(row).__name__} is archived")])


#: the longest text any column takes (a note, a description); a short text column takes its ``max_length``
MAX_TEXT = 20_000


def length_problems(model: type[Model], values: dict[str, Any]) -> list[Problem]:
    """Text longer than its column takes, at the field's input path: every write checks it here, so that no
    service can forget a column (a 5,000-character name was an INTERNAL from the database)."""
    problems = []
    for name, value in values.items():
        column = model._meta.fields_map.get(name)
        if not isinstance(value, str) or column is None:
            continue
        limit = getattr(column, "max_length", None) if isinstance(column, fields.CharField) else MAX_TEXT
        if isinstance(column, fields.CharField | fields.TextField) and limit and len(value) > limit:
            problems.append(Problem((name,), Code.INVALID, f"at most {limit} characters, not {len(value)}"))
    return problems


async def create(model: type[M], *, audit_account: Any = ..., **values: Any) -> M:
    """Insert a row and record it in the audit trail of the current write."""
    if problems := length_problems(model, values):
        raise Refused(problems)
    row = await model.create(**values)
    after = {k: {"after": _withheld(model, k, for_audit=True) or plain(v)} for k, v in values.items()}
    current_unit().audit("create", row, changes=after, account_id=audit_account)
    return row


async def create_many(model: type[M], rows: list[M], *, audit_account: Any = ...) -> None:
    """Insert several rows in one statement, each recorded in the audit trail."""
    await model.bulk_create(rows)
    unit = current_unit()
    for row in rows:
        unit.audit("create", row, account_id=audit_account)


async def delete(model: type[Model], *, audit_account: Any = ..., **conditions: Any) -> int:
    """Delete the rows matching ``conditions`` (ids recorded in the audit trail); returns how many."""
    rows = await model.filter(**conditions)
    unit = current_unit()
    for row in rows:
        unit.audit("delete", row, account_id=audit_account)
    if rows:
        await model.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


async def save(
    row: Model, changed: dict[str, Any], *, bump: bool = False, audit_account: Any = ..., action: str = "update"
) -> dict[str, tuple[Any, Any]]:
    """Apply ``changed`` (field -> new value), bump the version, write only those columns, audit it.

    ``bump`` writes a new version even when no column of the row changed (e.g. its schedule or
    payments did). Returns ``{field: (before, after)}`` for the fields that really changed.
    """
    if problems := length_problems(type(row), changed):
        raise Refused(problems)
    diff = {}
    for name, value in changed.items():
        before = getattr(row, name)
        if before != value:
            diff[name] = (before, value)
            setattr(row, name, value)
    if not row._saved_in_db:
        await row.save()
    elif diff or bump:
        columns = list(diff)
        # blind indexes follow their sealed source column
        columns += [f.model_field_name for f in row._meta.fields_map.values() if getattr(f, "source", None) in diff]
        if "version" in row._meta.fields_map:
            await _save_versioned(row, columns)
        else:
            await row.save(update_fields=columns)
    if diff:
        current_unit().audit(
            action, row, changes=changes_data(diff, type(row), for_audit=True), account_id=audit_account
        )
    return diff


async def _save_versioned(row: Model, columns: list[str]) -> None:
    """Write the columns only if nobody else wrote the row since it was read (compare-and-set on version).

    Two writers that read the same version cannot both succeed, on SQLite or PostgreSQL: the second
    one's UPDATE matches no row and its whole write is refused with CONFLICT.
    """
    read_version = row.version
    row.version += 1
    row.updated_at = datetime.now(UTC)
    values = {}
    for name in (*columns, "version", "updated_at"):
        field = row._meta.fields_map[name]
        # a blind index is computed from the row; any other value is converted by the update itself
        values[name] = field.to_db_value(None, row) if getattr(field, "source", None) else getattr(row, name)
    written = await type(row).filter(pk=row.pk, version=read_version).update(**values)
    if not written:
        row.version = read_version
        raise Refused(
            [
                Problem(
                    ("expected_version",),
                    Code.CONFLICT,
                    f"{type(row).__name__} was changed by someone else meanwhile: reload it and try again",
                )
            ]
        )


async def archive(
    unit: UnitOfWork,
    model: type[Model],
    global_id: str,
    expected_version: int | None,
    guard: Callable[[Model], Problem | None] | None = None,
    event: str | None = None,
) -> Model:
    """Archive a visible row (it leaves lists, keeps its history) and emit ``event`` (the core's default:
    ``<model>.archived``; a plugin names its own, ``<plugin>.<object>.archived``)."""
    row = await find(unit.actor, model, global_id, ("id",))
    check_version(row, expected_version)
    not_archived(row)
    if guard and (problem := guard(row)):
        raise Refused([problem])
    await save(row, {"archived_at": datetime.now(UTC)}, action="archive")
    unit.emit(event or f"{model.__name__.lower()}.archived", row.node_id)
    return row


def plain(value: Any) -> Any:
    """A JSON-friendly form of a changed value, for event data."""
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


SEALED = "[encrypted]"
RESTRICTED = "[restricted]"


def _withheld(model: type[Model] | None, name: str, for_audit: bool = False) -> str | None:
    """Why a changed value is not copied out: encrypted (never), or guarded by a permission (kept only in
    the audit trail, whose readers are entitled to it; events reach webhooks and subscribers)."""
    if model is None:
        return None
    if isinstance(model._meta.fields_map.get(name), SealedTextField):
        return SEALED
    return RESTRICTED if not for_audit and name in getattr(model, "sensitive_fields", {}) else None


def changes_data(
    diff: dict[str, tuple[Any, Any]], model: type[Model] | None = None, *, for_audit: bool = False
) -> dict[str, dict[str, Any]]:
    """Before and after of each changed field, JSON-friendly, with encrypted values (and, outside the
    audit trail, permission-guarded ones) replaced by a marker: receivers read those through the API."""
    return {
        name: {"before": marker, "after": marker}
        if (marker := _withheld(model, name, for_audit))
        else {"before": plain(b), "after": plain(a)}
        for name, (b, a) in diff.items()
    }


@dataclass
class RecordResult:
    """What happened to one record of a bulk upsert."""

    index: int
    external_id: str
    status: str  # CREATED, UPDATED, UNCHANGED or FAILED
    row: Model | None = None
    problems: list[Problem] = field(default_factory=list)


async def find_external(actor: Actor, model: type[M], source: str, external_id: str) -> M | None:
    """The visible row that system ``source`` knows as ``external_id``, or None."""
    rows = await visible(model, actor).where("source", source).where("external_id", external_id).all()
    return rows[0] if rows else None


async def upsert_one(
    unit: UnitOfWork,
    model: type[M],
    source: str,
    external_id: str,
    create: Callable[[], Awaitable[M]],
    update: Callable[[M], Awaitable[M]],
) -> tuple[str, M]:
    """Create the row known to ``source`` as ``external_id``, or bring the visible one up to date;
    returns ``CREATED``, ``UPDATED`` or ``UNCHANGED`` (an update that changed nothing keeps its version)."""
    existing = await find_external(unit.actor, model, source, external_id)
    if existing is None:
        return "CREATED", await create()
    before = existing.version
    row = await update(existing)
    return ("UPDATED" if row.version != before else "UNCHANGED"), row


async def upsert_each(
    unit: UnitOfWork, records: list[Any], apply: Callable[[Any], Awaitable[tuple[str, Model]]], path: str
) -> list[RecordResult]:
    """Apply each record in a savepoint of its own: good records are kept, a bad one is rolled back whole
    (its rows, audit entries and events) and reported with its problems, paths under ``path[index]``."""
    results = []
    for index, record in enumerate(records):
        audits, events = len(unit.audits), len(unit.events)
        try:
            async with write_transaction():  # nested: a savepoint
                status, row = await apply(record)
            results.append(RecordResult(index, record.external_id, status, row))
        except (Refused, IntegrityError) as failure:
            del unit.audits[audits:], unit.events[events:]
            problems = (
                failure.problems
                if isinstance(failure, Refused)
                else [Problem((), Code.CONFLICT, "the record collides with existing data (a duplicate key?)")]
            )
            results.append(
                RecordResult(
                    index,
                    record.external_id,
                    "FAILED",
                    None,
                    [Problem((path, index, *p.path), p.code, p.message, p.current_version) for p in problems],
                )
            )
    return results


async def lock_row(model: type[Model], pk: Any) -> None:
    """Hold ``model``'s row ``pk`` until the write ends, so that concurrent writes that read it take turns
    (two signings for one customer each counting the other's exposure). PostgreSQL locks the row; SQLite's
    write transactions already take turns, so there nothing is needed."""
    from kamgraph.db import db, dialect
    from kamgraph.db.sql import quote, table

    if dialect() == "postgres":
        await db().execute_query(
            f"SELECT {quote(model._meta.db_pk_column)} FROM {table(model)} WHERE {quote(model._meta.db_pk_column)} = $1 "
            "FOR UPDATE",
            [pk],
        )
