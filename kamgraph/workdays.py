"""Business dates (DOMAIN.md section 4): "today" in the configured time zone, and working days that skip
weekends and a configurable holiday calendar, including weekend days declared working (调休).

Pure functions over plain values; plugins use them for timers ("a solution within 5 working days").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def business_today(time_zone: str, now: datetime | None = None) -> date:
    """The calendar date in the business time zone (Asia/Shanghai by default), not the server's."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(time_zone)).date()


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    #: weekend days that are working days (make-up days around public holidays)
    working_weekends: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
