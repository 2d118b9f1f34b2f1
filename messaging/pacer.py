"""The global pacer: at most one send in flight per number, and a random gap between sends.

Celery's ``rate_limit`` is per worker process, so N workers would send N times too fast.
Here the state lives in one database row per instance (``InstancePacer``) and every move is
a conditional UPDATE, atomic on PostgreSQL and on the embedded SQLite alike:

* ``slot_claim``: ``UPDATE ... SET next_slot_at = now + lease, lease_token = T
  WHERE instance = ? AND next_slot_at <= now``. One worker wins; the others see 0 rows.
  The lease blocks everybody while the HTTP call is in flight, and frees itself if the
  worker is killed (``kill -9``) because ``next_slot_at`` is only ``lease`` seconds away.
* ``slot_release``: ``SET next_slot_at = now + random_gap WHERE lease_token = T``. The gap
  starts when the send has *finished*, so at Z-API two sends of a number are always at least
  ``min_gap`` apart, whatever the network latency of each.

"now" is the database's clock (``Now()``), never a worker's: workers on several hosts with
skewed clocks still share one timeline.

Why not Redis + Lua: it would be a second implementation for the embedded mode (no Redis)
and this costs two single-row UPDATEs per message, which PostgreSQL does by the thousand per
second; the benchmark (bench/outbound_bench.py) shows the figures.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from instances.models import HealthProbe, Instance
from messaging.models import InstancePacer

# A scheduled wake older than this is presumed lost (its worker died): another may replace it.
WAKE_STALE = timedelta(seconds=10)


@dataclass(frozen=True)
class Lease:
    instance_id: int
    token: str


def pacer_get(*, instance_id: int) -> InstancePacer:
    """The pacer row of an instance, created with the default pace on first use."""
    pacer, _ = InstancePacer.objects.get_or_create(
        instance_id=instance_id,
        defaults={
            "min_gap_seconds": settings.MESSAGING_PACE_MIN_SECONDS,
            "max_gap_seconds": max(
                settings.MESSAGING_PACE_MIN_SECONDS, settings.MESSAGING_PACE_MAX_SECONDS
            ),
            "daily_new_recipients": settings.MESSAGING_DAILY_NEW_RECIPIENTS,
        },
    )
    return pacer


def pacer_paired_at(*, instance: Instance, pacer: InstancePacer) -> datetime:
    """Since when the number is paired (the warm-up's day 0): the pacer's ``paired_at``, or,
    the first time it is asked, the number's first connected probe (now if none), stored."""
    if pacer.paired_at is None:
        first = (
            HealthProbe.objects.filter(instance_id=instance.pk, connected=True)
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        at = first or timezone.now()
        InstancePacer.objects.filter(pk=pacer.pk, paired_at__isnull=True).update(paired_at=at)
        pacer.paired_at = InstancePacer.objects.values_list("paired_at", flat=True).get(pk=pacer.pk)
    assert pacer.paired_at is not None
    return pacer.paired_at


def slot_claim(*, instance_id: int) -> Lease | None:
    """Take the instance's send slot if it is free and due; None when someone else has it
    or the gap since the last send has not passed yet. The pacer row must exist
    (``pacer_get``)."""
    token = uuid.uuid4().hex
    lease = timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)
    won = InstancePacer.objects.filter(
        instance_id=instance_id, next_slot_at__lte=Now(), paused=False
    ).update(next_slot_at=Now() + lease, lease_token=token, leased_at=Now())
    return Lease(instance_id, token) if won else None


def slot_release(
    *, lease: Lease, pacer: InstancePacer, sent: bool, not_before: datetime | None = None
) -> timedelta:
    """Give the slot back. After a send (any request that may have reached Z-API) the next
    one may start only after a random gap; otherwise at once (or at ``not_before``, e.g. a
    429's ``Retry-After``). A release after the lease expired matches nothing: harmless.
    Returns the gap drawn."""
    gap = random.uniform(pacer.min_gap_seconds, pacer.max_gap_seconds) if sent else 0.0
    fields: dict[str, object] = {
        "next_slot_at": Now() + timedelta(seconds=gap),
        "lease_token": "",
        "leased_at": None,
    }
    if sent:
        fields["last_sent_at"] = Now()
    InstancePacer.objects.filter(instance_id=lease.instance_id, lease_token=lease.token).update(
        **fields
    )
    if not_before is not None:
        InstancePacer.objects.filter(
            instance_id=lease.instance_id, next_slot_at__lt=not_before
        ).update(next_slot_at=not_before)
    return timedelta(seconds=gap)


def wake_reserve(*, instance_id: int, at: datetime) -> bool:
    """May the caller schedule a dispatch of this instance at ``at``? True at most once per
    pending wake, so bursts of kicks (1000 messages enqueued) do not pile up tasks: an
    earlier wake replaces a later one, and a wake that should have run long ago is presumed
    lost and replaced."""
    stale = timezone.now() - WAKE_STALE
    return bool(
        InstancePacer.objects.filter(instance_id=instance_id)
        .filter(Q(wake_at__isnull=True) | Q(wake_at__gt=at) | Q(wake_at__lt=stale))
        .update(wake_at=at)
    )


def wake_clear(*, instance_id: int, at: datetime) -> None:
    """The wake scheduled for ``at`` is running: let the next one be scheduled."""
    InstancePacer.objects.filter(instance_id=instance_id, wake_at=at).update(wake_at=None)
