"""Health probes: ``/status`` of every instance (spec 001, "Instance > Instance status"), spread
over the interval and kept as ``HealthProbe`` history (read back by
``instances.selectors.uptime_by_instance``)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import HealthProbe, Instance, ProbeSource
from instances.outcome import Outcome, zapi_error_text
from instances.services.connection import instance_connection_apply
from instances.zapi import instance_client
from zapi.errors import AuthError, TransportError, ZapiError
from zapi.models import Status


def instance_probe(*, instance: Instance) -> Outcome[Status]:
    """Ask Z-API for the status and the queue size; record and apply what it says.

    An unreachable Z-API is not evidence that the phone is down: a transport error is
    recorded in the history but changes no state, and answers a retryable outcome (the task
    retries it)."""
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
        return Outcome(ok=False, action=_("Status"), text=zapi_error_text(exc), retryable=True)
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
    except ZapiError as exc:
        # Any other error (a 5xx, a 404...) tells nothing of the phone either.
        return Outcome(
            ok=False, action=_("Status"), text=zapi_error_text(exc), retryable=exc.retryable
        )
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
