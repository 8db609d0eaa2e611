"""The ``kamgraph`` command: serve, migrate, makemigrations, demo, export-schema, plugins."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kamgraph import __version__, logs
from kamgraph.jobs.commands import add_commands as add_job_commands
from kamgraph.plugin_manager import PluginError, PluginManager, await_me_maybe
from kamgraph.settings import Settings
from kamgraph.sync.commands import add_commands as add_sync_commands

DEMO_SEED = 2026
log = logging.getLogger("kamgraph")


def _pm(settings: Settings) -> PluginManager:
    """The enabled plugins, after the start-up checks of the plugin contract (:mod:`kamgraph.checks`)."""
    from kamgraph.checks import check_plugins, check_settings

    pm = PluginManager.from_names(settings.plugins)
    check_plugins(pm)
    check_settings(settings, pm)
    return pm


async def _with_db(settings: Settings, work: Any, *, models_match_migrations: bool = True) -> Any:
    """Run ``work(pm)`` with the database open; first refuse models that differ from their migrations."""
    from kamgraph import db
    from kamgraph.checks import check_migrations

    pm = _pm(settings)
    async with db.connect(settings, pm, create_db=not settings.is_sqlite):
        if models_match_migrations:
            await check_migrations(pm)
        return await work(pm)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.db.migrations import migrate

    async def work(pm: PluginManager) -> list[str]:
        return await migrate(
            pm, progress=lambda event, app, name: event == "apply_done" and print(f"  applied {app}.{name}")
        )

    applied = asyncio.run(_with_db(settings, work))
    print(f"{len(applied)} migration(s) applied." if applied else "Nothing to migrate: the database is up to date.")
    return 0


def cmd_makemigrations(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.db.migrations import make_migrations

    async def work(pm: PluginManager) -> list[str]:
        return await make_migrations(pm, args.apps or None)

    try:
        written = asyncio.run(_with_db(settings, work, models_match_migrations=False))
    except LookupError as exc:
        print(f"kamgraph makemigrations: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"  wrote {path}")
    print("No changes detected." if not written else f"{len(written)} migration(s) written.")
    return 0


async def seed_demo(settings: Settings, pm: PluginManager, seed: int = DEMO_SEED, today: date | None = None) -> bool:
    """Migrate and seed an empty database; returns False when it already held accounts.

    Then every job runs once, as the demo's day would have had it: warnings raised, dunning notices issued,
    the funnel snapshot taken, the target-account list ranked."""
    from kamgraph.core.accounts.models import Account
    from kamgraph.db.migrations import migrate
    from kamgraph.jobs import JobRunner

    await migrate(pm)
    if await Account.exists():
        return False
    today = today or settings.today()
    for _plugin, pending in pm.collect("register_demo_data", settings=settings, seed=seed, today=today):  # core first
        await await_me_maybe(pending)
    runner = JobRunner(pm, settings)
    morning = datetime.combine(today, time(9), tzinfo=settings.zone)  # the demo's day, not the clock's
    for name in runner.jobs:
        run = await runner.run(name, trigger="demo", now=morning)
        if run is not None and run.status != "succeeded":
            log.warning("demo: the job %s failed (%s); the demo data lacks what it makes", name, run.error)
    return True


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    async def work(pm: PluginManager) -> bool:
        return await seed_demo(settings, pm, args.seed)

    seeded = asyncio.run(_with_db(settings, work))
    print("Demo data seeded." if seeded else "The database already has accounts; demo data left as it is.")
    return 0


def tell(settings: Settings, text: str) -> None:
    """A line for the person starting the server: printed, or a log record when logs are JSON lines."""
    if settings.log_format == "json":
        log.info(text.strip())
    else:
        print(text)


def redacted(url: str) -> str:
    """A database URL without its password, for the screen and the logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{parts.netloc.rpartition('@')[2]}"))


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kamgraph.app import create_app
    from kamgraph.checks import check_keys

    if args.demo:

        async def seed(pm: PluginManager) -> bool:
            seeded = await seed_demo(settings, pm)
            await check_keys(settings)
            return seeded

        seeded = asyncio.run(_with_db(settings, seed))
        tell(settings, "Seeded demo data." if seeded else "Using the existing demo data.")
    elif not args.migrate:
        from kamgraph.db.migrations import pending

        async def ready(pm: PluginManager) -> list[str]:
            todo = await pending(pm)
            if not todo:  # the tables exist: their sealed values must open with the keys loaded
                await check_keys(settings)
            return todo

        todo = asyncio.run(_with_db(settings, ready))
        if todo:
            print(
                f"kamgraph: {len(todo)} migration(s) not applied: {', '.join(todo)}.\n"
                "Run `kamgraph migrate` first, or start with `kamgraph serve --migrate`.",
                file=sys.stderr,
            )
            return 2
    log_config = logs.configure(settings.log_format, "DEBUG" if args.log_level == "trace" else args.log_level.upper())
    tell(settings, f"kamgraph {__version__} on {redacted(settings.database_url)}")
    tell(settings, f"  GraphiQL  http://{args.host}:{args.port}/graphql")
    if args.demo:
        from kamgraph.core.demo import DEMO_PASSWORD, demo_email
        from kamgraph.security.actors import Role

        people = ", ".join(demo_email(role, 1) for role in (Role.KA_DIRECTOR, Role.ACCOUNT_MANAGER, Role.DATA_ANALYST))
        tell(settings, f"  log in as {people}, … (password {DEMO_PASSWORD}; README.md lists every role)")
    sys.stdout.flush()
    if args.workers > 1:  # each worker process builds its own app from the same environment
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # the workers count into one folder; any answers /metrics
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kamgraph-metrics-")
        if args.migrate:
            from kamgraph.db.migrations import migrate

            asyncio.run(_with_db(settings, migrate))
        uvicorn.run(
            "kamgraph.app:app_from_env",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            log_config=log_config,
        )
        return 0
    app = create_app(settings, apply_migrations=args.migrate or args.demo)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, log_config=log_config)
    return 0


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.security import auth
    from kamgraph.security.actors import Role

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else secrets.token_urlsafe(12)
    if problem := auth.password_problem(password):
        print(f"kamgraph: {problem}", file=sys.stderr)
        return 2
    roles = [Role(r) for r in args.role]

    async def work(pm: PluginManager) -> None:
        await auth.create_staff_user(args.name or args.email.split("@")[0], args.email, roles, password)

    asyncio.run(_with_db(settings, work))
    print(f"created {args.email} ({', '.join(r.value for r in roles)})")
    if not args.password_stdin:
        print(f"password (shown once): {password}")
    return 0


