"""Rate limits: one-minute windows per address and per credential, shared through the database once synced."""

import asyncio
import logging

import httpx

from kamgraph.api import ratelimit
from kamgraph.api.ratelimit import RateLimits, Windows
from kamgraph.app import create_app
from kamgraph.security.models import RateCounter

MINUTE_TEN = 600  # 10:00 after the epoch: window number 10 starts here


def test_a_key_over_its_limit_waits_until_its_window_ends():
    windows = Windows(limit=3, prefix="a:")
    assert [windows.hit("10.0.0.1", MINUTE_TEN + s) for s in (0, 10, 20)] == [None, None, None]
    assert windows.hit("10.0.0.1", MINUTE_TEN + 30.5) == 30  # 29.5 s left in the window, rounded up
    assert windows.hit("10.0.0.1", MINUTE_TEN + 59.9) == 1
    assert windows.hit("10.0.0.2", MINUTE_TEN + 59.9) is None  # another key has its own count


def test_a_new_window_counts_from_one_again():
    windows = Windows(limit=1, prefix="a:")
    assert windows.hit("k", MINUTE_TEN + 59) is None
    assert windows.hit("k", MINUTE_TEN + 59.5) == 1
    assert windows.hit("k", MINUTE_TEN + 60) is None  # the first of the next minute
    assert windows.hit("k", MINUTE_TEN + 61) == 60


def test_everyone_elses_hits_of_the_same_window_count_too():
    windows = Windows(limit=6, prefix="c:")
    windows.shared = {"k": (10, 5), "stale": (9, 100)}
    assert windows.hit("k", MINUTE_TEN) is None  # 5 served elsewhere + this one = 6
    assert windows.hit("k", MINUTE_TEN + 1) == 60
    assert windows.hit("stale", MINUTE_TEN) is None  # last minute's total no longer counts
    assert windows.hit("fresh", MINUTE_TEN) is None


def test_tracking_many_keys_forgets_the_past_windows_first(monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_TRACKED", 2)
    windows = Windows(limit=5, prefix="a:")
    windows.counts = {"old": (9, 4), "current": (10, 1), "older": (8, 1)}
    windows.shared = {"old": (9, 2), "current": (10, 3)}
    windows.hit("new", MINUTE_TEN)
    assert windows.counts == {"current": (10, 1), "new": (10, 1)}
    assert windows.shared == {"current": (10, 3)}
    windows.counts = {"old": (9, 4), "current": (10, 1)}  # at the limit of keys, not past it: nothing forgotten
    windows.hit("current", MINUTE_TEN)
    assert windows.counts == {"old": (9, 4), "current": (10, 2)}


def test_last_minutes_total_adds_nothing():
    windows = Windows(limit=1, prefix="c:")
    windows.shared = {"k": (9, 100)}
    assert windows.hit("k", MINUTE_TEN) is None


async def test_rate_limits_per_address_and_per_credential(settings, pm):
    limited = create_app(settings.with_(rate_limit_per_address=5, rate_limit_per_credential=3), pm)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited, client=("10.0.0.1", 1)), base_url="http://x"
    ) as client:
        statuses = [(await client.post("/graphql", json={"query": "{ __typename }"})).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        over = await client.post("/graphql", json={"query": "{ __typename }"})
        wait = int(over.headers["retry-after"])
        assert 1 <= wait <= 61 and over.json() == {
            "errors": [
                {
                    "message": f"too many requests; retry in {wait} seconds",
                    "extensions": {"code": "RATE_LIMITED", "retryAfter": wait},
                }
            ]
        }
        assert over.headers["content-type"] == "application/json"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited, client=("10.0.0.2", 1)), base_url="http://x"
    ) as client:
        # one credential however its scheme is spelt: `bearer T` does not get a budget of its own
        spellings = [
            "Bearer kgs_same-token",
            "bearer kgs_same-token",
            "BEARER  kgs_same-token",
            "Bearer kgs_same-token",
        ]
        statuses = [
            (await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Authorization": s})).status_code
            for s in spellings
        ]
        assert statuses == [200, 200, 200, 429]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited, client=("10.0.0.3", 1)), base_url="http://x"
    ) as client:
        # a header that is not a bearer token is a credential too, counted by its text
        basic = [
            (
                await client.post(
                    "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": "Basic dXNlcg=="}
                )
            )
            for _ in range(4)
        ]
        assert [r.status_code for r in basic] == [200, 200, 200, 429]


