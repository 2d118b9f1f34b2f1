"""Template filters of the instance pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def epoch_ms(value: Any) -> datetime | None:
    """Z-API's millisecond timestamps (queue ``Created``, spec 001 l.9396) as a datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    seconds = value / 1000 if value > 10**11 else value
    return timezone.localtime(datetime.fromtimestamp(seconds, tz=UTC))
