"""Every SQL statement timed, for ``/metrics``, and traced when tracing is on (``kamgraph.tracing``).

tortoise has no statement hook, so the methods through which every statement passes are wrapped once, on
each client class that defines them (the pool's and the transaction's, SQLite's and PostgreSQL's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from time import perf_counter
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from kamgraph import tracing
from kamgraph.metrics import STATEMENTS

METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")


def _classes(root: type) -> Iterator[type]:
    for cls in root.__subclasses__():
        yield cls
        yield from _classes(cls)


def _timed(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def timed(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        start = perf_counter()
        try:
            if tracing.tracer is None:
                return await method(self, query, *args, **kwargs)
            attributes = {"db.system": self.capabilities.dialect, "db.statement": query[:2000]}
            with tracing.tracer.start_as_current_span(
                f"SQL {query.split(None, 1)[0] if query else ''}", attributes=attributes
            ):
                return await method(self, query, *args, **kwargs)
        finally:
            STATEMENTS.observe(perf_counter() - start)

    timed.kamgraph_timed = True  # type: ignore[attr-defined]
    return timed


def instrument_statements() -> None:
    """Wrap the statement methods of every client class loaded; idempotent (``db.connect`` calls it)."""
    for cls in [BaseDBAsyncClient, *_classes(BaseDBAsyncClient)]:
        for name in METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "kamgraph_timed", False):
                setattr(cls, name, _timed(method))
