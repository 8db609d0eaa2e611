"""Checks of the values every write validates, shared by the core and every plugin (DOMAIN.md section 4:
data standards are enforced on entry, with a clear field-level error). Each returns a ``Problem`` at the
input path, or None when the value is good."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from kamgraph.errors import Problem, invalid

CENT = Decimal("0.01")
MAX_MONEY = Decimal("99999999999999.99")  # DECIMAL(16, 2)


def money_problem(value: Decimal | str, path: tuple[str | int, ...], *, positive: bool = False) -> Problem | None:
    """Money is non-negative (positive where asked), with at most two decimals."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        return invalid(path, f"{value!r} is not an amount")
    if not amount.is_finite():
        return invalid(path, "an amount must be a finite number")
    if amount < 0 or (positive and amount == 0):
        return invalid(path, "an amount must be greater than zero" if positive else "an amount cannot be negative")
    if amount != amount.quantize(CENT):
        return invalid(path, f"{amount} has more than two decimals")
    if amount > MAX_MONEY:
        return invalid(path, f"{amount} is larger than the largest supported amount {MAX_MONEY}")
    return None


def period_problem(starts: date | None, ends: date | None, path: tuple[str | int, ...]) -> Problem | None:
    """A period ends on or after the day it starts (either end may be open)."""
    if starts is not None and ends is not None and ends < starts:
        return invalid(path, f"the period ends ({ends}) before it starts ({starts})")
    return None


def text_problem(value: str | None, path: tuple[str | int, ...], *, max_length: int | None = None) -> Problem | None:
    """Required text: not empty once trimmed, and no longer than ``max_length`` where the column has one."""
    if value is None or not value.strip():
        return invalid(path, "this cannot be empty")
    if max_length is not None and len(value.strip()) > max_length:
        return invalid(path, f"at most {max_length} characters, not {len(value.strip())}")
    return None


def scale_problem(value: int, path: tuple[str | int, ...], low: int = 1, high: int = 5) -> Problem | None:
    """A rating on a scale (probability, impact, fit: 1 to 5 unless said otherwise)."""
    return None if low <= value <= high else invalid(path, f"rate from {low} to {high}, not {value}")
