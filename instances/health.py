"""Health: ``/status`` probes of every instance (spec 001 l.837), spread over the interval,
kept as ``HealthProbe`` history and drawn as 24-hour uptime strips."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.connection import instance_connection_apply
from instances.models import HealthProbe, Instance, ProbeSource
from instances.outcome import Outcome, zapi_error_text
from instances.zapi import instance_client
from zapi.errors import AuthError, TransportError, ZapiError
from zapi.models import Status


def instance_probe(*, instance: Instance) -> Outcome[Status]:
    """Ask Z-API for the status and the queue size; record and apply what it says.

    An unreachable Z-API is not evidence that the phone is down: a transport error is
    recorded in the history but changes no state (and is retried by the task)."""
    client = instance_client(instance, max_retries=0)
    started = time.monotonic()
    at = timezone.now()
    try:
        status = client.status()
    except TransportError as exc:
        HealthProbe.objects.create(
            instance=instance,
            at=at,
            source=ProbeSource.PROBE,
            connected=instance.connection_state == "connected",
            error=zapi_error_text(exc)[:255],
        )
        raise
    except AuthError as exc:
        # A wrong token or Client-Token: the instance cannot be used, say so.
        instance_connection_apply(
            instance_id=instance.pk,
            connected=False,
            at=at,
            source=ProbeSource.PROBE,
            error=zapi_error_text(exc),
        )
        return Outcome(ok=False, action=_("Status"), text=zapi_error_text(exc))
    latency = int((time.monotonic() - started) * 1000)
    instance_connection_apply(
        instance_id=instance.pk,
        connected=status.connected,
        at=at,
        source=ProbeSource.PROBE,
        smartphone_connected=status.smartphoneConnected,
        error=status.error or "",
        latency_ms=latency,
    )
    try:
        count = client.queue_count().count
    except ZapiError:
        count = None  # the status is what matters; the queue size stays as last seen
    if count is not None:
        Instance.objects.filter(pk=instance.pk).update(zapi_queue_size=count)
    text = _("connected") if status.connected else (status.error or _("disconnected"))
    return Outcome(ok=True, action=_("Status"), text=str(text), value=status)


def probe_offsets(instance_ids: list[int], interval: float) -> Iterable[tuple[int, float]]:
    """Spread ``len(ids)`` probes evenly over ``interval`` seconds, so Z-API sees a steady
    trickle rather than a burst every interval."""
    count = len(instance_ids)
    for index, instance_id in enumerate(instance_ids):
        yield instance_id, round(index * interval / count, 3) if count else 0.0


def probe_interval() -> float:
    return float(settings.HEALTH_PROBE_INTERVAL_SECONDS)


@dataclass(frozen=True)
class UptimeHour:
    start: datetime
    total: int
    up: int

    @property
    def ratio(self) -> float | None:
        return self.up / self.total if self.total else None


def uptime_by_instance(
    *, instance_ids: list[int], now: datetime | None = None, hours: int = 24
) -> dict[int, list[UptimeHour]]:
    """Hour buckets of probe results for many instances in ONE query (the fleet list)."""
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    rows = (
        HealthProbe.objects.filter(instance_id__in=instance_ids, at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at"))
        .values("instance_id", "hour")
        .annotate(total=Count("pk"), up=Count("pk", filter=Q(connected=True)))
    )
    found: dict[tuple[int, datetime], tuple[int, int]] = {
        (row["instance_id"], row["hour"]): (row["total"], row["up"]) for row in rows
    }
    starts = [start + timedelta(hours=n) for n in range(hours)]  # once, not once per row
    return {
        instance_id: [UptimeHour(hour, *found.get((instance_id, hour), (0, 0))) for hour in starts]
        for instance_id in instance_ids
    }
