"""The sending window (messaging.campaigns.window): hours, weekdays, time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from messaging.campaigns.window import SendingWindow

SP = ZoneInfo("America/Sao_Paulo")
UTC = ZoneInfo("UTC")
WEEKDAYS = frozenset(range(5))


def sp(*args):
    return datetime(*args, tzinfo=SP)


def test_open_inside_hours_on_chosen_weekdays_in_sao_paulo_time():
    window = SendingWindow(start=time(9), end=time(18), weekdays=WEEKDAYS)
    assert window.contains(sp(2026, 12, 1, 9, 0))  # Tuesday 09:00
    assert not window.contains(sp(2026, 12, 1, 18, 0))  # closes at 18:00
    assert not window.contains(sp(2026, 12, 5, 12, 0))  # Saturday
    # 11:30 UTC is 08:30 in São Paulo (UTC-3): not yet.
    assert not window.contains(datetime(2026, 12, 1, 11, 30, tzinfo=UTC))
    assert window.contains(datetime(2026, 12, 1, 12, 30, tzinfo=UTC))


def test_next_open_skips_the_weekend():
    window = SendingWindow(start=time(9), end=time(18), weekdays=WEEKDAYS)
    assert window.next_open(sp(2026, 12, 4, 19, 0)) == sp(2026, 12, 7, 9, 0)  # Fri → Mon
    at = sp(2026, 12, 1, 10, 15)
    assert window.next_open(at) == at
    assert window.closes_after(at) == sp(2026, 12, 1, 18, 0)
    assert window.closes_after(sp(2026, 12, 1, 7, 0)) is None


def test_overnight_window_and_no_weekday():
    night = SendingWindow(start=time(22), end=time(6))
    assert night.contains(sp(2026, 12, 1, 23, 0)) and night.contains(sp(2026, 12, 2, 5, 59))
    assert not night.contains(sp(2026, 12, 2, 12, 0))
    assert night.hours_per_day == 8
    assert SendingWindow(weekdays=frozenset()).next_open(sp(2026, 12, 1, 10)) is None


def test_open_days_lists_the_dates_the_window_opens():
    window = SendingWindow(weekdays=frozenset({0, 2}))  # Monday, Wednesday
    assert window.open_days(date(2026, 12, 1), 3) == [
        date(2026, 12, 2), date(2026, 12, 7), date(2026, 12, 9),
    ]  # fmt: skip
