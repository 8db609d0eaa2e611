"""Schedules: the latest slot at or before a moment, in the business time zone (pure, no database)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kamgraph.jobs import daily, every, monthly, quarterly, weekly

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_daily_slot_is_today_once_the_time_has_passed_and_yesterday_before():
    schedule = daily("02:00")
    assert schedule.latest_slot(local(2026, 11, 30, 2, 0), SHANGHAI) == local(2026, 11, 30, 2, 0)
    assert schedule.latest_slot(local(2026, 11, 30, 1, 59), SHANGHAI) == local(2026, 11, 29, 2, 0)
    # 01:00 in Shanghai is 17:00 UTC the day before: the slot follows the business day, not UTC's
    assert schedule.latest_slot(datetime(2026, 11, 29, 17, 30, tzinfo=UTC), SHANGHAI) == local(2026, 11, 29, 2, 0)


def test_weekly_monthly_and_quarterly_slots():
    assert weekly(0, "06:00").latest_slot(local(2026, 12, 2, 9, 0), SHANGHAI) == local(2026, 11, 30, 6, 0)  # Monday
    assert monthly(1, "03:00").latest_slot(local(2026, 12, 1, 2, 59), SHANGHAI) == local(2026, 11, 1, 3, 0)
    assert quarterly("04:00").latest_slot(local(2026, 12, 15), SHANGHAI) == local(2026, 10, 1, 4, 0)
    assert quarterly("04:00").latest_slot(local(2027, 1, 1, 4, 0), SHANGHAI) == local(2027, 1, 1, 4, 0)


def test_interval_slot_and_descriptions():
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert every(minutes=15).latest_slot(now, SHANGHAI) == now - timedelta(minutes=15)
    assert [s.describe() for s in (every(hours=1), daily("01:00"), weekly(0, "06:00"), quarterly("04:00"))] == [
        "every 1 hour",
        "daily at 01:00",
        "Mondays at 06:00",
        "day 1 in months 1,4,7,10 at 04:00",
    ]
    with pytest.raises(ValueError):
        monthly(31, "00:00")
