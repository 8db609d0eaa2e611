"""What the security machinery costs on a 50-account portfolio page (issue "Security", done-when 4).

Runs the same query in process (ASGI, no network) against the demo data, three ways:
  bare      the actor handed in directly, no token lookup, no audit write (the floor for this measure)
  director  a KA director's session token: token lookup, roles, masking checks, audit of every amount read
  manager   an account manager's token: the same, plus the row-scope sub-select in every statement
and prints medians and ratios. Usage: python bench/security_overhead.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from kamgraph import db, hookimpl
from kamgraph.app import create_app
from kamgraph.cli import seed_demo
from kamgraph.plugin_manager import PluginManager
from kamgraph.security import audit
from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.settings import Settings

PAGE = """{ accounts(first: 50) { edges { node { name creditCode industryCode region size status tier version
  owner { name } contracts(first: 20) { edges { node { number title edition status signedOn startOn endOn amount { amount }
  payments(last: 3) { amount paidOn } } } } } } } }"""
LOGIN = 'mutation { login(input: {email: "%s", password: "kamgraph-demo"}) { token } }'


class Bare:
    enabled = False

    @hookimpl(tryfirst=True)
    def actor_from_request(self, request, settings):
        return SYSTEM_ACTOR if self.enabled else None


async def timed(client: httpx.AsyncClient, headers: dict, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        body = (await client.post("/graphql", json={"query": PAGE}, headers=headers)).json()
        samples.append(time.perf_counter() - start)
        assert "errors" not in body, body
    return samples


async def main(rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kamgraph-bench-"))
    settings = Settings(
        database_url=f"sqlite://{folder}/bench.sqlite3", rate_limit_per_address=0, rate_limit_per_credential=0
    )
    pm = PluginManager.from_names(settings.plugins)
    bare = Bare()
    pm.register(bare, name="bench_bare")
    app = create_app(settings, pm)
    async with db.connect(settings, pm):
        await seed_demo(settings, pm)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            tokens = {
                who: (await client.post("/graphql", json={"query": LOGIN % f"{who}@demo.kamgraph"})).json()["data"][
                    "login"
                ]["token"]
                for who in ("ka-director", "account-manager")
            }
            results = {}
            store = audit.store
            for name, headers in (
                ("director", {"Authorization": f"Bearer {tokens['ka-director']}"}),
                ("manager", {"Authorization": f"Bearer {tokens['account-manager']}"}),
                ("no-audit", {"Authorization": f"Bearer {tokens['ka-director']}"}),
                ("bare", {}),
            ):
                bare.enabled = name == "bare"
                if name == "no-audit":

                    async def no_audit(*args, **kwargs):
                        return None

                    audit.store = no_audit
                    import kamgraph.api.guards as guards

                    guards.store = no_audit
                await timed(client, headers, 5)  # warm up
                results[name] = await timed(client, headers, rounds)
            audit.store = store
    floor = statistics.median(results["bare"])
    print(f"{'variant':<10} {'median ms':>10} {'p95 ms':>8} {'vs bare':>8}")
    for name in ("bare", "no-audit", "director", "manager"):
        samples = sorted(results[name])
        median = statistics.median(samples)
        print(
            f"{name:<10} {median * 1000:>10.1f} {samples[int(len(samples) * 0.95) - 1] * 1000:>8.1f} {median / floor:>8.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    asyncio.run(main(parser.parse_args().rounds))