async def test_synced_processes_share_the_limits(settings, pm, clean):
    """Two apps stand for two workers (or two nodes): what one served counts against the other after a sync.

    The app syncs on PostgreSQL only (on SQLite each process counts alone, docs/security.md); the statements are
    the same on both, so both run this test."""
    config = settings.with_(rate_limit_per_address=0, rate_limit_per_credential=4)
    workers = [create_app(config, pm), create_app(config, pm)]
    headers = {"Authorization": "Bearer kgs_shared-token"}

    async def send(app) -> int:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            return (await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)).status_code

    assert [await send(workers[0]) for _ in range(3)] == [200, 200, 200]
    await workers[0].state.limits.sync()  # what the first served reaches the database ...
    await workers[1].state.limits.sync()
    assert await send(workers[1]) == 200  # ... so the second's first request is the fourth of the minute
    await workers[1].state.limits.sync()
    assert await send(workers[1]) == 429  # and its second the fifth, over the limit of 4
    # one row: each sync pushed only what was new (the fifth, refused, waits for the next sync)
    assert [c.hits for c in await RateCounter.all()] == [4]


async def test_a_sync_pushes_the_current_window_and_deletes_the_old_ones_once_a_minute(clean):
    limits = RateLimits(per_address=10, per_credential=0)
    await RateCounter.create(key="a:gone", window=8, hits=3)
    await RateCounter.create(key="a:last", window=9, hits=3)  # the previous minute stays: a late sync may add to it
    limits.addresses.counts["10.0.0.9"] = (9, 4)  # last minute's, not yet pushed: too late to count
    limits.addresses.counts["10.0.0.8"] = (10, 0)  # pushed already, nothing new
    limits.addresses.hit("10.0.0.1", MINUTE_TEN)
    limits.addresses.hit("10.0.0.1", MINUTE_TEN + 1)
    await limits.sync(now=MINUTE_TEN + 2)
    rows = {(c.key, c.window): c.hits for c in await RateCounter.all()}
    assert rows == {("a:last", 9): 3, ("a:10.0.0.1", 10): 2}
    assert limits.addresses.counts["10.0.0.1"] == (10, 0) and limits.addresses.shared["10.0.0.1"] == (10, 2)
    await RateCounter.create(key="a:late", window=7, hits=1)
    await limits.sync(now=MINUTE_TEN + 3)  # same minute: nothing new to push, nothing deleted
    assert await RateCounter.filter(key="a:late").exists()
    await limits.sync(now=MINUTE_TEN + 60)  # the next minute's first sync deletes what is older than the last
    assert {(c.key, c.window) for c in await RateCounter.all()} == {("a:10.0.0.1", 10)}


async def test_a_failing_sync_is_logged_and_the_next_one_still_runs(monkeypatch, caplog):
    limits, stop, calls = RateLimits(per_address=10, per_credential=0), asyncio.Event(), []
    monkeypatch.setattr(ratelimit, "SYNC_SECONDS", 0.01)

    async def sync() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise ConnectionError("database away")
        stop.set()

    monkeypatch.setattr(limits, "sync", sync)
    with caplog.at_level(logging.ERROR, logger="kamgraph.ratelimit"):
        await asyncio.wait_for(limits.run(stop), timeout=5)
    assert calls == [0, 1]
    assert [r.getMessage() for r in caplog.records] == ["could not share the rate-limit counts"]


async def test_each_kind_of_key_is_counted_under_its_own_prefix(clean):
    assert RateLimits(per_address=0, per_credential=0).credentials is None
    assert RateLimits(per_address=0, per_credential=0).addresses is None
    limits = RateLimits(per_address=5, per_credential=5)
    limits.addresses.hit("10.0.0.1", MINUTE_TEN)
    limits.credentials.hit("10.0.0.1", MINUTE_TEN)  # the same text as an address and as a credential hash
    await limits.sync(now=MINUTE_TEN)
    assert sorted(c.key for c in await RateCounter.all()) == ["a:10.0.0.1", "c:10.0.0.1"]
