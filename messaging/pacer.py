"""The global pacer: at most one send in flight per number, and a random gap between sends.

Celery's ``rate_limit`` is per worker process, so N workers would send N times too fast.
Here the state lives in one database row per instance (``InstancePacer``) and every move is
a conditional UPDATE, atomic on PostgreSQL and on the embedded SQLite alike:

* ``slot_claim``: ``UPDATE ... SET next_slot_at = now + lease, lease_token = T
  WHERE instance = ? AND next_slot_at <= now``. One worker wins; the others see 0 rows.
  The lease blocks everybody while the HTTP call is in flight, and frees itself if the
  worker is killed (``kill -9``) because ``next_slot_at`` is only ``lease`` seconds away.
* ``slots_claim``: the same claim for up to N due numbers in one statement (the dispatcher's
  rounds, ``messaging.rounds``): on PostgreSQL ``UPDATE ... WHERE instance_id IN (SELECT
  ... FOR UPDATE SKIP LOCKED) RETURNING``, so rounds on other workers skip the rows being
  claimed instead of waiting for them.
* ``slot_release``: ``SET next_slot_at = now + random_gap WHERE lease_token = T``. The gap
  starts when the send has *finished*, so at Z-API two sends of a number are always at least
  ``min_gap`` apart, whatever the network latency of each.

"now" is the database's clock (``Now()``), never a worker's: workers on several hosts with
skewed clocks still share one timeline.

Why not Redis + Lua: it would be a second implementation for the embedded mode (no Redis)
and this costs one claim per batch of numbers and one release per batch of answers (the
rounds, ``messaging.dispatcher.sends_finish``), which PostgreSQL does by the thousand per
second; the benchmark (bench/outbound_bench.py) shows the figures.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from instances.models import ConnectionState, HealthProbe, Instance
from messaging.models import Direction, InstancePacer, Message
from messaging.states import MessageState

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


def pacers_paired_at(pacers: list[InstancePacer]) -> None:
    """``pacer_paired_at`` for many pacers at once (two statements for those never asked,
    none when all were): each pacer's ``paired_at`` filled in."""
    missing = {p.instance_id: p for p in pacers if p.paired_at is None}
    if not missing:
        return
    first = (
        HealthProbe.objects.filter(instance_id=OuterRef("instance_id"), connected=True)
        .order_by("at")
        .values("at")[:1]
    )
    InstancePacer.objects.filter(instance_id__in=list(missing), paired_at__isnull=True).update(
        paired_at=Coalesce(Subquery(first), Value(timezone.now()))
    )
    stored = InstancePacer.objects.filter(instance_id__in=list(missing)).values_list(
        "instance_id", "paired_at"
    )
    for instance_id, paired_at in stored:
        missing[instance_id].paired_at = paired_at


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


@dataclass(frozen=True)
class SlotClaim:
    """A number whose slot this worker now holds, with its pace as it was claimed."""

    lease: Lease
    pacer: InstancePacer


_PACER_COLUMNS = (
    "instance_id", "min_gap_seconds", "max_gap_seconds", "daily_new_recipients", "paired_at",
)  # fmt: skip

# Due: slot free, not paused, the number connected with its phone online (a disconnected
# number would only fill Z-API's queue, spec 001, "Queue > Fila"), and a queued message due now.
_CLAIM_SQL = """
UPDATE {pacer} AS p
   SET next_slot_at = statement_timestamp() + %(lease)s * interval '1 second',
       lease_token = %(token)s, leased_at = statement_timestamp()
 WHERE p.instance_id IN (
       SELECT c.instance_id FROM {pacer} AS c JOIN {instance} AS i ON i.id = c.instance_id
        WHERE c.next_slot_at <= statement_timestamp() AND NOT c.paused
          AND i.connection_state = %(connected)s AND i.smartphone_connected IS NOT FALSE
          AND (%(only)s::bigint IS NULL OR c.instance_id = %(only)s::bigint)
          AND EXISTS (SELECT 1 FROM {message} AS m
                       WHERE m.instance_id = c.instance_id AND m.direction = %(out)s
                         AND m.state = %(queued)s
                         AND (m.not_before IS NULL OR m.not_before <= statement_timestamp()))
        ORDER BY c.next_slot_at
        LIMIT %(limit)s
        FOR UPDATE OF c SKIP LOCKED)
   AND p.next_slot_at <= statement_timestamp() AND NOT p.paused
RETURNING {columns}
"""


