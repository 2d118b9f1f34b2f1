"""Template filters of the instance pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zapi.times import TIME_KEYS, epoch_time

register = template.Library()


@register.filter
def zapi_time(value: Any) -> datetime | None:
    """A time Z-API gave (epoch seconds or milliseconds, or an ISO string such as ``/me``'s
    ``created`` and our ``fetched_at``) as a local datetime; None when it is not one."""
    if isinstance(value, str) and not value.strip().isdigit():
        at = parse_datetime(value.strip())
        if at is None:
            return None
        return timezone.localtime(at) if timezone.is_aware(at) else at
    at = epoch_time(value)
    return None if at is None else timezone.localtime(at)


@register.filter
def zapi_value(value: Any, key: str) -> Any:
    """A value of a Z-API answer for people: times under ``TIME_KEYS`` as local dates."""
    if key in TIME_KEYS:
        at = zapi_time(value)
        if at is not None:
            return at.strftime("%Y-%m-%d %H:%M:%S")
    return value
