"""``kamgraph jobs list | run NAME | worker``: the job runner from the command line."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kamgraph.jobs import JobRunner, scheduler

if TYPE_CHECKING:
    from kamgraph.plugin_manager import PluginManager
    from kamgraph.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="scheduled jobs: list them, run one now, or run them as they fall due")
    verbs = jobs.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="every job with its schedule, last run and whether it is due").set_defaults(
        func=cmd_list
    )
    run = verbs.add_parser("run", help="run one job now (refused while it runs elsewhere)")
    run.add_argument("name")
    run.set_defaults(func=cmd_run)
    worker = verbs.add_parser(
        "worker", help="run jobs as they fall due, until stopped (set KAMGRAPH_JOB_SCHEDULER=0 on the servers)"
    )
    worker.add_argument("--interval", type=float, default=30.0, help="seconds between looks at the schedule")
    worker.set_defaults(func=cmd_worker)


def _with_runner(settings: Settings, work) -> int:
    from kamgraph.cli import _with_db

    async def with_runner(pm: PluginManager) -> int:
        return await work(JobRunner(pm, settings))

    return asyncio.run(_with_db(settings, with_runner))


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(runner: JobRunner) -> int:
        last, due = await runner.last_runs(), set(await runner.due())
        print(f"{'job':<32} {'schedule':<28} {'last run':<22} {'status':<10} due")
        for name, job in sorted(runner.jobs.items()):
            run = last.get(name)
            when = run.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if run else "never"
            print(
                f"{name:<32} {job.schedule.describe():<28} {when:<22} {run.status if run else '-':<10} {'yes' if name in due else 'no'}"
            )
        return 0

    return _with_runner(settings, work)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    async def work(runner: JobRunner) -> int:
        if args.name not in runner.jobs:
            print(f"kamgraph: no job {args.name!r}; `kamgraph jobs list` shows them")
            return 2
        run = await runner.run(args.name)
        if run is None:
            print(f"{args.name} is running elsewhere right now; nothing was started")
            return 3
        took = (run.finished_at - run.started_at).total_seconds()
        detail = run.summary or run.error
        print(f"{args.name}: {run.status} in {took:.1f} s (run {run.id}): {detail}")
        return 0 if run.status == "succeeded" else 1

    return _with_runner(settings, work)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    async def work(runner: JobRunner) -> int:
        print(f"{datetime.now(UTC):%H:%M:%S} running {len(runner.jobs)} jobs as they fall due; Ctrl-C to stop")
        await scheduler(runner, asyncio.Event(), args.interval)
        return 0

    try:
        return _with_runner(settings, work)
    except KeyboardInterrupt:
        return 0