def due_messages(now: datetime | None = None) -> Any:
    """Outbound messages waiting in our queue whose time has come."""
    now = now or timezone.now()
    return Message.objects.filter(direction=Direction.OUTBOUND, state=MessageState.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def ready_pacers() -> Any:
    """Pacers of numbers that may send: not paused, connected, phone not offline."""
    return InstancePacer.objects.filter(
        paused=False,
        instance__connection_state=ConnectionState.CONNECTED,
    ).exclude(instance__smartphone_connected=False)


def slots_claim(*, limit: int, instance_id: int | None = None) -> list[SlotClaim]:
    """Take the slots of up to ``limit`` numbers that are due and have a message due (only
    ``instance_id``'s when given), oldest slot first, in one statement on the database's
    clock. Each number is claimed by one worker at most, exactly as ``slot_claim``."""
    token = uuid.uuid4().hex
    lease = settings.MESSAGING_LEASE_SECONDS
    if connection.vendor == "postgresql":
        sql = _CLAIM_SQL.format(
            pacer=InstancePacer._meta.db_table,
            instance=Instance._meta.db_table,
            message=Message._meta.db_table,
            columns=", ".join(f"p.{c}" for c in _PACER_COLUMNS),
        )
        params = {
            "lease": lease, "token": token, "limit": limit, "only": instance_id,
            "connected": ConnectionState.CONNECTED, "out": Direction.OUTBOUND,
            "queued": MessageState.QUEUED,
        }  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        # The embedded SQLite has one writer at a time and no row locks: pick, then the same
        # conditional UPDATE as ``slot_claim``, then read back what this token won.
        now = timezone.now()
        candidates = ready_pacers().filter(next_slot_at__lte=Now())
        if instance_id is not None:
            candidates = candidates.filter(instance_id=instance_id)
        picked = list(
            candidates.filter(Exists(due_messages(now).filter(instance_id=OuterRef("pk"))))
            .order_by("next_slot_at")
            .values_list("pk", flat=True)[:limit]
        )
        InstancePacer.objects.filter(pk__in=picked, next_slot_at__lte=Now(), paused=False).update(
            next_slot_at=Now() + timedelta(seconds=lease), lease_token=token, leased_at=Now()
        )
        rows = list(InstancePacer.objects.filter(lease_token=token).values_list(*_PACER_COLUMNS))
    claims = []
    for pk, min_gap, max_gap, cap, paired_at in rows:
        pacer = InstancePacer(
            instance_id=pk, min_gap_seconds=min_gap, max_gap_seconds=max_gap,
            daily_new_recipients=cap, paired_at=paired_at, lease_token=token,
        )  # fmt: skip
        pacer._state.adding, pacer._state.db = False, "default"
        claims.append(SlotClaim(Lease(pk, token), pacer))
    return claims


def slot_gap(pacer: InstancePacer, *, sent: bool) -> timedelta:
    """The gap before a number's next send: random within its pace after a send (any
    request that may have reached Z-API), none otherwise."""
    gap = random.uniform(pacer.min_gap_seconds, pacer.max_gap_seconds) if sent else 0.0
    return timedelta(seconds=gap)


def slot_release(
    *, lease: Lease, pacer: InstancePacer, sent: bool, not_before: datetime | None = None
) -> timedelta:
    """Give the slot back. After a send (any request that may have reached Z-API) the next
    one may start only after a random gap; otherwise at once (or at ``not_before``, e.g. a
    429's ``Retry-After``). A release after the lease expired matches nothing: harmless.
    Returns the gap drawn."""
    gap = slot_gap(pacer, sent=sent)
    fields: dict[str, object] = {
        "next_slot_at": Now() + gap,
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
    return gap


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
