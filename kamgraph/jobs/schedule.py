"""When a job is due: a fixed interval, or a local time of day on chosen days.

A schedule answers one question, ``latest_slot(now)``: the most recent moment the job should have
started at or before ``now``. The runner starts a job when no successful run began since that slot,
so a process that was down at 02:00 catches up when it comes back, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Schedule:
    """Every ``interval``; or at ``at`` (business time zone) on every day, one ``weekday`` (0 = Monday),
    or ``month_day`` of the listed ``months``."""

    interval: timedelta | None = None
    at: time | None = None
    weekday: int | None = None
    month_day: int | None = None
    months: tuple[int, ...] = tuple(range(1, 13))

    def latest_slot(self, now: datetime, time_zone: ZoneInfo) -> datetime:
        if self.interval is not None:
            return now - self.interval
        assert self.at is not None
        local = now.astimezone(time_zone)
        day = local.date()
        for _ in range(400):  # a quarterly slot is at most ~92 days back
            slot = datetime.combine(day, self.at, time_zone)
            if slot <= local and self._on(day):
                return slot.astimezone(UTC)
            day -= timedelta(days=1)
        raise ValueError(f"{self} never falls due")

    def _on(self, day: date) -> bool:
        if self.weekday is not None:
            return day.weekday() == self.weekday
        if self.month_day is not None:
            return day.day == self.month_day and day.month in self.months
        return True

    def describe(self) -> str:
        if self.interval is not None:
            return f"every {_span(self.interval)}"
        at = self.at.strftime("%H:%M") if self.at else ""
        if self.weekday is not None:
            return f"{WEEKDAYS[self.weekday]}s at {at}"
        if self.month_day is not None:
            which = "every month" if len(self.months) == 12 else "in months " + ",".join(map(str, self.months))
            return f"day {self.month_day} {which} at {at}"
        return f"daily at {at}"


def every(**span: float) -> Schedule:
    """``every(minutes=15)``: due again that long after the last run started."""
    return Schedule(interval=timedelta(**span))


def daily(at: str) -> Schedule:
    """``daily("02:00")``: once a day at that local time."""
    return Schedule(at=time.fromisoformat(at))


def weekly(weekday: int, at: str) -> Schedule:
    """``weekly(0, "06:00")``: Mondays at 06:00."""
    return Schedule(at=time.fromisoformat(at), weekday=weekday)


def monthly(day: int, at: str, months: tuple[int, ...] = tuple(range(1, 13))) -> Schedule:
    """``monthly(1, "03:00")``: on the first of each month (or of the listed ``months``)."""
    if not 1 <= day <= 28:
        raise ValueError("a monthly job runs on day 1-28, which every month has")
    return Schedule(at=time.fromisoformat(at), month_day=day, months=months)


def quarterly(at: str, day: int = 1) -> Schedule:
    """On the first day (or ``day``) of January, April, July and October."""
    return monthly(day, at, months=(1, 4, 7, 10))


def _span(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"
