"""``make bench``: every scenario of issue "Performance", side by side in one run, as one table.

For each read scenario: kamgraph (in process through its ASGI app: HTTP parsing aside, everything a
request costs, authorization and audit included), its floor (``floor.py``) and, where it applies, the
naive baseline (``naive.py``); medians and p95 over interleaved rounds, the ratios, and the SQL statements
kamgraph sent. Point lookup and write path run against a real uvicorn worker on 127.0.0.1, loaded from
another process (``load.py``). Usage: ``python bench/run.py [--scale N] [--rounds N] [--seconds S]``;
PostgreSQL too when ``KAMGRAPH_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import floor  # noqa: E402
from data import ensure_data, settings_for  # noqa: E402
from naive import naive_app  # noqa: E402

from kamgraph import db, hookimpl  # noqa: E402
from kamgraph.api.connections import encode_cursor  # noqa: E402
from kamgraph.app import create_app  # noqa: E402
from kamgraph.plugin_manager import PluginManager  # noqa: E402
from kamgraph.security.actors import SYSTEM_ACTOR  # noqa: E402
from kamgraph.settings import Settings  # noqa: E402

PORTFOLIO = """query($first: Int!) { accounts(first: $first) { edges { node { name creditCode industryCode region size status tier version
  owner { name } contracts(first: 20) { edges { node { number title edition status signedOn startOn payments(last: 3) { amount paidOn } } } } } } } }"""
EXPORT = """{ accounts(first: 1000) { edges { node { name creditCode region tier status version
  contracts(first: 50) { edges { node { number title status signedOn startOn } } } } } } }"""
DEEP = """query($after: String) { contracts(first: 50, after: $after) { edges { node { number title status } } } }"""
AGGREGATE = "{ contractsAggregate(groupBy: [REGION, TIER]) { groups { keys { region tier } count amount } } }"
LOOKUP = """query($id: ID!) { account(id: $id) { id name creditCode industryCode region size status tier version externalId source
  createdAt updatedAt industry { code sectionName divisionName } owner { name title } team { role person { name } }
  contacts(first: 5) { edges { node { name title relationshipLevel } } }
  contracts(first: 5) { edges { node { number title status signedOn amount { amount currency } } } } } }"""
UPDATE = "mutation($id: ID!, $t: String!) { updateContract(input: {id: $id, title: $t}) { contract { version } userErrors { code } } }"


class AsSystem:
    """The bench's caller: the platform itself, all permissions, every row (token lookup is not measured here)."""

    @hookimpl(tryfirst=True)
    def actor_from_request(self, request, settings):
        return SYSTEM_ACTOR


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextlib.contextmanager
def counting() -> Any:
    counter, logger = StatementCounter(), logging.getLogger("tortoise.db_client")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # count, do not print
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
        logger.propagate = propagate


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


