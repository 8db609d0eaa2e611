"""Health signals: each plugin's contribution to an account's health score (DOMAIN.md "retention").

A plugin registers :class:`HealthSignal` objects through ``register_health_signals``. A signal scores a
batch of accounts from 0 (alarming) to 100 (healthy) with a short detail, reading through the scoped
accessor it is given, so a caller sees signals only of accounts in their scope. ``Account.healthSignals``
shows every enabled plugin's signals; the retention plugin will weigh them into one score.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tortoise.models import Model

    from kamgraph.security.actors import Actor
    from kamgraph.security.scope import Rows
    from kamgraph.settings import Settings


@dataclass(frozen=True)
class SignalValue:
    """One account's reading of a signal: a score from 0 to 100 and what it rests on."""

    score: int
    detail: str


@dataclass(frozen=True)
class SignalContext:
    """What a signal reads with: the caller's scoped rows, the business day, the settings, and the caller
    (a signal whose rows the caller may not read at all gives no reading rather than a healthy one)."""

    rows: Callable[[type[Model]], Rows]
    today: date
    settings: Settings
    actor: Actor | None = None


@dataclass(frozen=True)
class HealthSignal:
    """``name`` is ``<plugin>.<what>``; ``compute(ctx, account_ids)`` returns a value per account it can
    judge (leave an account out for "no reading"), in a few statements for the whole batch."""

    name: str
    description: str
    compute: Callable[[SignalContext, Sequence[int]], Awaitable[dict[int, SignalValue]]]
