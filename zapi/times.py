"""Times as Z-API gives them: numbers since the epoch, in seconds or in milliseconds.

The spec mixes both (``momment`` is milliseconds in most webhook examples and seconds in the
disconnected one; ``/me``'s ``due`` and the queue's ``Created`` are milliseconds), so one
function reads either: above 10^11 a number is milliseconds (10^11 s is the year 5138,
10^11 ms is 1973).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MS_THRESHOLD = 100_000_000_000

# Keys of Z-API answers and payloads that hold such a number (``/me``, the queue, webhooks).
TIME_KEYS = frozenset({"due", "momment", "lastSeen", "Created", "created", "expiresAt"})


def epoch_time(value: Any) -> datetime | None:
    """The UTC time ``value`` (seconds or milliseconds since the epoch, a number or a numeric
    string) speaks of; None when it is missing, not a number, not positive or out of range."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not number > 0:
        return None
    if number >= MS_THRESHOLD:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
