"""``kamgraph import FILE`` and ``kamgraph export KIND``: bulk files through the same rules as the API."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kamgraph.errors import Refused
from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.sync import ImportRefused, export_rows, import_file, sync_kinds
from kamgraph.sync.files import FORMATS, Progress, format_of, open_output

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.security.actors import Actor
    from kamgraph.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    load = sub.add_parser(
        "import", help="create or update records from a CSV or JSON-lines file, matched on (source, externalId)"
    )
    load.add_argument("file", type=Path)
    load.add_argument("--kind", help="accounts, people, contracts ... (default: the file name, e.g. accounts.csv)")
    load.add_argument(
        "--source", help="the system the external ids come from, e.g. erp (default: the file's source column)"
    )
    load.add_argument("--format", choices=FORMATS, help="default: from the file extension")
    load.add_argument("--report", help="where to write the rejected records (default: <file>.rejected.csv)")
    load.add_argument(
        "--as", dest="as_email", metavar="EMAIL", help="import as this member of staff (their permissions and scope)"
    )
    load.set_defaults(func=cmd_import)

    dump = sub.add_parser("export", help="write every record of a kind you may see, as CSV or JSON lines")
    dump.add_argument("kind")
    dump.add_argument("--format", choices=FORMATS, default="csv")
    dump.add_argument("--output", "-o", help="a file (default: standard output)")
    dump.add_argument("--as", dest="as_email", metavar="EMAIL", help="export what this member of staff may see")
    dump.add_argument("--include-archived", action="store_true")
    dump.set_defaults(func=cmd_export)


async def _actor(pm: PluginManager, email: str | None) -> Actor:
    if not email:
        return SYSTEM_ACTOR
    from kamgraph.security.auth import actor_for_email
    from kamgraph.security.permissions import Permissions

    actor = await actor_for_email(email, Permissions.from_plugins(pm))
    if actor is None:
        raise SystemExit(f"kamgraph: no member of staff logs in as {email}")
    return actor


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.cli import _with_db

    if not args.file.is_file():
        print(f"kamgraph: no file {args.file}", file=sys.stderr)
        return 2
    fmt = format_of(args.file, args.format)
    report_path = Path(args.report or f"{args.file}.rejected.csv")

    async def work(pm: PluginManager) -> int:
        kinds = sync_kinds(pm)
        name = args.kind or args.file.name.split(".")[0]
        if name not in kinds:
            print(f"kamgraph: cannot import {name!r}; kinds: {', '.join(sorted(kinds))} (say --kind)", file=sys.stderr)
            return 2
        actor = await _actor(pm, args.as_email)
        progress = Progress(f"import {args.file.name}")
        with report_path.open("w", encoding="utf-8", newline="") as report:
            try:
                outcome = await import_file(
                    args.file, fmt, kinds[name], args.source, actor, pm, settings, report, progress
                )
            except (Refused, ImportRefused) as refused:
                report.close()
                report_path.unlink(missing_ok=True)
                message = refused.problems[0].message if isinstance(refused, Refused) else str(refused)
                print(f"kamgraph: {args.file.name}: {message}", file=sys.stderr)
                return 2
            finally:
                progress.finish()
        counts = outcome.counts
        print(
            f"{args.file.name}: {outcome.rows:,} records, {counts['created']:,} created, {counts['updated']:,} updated, "
            f"{counts['unchanged']:,} unchanged, {counts['failed']:,} rejected"
        )
        if outcome.rejected:
            print(f"rejected records and why: {report_path}")
            return 1
        report_path.unlink()
        return 0

    return asyncio.run(_with_db(settings, work))


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.cli import _with_db

    async def work(pm: PluginManager) -> int:
        kinds = sync_kinds(pm)
        if args.kind not in kinds:
            print(f"kamgraph: cannot export {args.kind!r}; kinds: {', '.join(sorted(kinds))}", file=sys.stderr)
            return 2
        actor = await _actor(pm, args.as_email)
        out = open_output(args.output)
        progress = Progress(f"export {args.kind}") if args.output else None
        try:
            written = await export_rows(
                kinds[args.kind], actor, out, args.format, include_archived=args.include_archived, progress=progress
            )
        finally:
            if progress:
                progress.finish()
            if args.output:
                out.close()
        if args.output:
            print(f"{written:,} {args.kind} written to {args.output}")
        return 0

    return asyncio.run(_with_db(settings, work))
