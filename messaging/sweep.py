"""The beat sweeper: what no task will do by itself after a crash or a long wait.

* a ``sending`` row older than the pacer lease belongs to a worker that died mid-send:
  it becomes ``uncertain`` (Z-API may have it), never ``queued`` (that could duplicate);
* ``uncertain`` rows are reconciled after MESSAGING_RECONCILE_AFTER_SECONDS;
* when numbers have due messages, dispatch rounds are started in the free lanes (at most
  one per due number): after a reconnect, a daily cap that reset at midnight, a retry whose
  time came, or a round lost with its worker.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from instances.models import ConnectionState
from messaging.kick import round_start
from messaging.lanes import lanes_free
from messaging.models import Direction, InstancePacer, Message
from messaging.pacer import pacer_get
from messaging.services import message_transition
from messaging.states import MessageState
from messaging.tasks import message_reconcile_task

BATCH = 500


def messages_sending_expire() -> int:
    """Stale ``sending`` → ``uncertain``. Returns how many moved."""
    cutoff = timezone.now() - timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)
    ids = list(
        Message.objects.filter(state=MessageState.SENDING, sending_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    moved = 0
    for pk in ids:
        moved += message_transition(
            pk=pk,
            to=MessageState.UNCERTAIN,
            error="The worker sending this message stopped before Z-API answered.",
        )
    return moved


def messages_uncertain_due() -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=settings.MESSAGING_RECONCILE_AFTER_SECONDS)
    return list(
        Message.objects.filter(state=MessageState.UNCERTAIN, uncertain_at__lt=cutoff)
        .order_by("uncertain_at")
        .values_list("pk", flat=True)[:BATCH]
    )


def instances_due() -> list[int]:
    """Connected numbers with a message due now."""
    now = timezone.now()
    return list(
        Message.objects.filter(direction=Direction.OUTBOUND, state=MessageState.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .filter(instance__connection_state=ConnectionState.CONNECTED)
        .exclude(instance__smartphone_connected=False)
        .values_list("instance_id", flat=True)
        .distinct()
        .order_by()
    )


def dispatch_sweep() -> dict[str, int]:
    expired = messages_sending_expire()
    uncertain = messages_uncertain_due()
    for pk in uncertain:
        message_reconcile_task.delay(pk)
    due = instances_due()
    # Rows written without message_enqueue have no pacer yet.
    have = set(InstancePacer.objects.filter(pk__in=due).values_list("pk", flat=True))
    for pk in set(due) - have:
        pacer_get(instance_id=pk)
    kicked = min(lanes_free(), len(due)) if due else 0
    for _ in range(kicked):
        round_start()
    return {"expired": expired, "reconciling": len(uncertain), "kicked": kicked}
