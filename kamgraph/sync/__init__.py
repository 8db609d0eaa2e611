"""Bulk files in and out: ``kamgraph import FILE`` and ``kamgraph export KIND``.

Both stream. An import reads one record at a time and applies them 500 to a transaction through the
same services as the ``upsert*`` mutations (each record in its own savepoint: a rejected record leaves
nothing behind); rejected records go to a report with their line, column, code and reason. An export
reads through the scoped accessor in keyset pages of 1,000, so it holds one page in memory and shows
exactly what its actor may see, with guarded values only for an actor holding their permission (and
those reads audited, as through the API). Kinds come from plugins (``register_sync_kinds``).
"""

from __future__ import annotations

import csv
import difflib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kamgraph.db.sql import Order
from kamgraph.events import unit_of_work
from kamgraph.security.audit import ReadLog, store
from kamgraph.security.permissions import require
from kamgraph.security.scope import PageRequest, visible
from kamgraph.sync.files import ByteCounter, Progress, RecordWriter, read_records
from kamgraph.sync.kinds import Column, SyncKind
from kamgraph.writes import upsert_each

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.actors import Actor
    from kamgraph.settings import Settings

__all__ = ["Column", "ImportRefused", "ImportReport", "SyncKind", "export_rows", "import_file", "sync_kinds"]

BATCH = 500
EXPORT_PAGE = 1000
REPORT_COLUMNS = ["line", "externalId", "column", "code", "message"]


def sync_kinds(pm: PluginManager) -> dict[str, SyncKind]:
    return {name: kind for name, (_, kind) in pm.collect_unique("register_sync_kinds", "sync kind").items()}


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    rejected: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Record:
    line: int
    source: str
    external_id: str
    values: dict[str, Any]


class ImportRefused(ValueError):
    """A file that cannot be imported at all (its header); nothing was applied."""


async def import_file(
    path: Path,
    fmt: str,
    kind: SyncKind,
    source: str | None,
    actor: Actor,
    pm: PluginManager,
    settings: Settings,
    report: IO[str],
    progress: Progress | None = None,
) -> ImportReport:
    """Apply every record of ``path``; rejected ones are written to ``report`` (CSV), the rest applied.

    A record's system is its ``source`` column (as exports write it), else ``source``."""
    if kind.permission:
        require(actor, kind.permission)
    event_types = {name: text for name, (_, text) in pm.collect_unique("register_event_types", "event type").items()}
    outcome = ImportReport()
    size = path.stat().st_size or 1
    seen: dict[tuple[str, str], int] = {}  # (source, external id) -> the line that had it first
    with path.open("rb") as stream:
        lines = ByteCounter(stream)
        header, records = read_records(lines, fmt)
        if header is not None:
            _check_header(kind, header, source)
        rejects = csv.writer(report, lineterminator="\n")
        rejects.writerow(REPORT_COLUMNS)
        for batch in _batches(records, BATCH):
            good: list[_Record] = []
            rejected: list[tuple[int, str, str, str, str]] = []
            for line, raw in batch:
                problems = _unreadable(kind, raw)
                record_source = str(raw.get("source") or source or "").strip() if isinstance(raw, dict) else ""
                if not problems and not record_source:
                    problems = [
                        ("source", "REQUIRED", "name the system the ids come from: a source column, or --source")
                    ]
                if problems:
                    _reject(rejected, outcome, line, raw if isinstance(raw, dict) else {}, problems)
                    continue
                key = (record_source, str(raw["externalId"]).strip())
                if key in seen:
                    duplicate = f"externalId {key[1]!r} is on line {seen[key]} already; a file has each record once"
                    _reject(rejected, outcome, line, raw, [("externalId", "DUPLICATE", duplicate)])
                    continue
                seen[key] = line
                values, problems = kind.parse(raw)
                if problems:
                    _reject(
                        rejected, outcome, line, raw, [(column, "INVALID", message) for column, message in problems]
                    )
                else:
                    good.append(_Record(line, record_source, values["external_id"], values))
            if good:
                async with unit_of_work(pm, actor, settings, event_types, operation_name=f"import {kind.name}") as unit:
                    results = await upsert_each(unit, good, lambda r: kind.apply(unit, r.source, r.values), "records")
                for result in results:
                    if result.status == "FAILED":
                        problems = [
                            (
                                ".".join(kind.column_of(str(p)) for p in problem.path[2:]),
                                problem.code.value,
                                problem.message,
                            )
                            for problem in result.problems
                        ]
                        _reject(
                            rejected, outcome, good[result.index].line, {"externalId": result.external_id}, problems
                        )
                    else:
                        outcome.counts[result.status.lower()] += 1
            rejects.writerows(sorted(rejected, key=lambda r: r[0]))
            if progress:
                progress.update(lines.read / size, _summary(outcome))
    return outcome


def _check_header(kind: SyncKind, header: list[str], source: str | None) -> None:
    """A CSV whose header names a column the kind lacks is refused once, before any record is read."""
    known = [c.name for c in kind.columns]
    unknown = [name for name in header if name not in known]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
        raise ImportRefused(
            f"{kind.name} have no column {', '.join(hints)}; their columns are {', '.join(known)}. Nothing was imported."
        )
    if "externalId" not in header:
        raise ImportRefused("the header has no externalId column: each record needs its id in the source system")
    if "source" not in header and not (source or "").strip():
        raise ImportRefused("name the system the ids come from: a source column, or --source (e.g. --source erp)")


def _unreadable(kind: SyncKind, raw: dict[str, Any] | str) -> list[tuple[str, str, str]]:
    if isinstance(raw, str):
        return [("", "INVALID", raw)]
    if not str(raw.get("externalId") or "").strip():
        return [("externalId", "REQUIRED", "every record needs its id in the source system")]
    unknown = sorted(set(raw) - {c.name for c in kind.columns})
    return [(name, "INVALID", f"{kind.name} have no column {name!r}") for name in unknown]


def _reject(
    rejected: list[Any], outcome: ImportReport, line: int, raw: dict[str, Any], problems: list[tuple[str, str, str]]
) -> None:
    outcome.counts["failed"] += 1
    outcome.rejected += 1
    rejected.extend((line, raw.get("externalId", ""), column, code, message) for column, code, message in problems)


def _summary(outcome: ImportReport) -> str:
    return f"{outcome.rows:,} records: " + ", ".join(
        f"{outcome.counts[k]:,} {k}" for k in ("created", "updated", "unchanged", "failed")
    )


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def export_rows(
    kind: SyncKind,
    actor: Actor,
    out: IO[str],
    fmt: str,
    *,
    include_archived: bool = False,
    progress: Progress | None = None,
    page_size: int = EXPORT_PAGE,
) -> int:
    """Write every row of ``kind`` that ``actor`` may see; returns how many."""
    rows = visible(kind.model, actor)
    if not include_archived and "archived_at" in kind.model._meta.fields_map:
        rows = rows.live()
    total = await rows.count() if progress else 0
    writer = RecordWriter(out, fmt, [c.name for c in kind.exported_columns])
    written, after = 0, None
    while True:
        page = await rows.page(Order(), PageRequest(first=page_size, after=after))
        if not page.rows:
            break
        lookups = await kind.lookups(actor, page.rows) if kind.lookups else {}
        reads = ReadLog()
        for row in page.rows:
            writer.write(kind.dump(row, lookups, actor, reads))
        await store(await reads.entries(), actor, None, f"export {kind.name}")
        written += len(page.rows)
        after = [page.rows[-1].pk]
        if progress:
            progress.update(written / (total or 1), f"{written:,} / {total:,} {kind.name}")
        if not page.has_next:
            break
    return written
