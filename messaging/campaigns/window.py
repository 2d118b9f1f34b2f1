"""The sending window: the hours and weekdays a campaign may send, in its time zone
(``America/Sao_Paulo`` by default). Outside it nothing is fed to the senders' queues.

A window whose end is before its start runs overnight (22:00-06:00 is open at 23:00 and at
05:00). Daylight-saving gaps are handled by working in the zone's wall clock and converting
back with ``zoneinfo`` (Brazil has had none since 2019, other zones do).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "America/Sao_Paulo"
ALL_WEEKDAYS = frozenset(range(7))  # Monday = 0, as ``date.weekday()``


@dataclass(frozen=True)
class SendingWindow:
    start: time = time(9, 0)
    end: time = time(20, 0)
    weekdays: frozenset[int] = ALL_WEEKDAYS
    time_zone: str = DEFAULT_TIME_ZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    @property
    def hours_per_day(self) -> float:
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        minutes = end - start if end > start else 24 * 60 - start + end
        return minutes / 60

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals that start on ``day`` (local), as aware datetimes."""
        if day.weekday() not in self.weekdays:
            return []
        zone = self.zone
        opens = datetime.combine(day, self.start, zone)
        closes_day = day + timedelta(days=1) if self.overnight else day
        closes = datetime.combine(closes_day, self.end, zone)
        return [(opens, closes)]

    def _around(self, at: datetime) -> Iterable[tuple[datetime, datetime]]:
        local_day = at.astimezone(self.zone).date()
        for offset in range(-1, 9):
            yield from self._intervals(local_day + timedelta(days=offset))

    def contains(self, at: datetime) -> bool:
        return any(opens <= at < closes for opens, closes in self._around(at))

    def next_open(self, at: datetime) -> datetime | None:
        """``at`` itself when the window is open, else when it opens next (None: never,
        no weekday chosen)."""
        for opens, closes in self._around(at):
            if closes <= at:
                continue
            return max(opens, at)
        return None

    def closes_after(self, at: datetime) -> datetime | None:
        """When the open interval containing ``at`` closes (None when closed at ``at``)."""
        for opens, closes in self._around(at):
            if opens <= at < closes:
                return closes
        return None

    def open_days(self, start: date, count: int) -> list[date]:
        """The next ``count`` local dates (from ``start``) on which the window opens."""
        days: list[date] = []
        day = start
        while len(days) < count and self.weekdays:
            if day.weekday() in self.weekdays:
                days.append(day)
            day += timedelta(days=1)
        return days