def cmd_create_api_key(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime, timedelta

    from kamgraph.security import auth
    from kamgraph.security.permissions import Permissions

    async def work(pm: PluginManager) -> str:
        unknown = Permissions.from_plugins(pm).unknown(args.scope)
        if unknown:
            raise SystemExit(f"kamgraph: unknown permissions: {', '.join(unknown)} (see `kamgraph permissions`)")
        expires = datetime.now(UTC) + timedelta(days=args.expires_days) if args.expires_days else None
        secret, _ = await auth.create_api_key(args.name, args.scope, "command line", expires)
        return secret

    secret = asyncio.run(_with_db(settings, work))
    print(f"API key {args.name!r} (shown once, store it now): {secret}")
    return 0


def cmd_permissions(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.security.permissions import Permissions

    for name, permission in sorted(Permissions.from_plugins(_pm(settings)).registered.items()):
        roles = ", ".join(sorted(r.value for r in permission.roles)) or "(API keys only)"
        print(f"{name:<28} {permission.description}\n{'':<28} roles: {roles}")
    return 0


def cmd_rotate_key(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kamgraph import crypto
    from kamgraph.security.rotation import reseal

    current = crypto.load_keyring(
        settings.secret_key, settings.secret_key_file, settings.default_key_file, settings.production
    )
    target = Path(args.key_file or settings.secret_key_file or settings.default_key_file)
    if settings.secret_key and not args.key_file:
        print(
            "kamgraph: the key comes from KAMGRAPH_SECRET_KEY; name a --key-file for the new key ring", file=sys.stderr
        )
        return 2
    new = crypto.new_key()
    crypto.write_key_file(target, [new, current.current, *current.older])  # every old row stays readable
    print(f"new key {crypto.key_id(new)} written to {target}; re-sealing (if interrupted, run `kamgraph reseal`)")

    async def work(pm: PluginManager) -> int:
        return await reseal(crypto.KeyRing(new, (current.current, *current.older)))

    rotated = settings.with_(secret_key=None, secret_key_file=str(target))
    count = asyncio.run(_with_db(rotated, work))
    print(f"re-sealed {count} rows under key {crypto.key_id(new)}. Restart the servers; they load keys at start.")
    return 0


def cmd_new_key(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph import crypto

    target = Path(args.key_file)
    if target.exists():
        print(
            f"kamgraph: {target} exists; a new key would make its values unreadable (rotate-key changes keys)",
            file=sys.stderr,
        )
        return 2
    key = crypto.new_key()
    crypto.write_key_file(target, [key])
    print(f"new key {crypto.key_id(key)} written to {target} (readable by its owner only): keep it with your backups")
    return 0


def cmd_reseal(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph import crypto
    from kamgraph.security.rotation import reseal

    async def work(pm: PluginManager) -> int:
        return await reseal(crypto.keyring())

    print(f"re-sealed {asyncio.run(_with_db(settings, work))} rows under the current key")
    return 0


def _sqlite_only(settings: Settings, what: str) -> Path | None:
    if settings.sqlite_path is None:
        print(
            f"kamgraph: {what} is for the embedded SQLite database; for PostgreSQL use pg_dump / pg_restore "
            "(docs/operations.md)",
            file=sys.stderr,
        )
    return settings.sqlite_path


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.db.backup import BackupError, backup

    database = _sqlite_only(settings, "backup")
    if database is None:
        return 2
    try:
        backup(database, Path(args.path))
    except BackupError as exc:
        print(f"kamgraph: {exc}", file=sys.stderr)
        return 1
    print(
        f"backed up {database} to {args.path} (integrity check: ok); keep the key file ({settings.default_key_file.name} "
        "or KAMGRAPH_SECRET_KEY*) with it: encrypted values cannot be read without it"
    )
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.db.backup import BackupError, restore

    database = _sqlite_only(settings, "restore")
    if database is None:
        return 2
    try:
        restore(Path(args.path), database)
    except BackupError as exc:
        print(f"kamgraph: {exc}", file=sys.stderr)
        return 1
    print(f"restored {database} from {args.path} (integrity check: ok); start the servers again")
    return 0


def cmd_webhooks(args: argparse.Namespace, settings: Settings) -> int:
    import httpx

    from kamgraph.events.webhooks import run_once, worker
    from kamgraph.security.permissions import Permissions

    async def work(pm: PluginManager) -> None:
        permissions = Permissions.from_plugins(pm)
        if args.once:
            async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
                made, sent = await run_once(settings, permissions, client)
            print(f"{made} deliveries queued, {sent} attempted")
            return
        stop = asyncio.Event()
        print("delivering webhooks; Ctrl-C to stop")
        try:
            await worker(settings, permissions, stop)
        except asyncio.CancelledError:
            stop.set()

    try:
        asyncio.run(_with_db(settings, work))
    except KeyboardInterrupt:
        pass
    return 0


def export_sdl(settings: Settings) -> str:
    from kamgraph.api.schema import build_schema

    return build_schema(_pm(settings)).as_str() + "\n"


def cmd_export_schema(args: argparse.Namespace, settings: Settings) -> int:
    if args.core:
        settings = settings.with_(plugins=())
    text = export_sdl(settings)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_new_plugin(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.scaffold import ScaffoldError, new_plugin

    folder = Path(args.directory or args.name)
    try:
        written = new_plugin(args.name, folder, args.model)
    except ScaffoldError as exc:
        print(f"kamgraph new-plugin: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files into {folder}/; next:")
    print(f"  cd {folder} && pip install -e '.[test]' && pytest")
    print(f"  KAMGRAPH_PLUGINS={args.name} kamgraph serve --demo")
    return 0


def cmd_plugins(args: argparse.Namespace, settings: Settings) -> int:
    from kamgraph.plugin_manager import available_plugins, select_plugins

    installed = available_plugins()
    enabled = set(select_plugins(settings.plugins, installed))
    print(f"{'plugin':<16} {'enabled':<8} {'bundled':<8} {'version':<10} module")
    for name, (entry_point, bundled) in sorted(installed.items()):
        plugin = entry_point.load()
        print(
            f"{name:<16} {'yes' if name in enabled else 'no':<8} {'yes' if bundled else 'no':<8} "
            f"{str(getattr(plugin, 'version', '')):<10} {entry_point.value}"
        )
    return 0


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamgraph",
        description="A headless GraphQL API for a key-account department. Configure with KAMGRAPH_* variables "
        "(KAMGRAPH_DATABASE_URL, KAMGRAPH_PLUGINS, ...).",
    )
    parser.add_argument("--version", action="version", version=f"kamgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API (GraphiQL at /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="migrate and seed demo data first if the database is empty")
    serve.add_argument("--migrate", action="store_true", help="apply pending migrations instead of refusing to start")
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's and kamgraph's log level: info shows each request; warning only what needs attention",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (they share the database; SQLite serialises writers)"
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)

    make = sub.add_parser("makemigrations", help="write migrations for model changes")
    make.add_argument("apps", nargs="*", help="app labels (default: all enabled)")
    make.set_defaults(func=cmd_makemigrations)

    scaffold = sub.add_parser(
        "new-plugin", help="write a working plugin to start from: model, list, mutations, event, job, tests"
    )
    scaffold.add_argument("name", help="the plugin's name, lower case (tickets, field_visits)")
    scaffold.add_argument("--model", help="its table's class name (default: from the name, e.g. Ticket)")
    scaffold.add_argument("--directory", help="where to write it (default: a new folder named after the plugin)")
    scaffold.set_defaults(func=cmd_new_plugin)

    demo = sub.add_parser("demo", help="migrate and seed deterministic demo data into an empty database")
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.set_defaults(func=cmd_demo)

    export = sub.add_parser("export-schema", help="print the GraphQL SDL of the enabled plugins")
    export.add_argument("--core", action="store_true", help="the core alone, without plugins")
    export.add_argument("--output", "-o", help="write to this file instead of standard output")
    export.set_defaults(func=cmd_export_schema)

    sub.add_parser("plugins", help="list installed plugins and whether they are enabled").set_defaults(func=cmd_plugins)

    user = sub.add_parser("create-user", help="create a member of staff who can log in (e.g. the first KA director)")
    user.add_argument("--email", required=True)
    user.add_argument(
        "--role", required=True, action="append", help="a role of DOMAIN.md section 1; repeat for several"
    )
    user.add_argument("--name", help="display name (default: the part of the e-mail before @)")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input (default: generate one)"
    )
    user.set_defaults(func=cmd_create_user)

    key = sub.add_parser("create-api-key", help="create an API key for an integration; the secret is printed once")
    key.add_argument("--name", required=True)
    key.add_argument("--scope", required=True, action="append", help="a permission the key grants; repeat for several")
    key.add_argument("--expires-days", type=int)
    key.set_defaults(func=cmd_create_api_key)

    sub.add_parser("permissions", help="list every permission and the roles that hold it").set_defaults(
        func=cmd_permissions
    )

    rotate = sub.add_parser("rotate-key", help="make a new encryption key and re-seal every encrypted value under it")
    rotate.add_argument("--key-file", help="where to write the new key ring (default: the configured key file)")
    rotate.set_defaults(func=cmd_rotate_key)
    sub.add_parser("reseal", help="finish an interrupted rotate-key").set_defaults(func=cmd_reseal)
    new_key = sub.add_parser("new-key", help="write a new key file for a new deployment (KAMGRAPH_SECRET_KEY_FILE)")
    new_key.add_argument("key_file", help="where to write it; an existing file is never overwritten")
    new_key.set_defaults(func=cmd_new_key)

    hooks = sub.add_parser(
        "deliver-webhooks",
        help="deliver webhooks from the outbox (a worker; the server also does it unless KAMGRAPH_WEBHOOK_WORKER=0)",
    )
    hooks.add_argument("--once", action="store_true", help="one round, then exit")
    hooks.set_defaults(func=cmd_webhooks)

    add_job_commands(sub)
    add_sync_commands(sub)

    save = sub.add_parser("backup", help="a consistent online copy of the SQLite database, while writes continue")
    save.add_argument("path")
    save.set_defaults(func=cmd_backup)
    load = sub.add_parser(
        "restore", help="replace the SQLite database by a backup, after checking it (servers stopped)"
    )
    load.add_argument("path")
    load.set_defaults(func=cmd_restore)

    try:
        for _ in _pm(settings).hook.register_commands(cli=sub):
            pass
    except PluginError:
        pass  # reported properly by the command itself
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    try:
        logs.configure(settings.log_format)
    except ValueError as exc:
        print(f"kamgraph: {exc}", file=sys.stderr)
        return 2
    parser = build_parser(settings)
    args = parser.parse_args(argv)
    try:
        result = args.func(args, settings)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except PluginError as exc:
        print(f"kamgraph: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # what a newcomer meets first gets one line, not a traceback
        from tortoise.exceptions import OperationalError

        from kamgraph.app import PendingMigrations
        from kamgraph.crypto import KeyError_

        if isinstance(exc, PendingMigrations | KeyError_):
            print(f"kamgraph: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, OperationalError) and ("no such table" in str(exc) or "does not exist" in str(exc)):
            print(f"kamgraph: the database has no kamgraph tables yet ({exc}); run `kamgraph migrate`", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