async def post(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> bytes:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200 and b'"errors"' not in response.content, response.content[:500]
    return response.content


async def rounds(variants: dict[str, Callable[[], Awaitable[Any]]], count: int) -> dict[str, list[float]]:
    """Each variant once per round, interleaved, so that noise falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for run in variants.values():  # warm caches and connections
        await run()
    for _ in range(count):
        for name, run in variants.items():
            start = time.perf_counter()
            await run()
            samples[name].append(time.perf_counter() - start)
    return samples


async def read_scenarios(settings: Settings, pm: PluginManager, count: int) -> list[dict[str, Any]]:
    app = create_app(settings, pm)
    kamgraph = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120)
    naive = httpx.AsyncClient(transport=httpx.ASGITransport(app=naive_app()), base_url="http://bench", timeout=120)
    driver = await floor.Driver(settings.database_url).open()
    deep_cursor = encode_cursor([90_000], (("id", False),))
    cases = [
        (
            "portfolio page (50 accounts)",
            lambda c: post(c, PORTFOLIO, {"first": 50}),
            lambda: floor.portfolio(driver),
            True,
            count,
        ),
        (
            "large export (1,000 accounts)",
            lambda c: post(c, EXPORT),
            lambda: floor.export(driver),
            True,
            max(3, count // 4),
        ),
        ("deep page, position 1", lambda c: post(c, DEEP), lambda: floor.deep_page(driver, 0), False, count),
        (
            "deep page, position 90,000",
            lambda c: post(c, DEEP, {"after": deep_cursor}),
            lambda: floor.deep_page(driver, 90_000),
            False,
            count,
        ),
        (
            "aggregate by region, tier",
            lambda c: post(c, AGGREGATE),
            lambda: floor.aggregate(driver),
            False,
            max(3, count // 4),
        ),
    ]
    results = []
    try:
        for name, query, floor_run, with_naive, n in cases:
            variants = {"kamgraph": lambda q=query: q(kamgraph), "floor": floor_run}
            if with_naive:
                variants["naive"] = lambda q=query: q(naive)
            samples = await rounds(variants, n)
            with counting() as statements:
                await query(kamgraph)
            results.append({"scenario": name, "samples": samples, "statements": statements.count})
        with counting() as small:
            await post(kamgraph, PORTFOLIO, {"first": 5})
        with counting() as large:
            await post(kamgraph, PORTFOLIO, {"first": 100})
        results.append(
            {"scenario": "statements: portfolio page of 5 vs 100", "note": f"{small.count} vs {large.count}"}
        )
    finally:
        await driver.close()
        await kamgraph.aclose()
        await naive.aclose()
    return results


@contextlib.contextmanager
def server(settings: Settings, command: list[str] | None = None) -> Any:
    """kamgraph serving one uvicorn worker (or ``command``, given the port) on 127.0.0.1; yields its port."""
    port = 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "KAMGRAPH_DATABASE_URL": settings.database_url,
        "KAMGRAPH_SECRET_KEY": settings.secret_key or "",
        "KAMGRAPH_PLUGINS": "core",
        "KAMGRAPH_RATE_LIMIT_PER_ADDRESS": "0",
        "KAMGRAPH_RATE_LIMIT_PER_CREDENTIAL": "0",
        "KAMGRAPH_WEBHOOK_WORKER": "0",
        "KAMGRAPH_JOB_SCHEDULER": "0",
    }
    log = tempfile.TemporaryFile()
    command = command or [sys.executable, "-m", "kamgraph.cli", "serve", "--log-level", "warning", "--port"]
    process = subprocess.Popen([*command, str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None:
                break
            time.sleep(0.1)
        else:
            process.poll()
        if process.returncode is not None:
            log.seek(0)
            raise RuntimeError(f"the bench server did not start:\n{log.read().decode(errors='replace')}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(port: int, token: str, seconds: float, bodies: list[list[dict]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bodies, f)
    try:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "load.py"), str(port), token, str(seconds), f.name],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
        )
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout)


async def server_scenarios(settings: Settings, seconds: float) -> list[dict[str, Any]]:
    from kamgraph.core.contracts.models import Contract, ContractStatus
    from kamgraph.ids import to_global_id
    from kamgraph.security.auth import create_api_key

    token, _ = await create_api_key(
        "bench",
        [
            "accounts.read",
            "people.read",
            "contracts.read",
            "contracts.amounts.read",
            "contacts.personal.read",
            "contracts.draft",
        ],
        "bench",
        None,
    )
    drafts = [
        to_global_id("Contract", c)
        for c in await Contract.filter(status=ContractStatus.DRAFT).order_by("id").limit(8).values_list("id", flat=True)
    ]
    lookups = [
        [{"query": LOOKUP, "variables": {"id": to_global_id("Account", 1 + (n * 37 + k) % 10_000)}} for k in range(20)]
        for n in range(32)
    ]
    writes = [
        [{"query": UPDATE, "variables": {"id": gid, "t": f"Licence {side}"}} for side in ("A", "B")] for gid in drafts
    ]
    with server(settings) as port:
        looked_up = await asyncio.to_thread(load, port, token, seconds, lookups)
        written = await asyncio.to_thread(load, port, token, seconds, writes)
    with server(settings, [sys.executable, str(Path(__file__).parent / "floor.py"), settings.database_url]) as port:
        lookup_floor = await asyncio.to_thread(load, port, token, seconds, lookups)
    raw = await raw_writes(settings.database_url, drafts, seconds)
    return [
        {"scenario": "point lookup, 32 clients, 1 worker", "load": looked_up, "floor_load": lookup_floor},
        {"scenario": "write path, 8 writers", "load": written, "floor_load": raw},
    ]


async def raw_writes(url: str, drafts: list[str], seconds: float) -> dict[str, Any]:
    """The floor of the write path: the driver alone, 8 connections, the same three statements a transaction."""
    from kamgraph.ids import from_global_id

    ids = [int(from_global_id(g)[1]) for g in drafts]
    latencies: list[float] = []
    until = time.perf_counter() + seconds

    async def writer(contract_id: int) -> None:
        driver = await floor.Driver(url).open()
        if not driver.postgres:
            await driver.connection.execute("PRAGMA synchronous=FULL")
            await driver.connection.execute("PRAGMA busy_timeout=5000")
        side = 0
        try:
            while time.perf_counter() < until:
                start = time.perf_counter()
                await driver.write_transaction(
                    [
                        (
                            "UPDATE contract SET title = ?, version = version + 1 WHERE id = ?",
                            [f"Raw {side}", contract_id],
                        ),
                        (
                            "INSERT INTO audit_record (occurred_at, actor, actor_via, action, subject_type, subject_ids, fields_read) "
                            "VALUES (CURRENT_TIMESTAMP, 'bench', 'bench', 'update', 'Contract', ?, '')",
                            [str(contract_id)],
                        ),
                        (
                            "INSERT INTO outbox_event (event_id, type, subject, data, actor, occurred_at, fanned_out) "
                            "VALUES (?, 'contract.updated', ?, '{}', 'bench', CURRENT_TIMESTAMP, ?)",
                            [os.urandom(16).hex(), str(contract_id), False],
                        ),
                    ]
                )
                latencies.append(time.perf_counter() - start)
                side ^= 1
        finally:
            await driver.close()

    started = time.perf_counter()
    await asyncio.gather(*(writer(i) for i in ids))
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": time.perf_counter() - started,
        "errors": 0,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
    }


def table(database: str, counts: dict[str, int], reads: list[dict[str, Any]], loads: list[dict[str, Any]]) -> str:
    lines = [
        f"## {database}: {counts['accounts']:,} accounts, {counts['contracts']:,} contracts, {counts['payments']:,} payments",
        "",
        "| scenario | kamgraph p50 / p95 ms | floor p50 ms | kamgraph ÷ floor | naive p50 ms | naive ÷ kamgraph | SQL statements |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in reads:
        if "note" in r:
            lines.append(f"| {r['scenario']} | | | | | | {r['note']} |")
            continue
        k50, k95 = summary(r["samples"]["kamgraph"])
        f50, _ = summary(r["samples"]["floor"])
        naive = r["samples"].get("naive")
        n50 = summary(naive)[0] if naive else None
        lines.append(
            f"| {r['scenario']} | {k50:.1f} / {k95:.1f} | {f50:.1f} | {k50 / f50:.2f}× | "
            f"{f'{n50:.1f}' if n50 else '–'} | {f'{n50 / k50:.1f}×' if n50 else '–'} | {r['statements']} |"
        )
    lines += [
        "",
        "| scenario | requests/s | p50 ms | p99 ms | errors | floor requests/s | floor p99 ms | floor ÷ kamgraph requests/s | p99 ÷ floor p99 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in loads:
        k = r["load"]
        f = r.get("floor_load")
        rate = k["requests"] / k["seconds"]
        floor_rate = f["requests"] / f["seconds"] if f else 0
        floor_cols = (
            f"{floor_rate:.0f} | {f['p99'] * 1000:.1f} | {floor_rate / rate:.2f}× | {k['p99'] / f['p99']:.2f}×"
            if f
            else "– | – | – | –"
        )
        lines.append(
            f"| {r['scenario']} | {rate:.0f} | {k['p50'] * 1000:.1f} | {k['p99'] * 1000:.1f} | {k['errors']} | {floor_cols} |"
        )
    lines += [f"\nfirst error of {r['scenario']}: {r['load']['first_error']}" for r in loads if r["load"]["errors"]]
    return "\n".join(lines)


async def bench(scale: int, postgres_url: str | None, count: int, seconds: float) -> str:
    settings = settings_for(scale, postgres_url).with_(
        max_page_size=1000, max_cost=100_000
    )  # the export asks for 51,000 rows
    pm = PluginManager.from_names(settings.plugins)
    pm.register(AsSystem(), name="bench_actor")
    async with db.connect(settings, pm, create_db=True):
        counts = await ensure_data(settings, pm, scale)
        reads = await read_scenarios(settings, pm, count)
        loads = await server_scenarios(settings, seconds)
    return table("PostgreSQL" if postgres_url else "SQLite", counts, reads, loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=1, help="1: 10,000 accounts; 10: 100,000 accounts, 1,000,000 contracts"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load scenario")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="PostgreSQL needs KAMGRAPH_TEST_DATABASE_URL (its server; the bench makes its own database)",
    )
    parser.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not args.no_header:
        print(
            f"kamgraph benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores\n",
            flush=True,
        )
    postgres_url = os.environ.get("KAMGRAPH_TEST_DATABASE_URL")
    if args.database == "both" and postgres_url:  # one process per database: tortoise keeps per-dialect state
        for database in ("sqlite", "postgres"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--scale",
                    str(args.scale),
                    "--rounds",
                    str(args.rounds),
                    "--seconds",
                    str(args.seconds),
                    "--database",
                    database,
                    "--no-header",
                ],
                check=True,
            )
        return
    url = postgres_url if args.database == "postgres" else None
    if args.database == "postgres" and not url:
        parser.error("--database postgres needs KAMGRAPH_TEST_DATABASE_URL")
    print(asyncio.run(bench(args.scale, url, args.rounds, args.seconds)) + "\n")


if __name__ == "__main__":
    main()
