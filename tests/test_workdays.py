"""Business dates: the business time zone's today, and working days with holidays and make-up days."""

from datetime import UTC, date, datetime

from kamgraph.settings import Settings
from kamgraph.workdays import WorkCalendar, business_today


def test_today_is_the_business_time_zones_date():
    late_utc = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 October in Shanghai
    assert business_today("Asia/Shanghai", late_utc) == date(2026, 10, 1)
    assert business_today("UTC", late_utc) == date(2026, 9, 30)


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    national_day = frozenset(date(2026, 10, d) for d in range(1, 8))
    calendar = WorkCalendar(holidays=national_day, working_weekends=frozenset({date(2026, 10, 10)}))
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)  # holiday week skipped
    assert calendar.add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)  # Saturday 10th is worked
    assert calendar.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday -> Monday
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 9)) == 4  # 29, 30 Sep; 8, 9 Oct
    assert calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 1)) == 0


def test_the_calendar_comes_from_settings():
    settings = Settings.from_env(
        {"KAMGRAPH_HOLIDAYS": "2026-01-01,2026-05-01", "KAMGRAPH_WORKING_WEEKENDS": "2026-01-04"}
    )
    calendar = settings.calendar
    assert not calendar.is_working_day(date(2026, 1, 1)) and calendar.is_working_day(date(2026, 1, 4))
