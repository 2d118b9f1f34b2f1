"""One reading of Z-API's epoch numbers: seconds or milliseconds, never a guess elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from zapi.times import epoch_time

NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [NOON.timestamp(), int(NOON.timestamp() * 1000), str(int(NOON.timestamp() * 1000))],
)
def test_seconds_and_milliseconds_are_the_same_time(value):
    assert epoch_time(value) == NOON


@pytest.mark.parametrize("value", [None, "", "soon", 0, -5, True, 10**30, float("nan")])
def test_what_is_not_a_time_is_none(value):
    assert epoch_time(value) is None
