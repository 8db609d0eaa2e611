"""Background loops of a server process: webhook delivery, the job scheduler, the event feed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("kamgraph")


async def repeat(work: Callable[[], Awaitable[Any]], stop: asyncio.Event, interval: float, what: str) -> None:
    """Call ``work`` every ``interval`` seconds until ``stop`` is set; a failing round is logged, not fatal."""
    while not stop.is_set():
        try:
            await work()
        except Exception:
            log.exception("%s failed; trying again in %s s", what, interval)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
