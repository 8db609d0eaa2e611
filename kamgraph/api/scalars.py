"""The scalars every argument and input field is parsed with, bounded at the edge: a value outside them is
refused before any resolver runs (BAD_USER_INPUT naming the variable, or a validation error naming the
literal), never met by date arithmetic, a decimal context or the database as an ``INTERNAL``.

- ``Date``: ISO 8601, from 1900-01-01 to 2999-12-31;
- ``DateTime``: ISO 8601, in the same years;
- ``Decimal``: a finite number below 10^15 in size with at most 6 decimals (money is checked further, to
  two decimals and DECIMAL(16, 2), by ``kamgraph.values.money_problem``).

They keep strawberry's names and serialization; ``build_schema`` installs them as ``scalar_overrides``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from operator import methodcaller
from typing import Any

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

FIRST_YEAR, LAST_YEAR = 1900, 2999
DECIMAL_LIMIT = decimal.Decimal(10) ** 15
DECIMAL_PLACES = 6


def _parser(kind: str, parse: Callable[[str], Any], check: Callable[[Any], str | None], numbers: bool = False) -> Any:
    def parse_value(value: object) -> Any:
        if not isinstance(value, str) and not (
            numbers and isinstance(value, int | float) and not isinstance(value, bool)
        ):
            raise StrawberryInputCoercionError(f'Value cannot represent a {kind}: "{value}". Expected a string.')
        try:
            parsed = parse(str(value))
        except (ValueError, OverflowError, decimal.DecimalException):
            raise StrawberryInputCoercionError(f'Value cannot represent a {kind}: "{value}".') from None
        if problem := check(parsed):
            raise StrawberryInputCoercionError(f'Value cannot represent a {kind}: "{value}": {problem}.')
        return parsed

    return parse_value


def _year_problem(value: dt.date) -> str | None:
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"the year is outside {FIRST_YEAR}-{LAST_YEAR}"


def _decimal_problem(value: decimal.Decimal) -> str | None:
    if not value.is_finite():
        return "it is not a finite number"
    if abs(value) >= DECIMAL_LIMIT:
        return f"it is not below {DECIMAL_LIMIT:,.0f} in size"
    if value.as_tuple().exponent < -DECIMAL_PLACES:  # type: ignore[operator]
        return f"it has more than {DECIMAL_PLACES} decimals"
    return None


isoformat = methodcaller("isoformat")

Date = ScalarDefinition(
    name="Date",
    description=f"A day, ISO 8601 (2026-12-03), from {FIRST_YEAR} to {LAST_YEAR}.",
    specified_by_url="https://scalars.graphql.org/andimarek/local-date.html",
    serialize=isoformat,
    parse_value=_parser("Date", dt.date.fromisoformat, _year_problem),
    parse_literal=None,
    origin=dt.date,
)

DateTime = ScalarDefinition(
    name="DateTime",
    description=f"A moment, ISO 8601 with its offset (2026-12-03T09:30:00+00:00), from {FIRST_YEAR} to {LAST_YEAR}.",
    specified_by_url="https://scalars.graphql.org/andimarek/date-time.html",
    serialize=isoformat,
    parse_value=_parser("DateTime", dateutil.parser.isoparse, _year_problem),
    parse_literal=None,
    origin=dt.datetime,
)

Decimal = ScalarDefinition(
    name="Decimal",
    description=f'An exact decimal number as a string ("1234.50"): below 10^15 in size, at most {DECIMAL_PLACES} decimals.',
    specified_by_url=None,
    serialize=str,
    parse_value=_parser("Decimal", decimal.Decimal, _decimal_problem, numbers=True),
    parse_literal=None,
    origin=decimal.Decimal,
)

OVERRIDES = {dt.date: Date, dt.datetime: DateTime, decimal.Decimal: Decimal}
