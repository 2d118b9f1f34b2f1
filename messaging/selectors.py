"""Reads for the messaging pages: conversations and our own queue, always scoped by user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instances.models import ConnectionState, Instance
from messaging.caps import new_recipients_today
from messaging.models import Direction, HoldReason, InstancePacer, Message
from messaging.states import PENDING, MessageState

# Why a number's queue waits, most blocking first (what "our queue" shows support).
WAIT_REASONS: dict[str, Any] = {
    "paused": _("Paused by an operator"),
    "disconnected": _("Disconnected: resumes when the number connects"),
    "phone_offline": _("Phone offline: resumes when the phone is back"),
    "daily_cap": _("Daily cap on new recipients reached"),
    "retry": _("Waiting to retry after an error"),
    "uncertain": _("Uncertain sends being reconciled"),
    "sending": _("Sending now"),
    "paced": _("Paced: waiting for the gap between two sends"),
    "scheduled": _("Scheduled for later"),
    "due": _("Due: goes out at the next slot"),
}


def conversation_messages(*, user: Any, instance: Instance, chat_id: str) -> QuerySet[Message]:
    return (
        Message.objects.for_user(user)
        .filter(instance=instance, chat_id=chat_id)
        .order_by("created_at", "pk")
    )


def chats_recent(
    *, user: Any, instance: Instance, label_id: int | None = None, limit: int = 30
) -> list[dict[str, Any]]:
    """The instance's chats with their last activity, newest first; only those carrying
    the WhatsApp Business label ``label_id`` when given."""
    from instances.business.selectors import label_chat_ids

    messages = Message.objects.for_user(user).filter(instance=instance)
    if label_id is not None:
        messages = messages.filter(chat_id__in=label_chat_ids(label_ids=[label_id]))
    return list(
        messages.values("chat_id")
        .annotate(last=Max("created_at"), count=Count("pk"))
        .order_by("-last")[:limit]
    )


@dataclass
class QueueRow:
    instance: Instance
    queued: int
    sending: int
    uncertain: int
    held_cap: int
    retrying: int
    scheduled: int
    failed_today: int
    reasons: list[str]
    next_slot_at: datetime | None
    pacer: InstancePacer | None
    new_today: int

    @property
    def pending(self) -> int:
        return self.queued + self.sending + self.uncertain

    @property
    def reason_pairs(self) -> list[tuple[str, Any]]:
        return [(r, WAIT_REASONS[r]) for r in self.reasons]


def _reasons(instance: Instance, pacer: InstancePacer | None, counts: dict[str, int]) -> list[str]:
    now = timezone.now()
    reasons: list[str] = []
    if pacer is not None and pacer.paused:
        reasons.append("paused")
    if instance.connection_state != ConnectionState.CONNECTED:
        reasons.append("disconnected")
    elif instance.smartphone_connected is False:
        reasons.append("phone_offline")
    if counts["held_cap"]:
        reasons.append("daily_cap")
    if counts["retrying"]:
        reasons.append("retry")
    if counts["uncertain"]:
        reasons.append("uncertain")
    if counts["sending"]:
        reasons.append("sending")
    due = counts["queued"] - counts["held_cap"] - counts["retrying"] - counts["scheduled"]
    if due > 0 and not reasons:
        paced = pacer is not None and pacer.next_slot_at > now
        reasons.append("paced" if paced else "due")
    if counts["scheduled"] and not reasons:
        reasons.append("scheduled")
    return reasons


def queue_overview(*, user: Any, instance_id: int | None = None) -> list[QueueRow]:
    """One row per number with something waiting on our side (or failed today): the counts
    and why it waits. Two queries whatever the number of instances (plus one per row for the
    day's new-recipient count)."""
    now = timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    messages = Message.objects.for_user(user).filter(direction=Direction.OUTBOUND)
    if instance_id is not None:
        messages = messages.filter(instance_id=instance_id)
    queued = Q(state=MessageState.QUEUED)
    later = Q(not_before__gt=now)
    counts = (
        messages.filter(
            Q(state__in=PENDING) | Q(state=MessageState.FAILED, failed_at__gte=start_of_day)
        )
        .values("instance_id")
        .annotate(
            queued=Count("pk", filter=queued),
            sending=Count("pk", filter=Q(state=MessageState.SENDING)),
            uncertain=Count("pk", filter=Q(state=MessageState.UNCERTAIN)),
            held_cap=Count("pk", filter=queued & later & Q(hold_reason=HoldReason.DAILY_CAP)),
            retrying=Count(
                "pk",
                filter=queued
                & later
                & Q(hold_reason__in=[HoldReason.RETRY, HoldReason.NOT_CONNECTED]),
            ),
            scheduled=Count(
                "pk", filter=queued & later & Q(hold_reason__in=["", HoldReason.CAMPAIGN])
            ),
            failed_today=Count("pk", filter=Q(state=MessageState.FAILED)),
        )
        .order_by()
    )
    by_instance = {row["instance_id"]: row for row in counts}
    instances = Instance.objects.filter(pk__in=by_instance).select_related("pacer", "partner")
    rows = []
    for instance in instances:
        c = by_instance[instance.pk]
        pacer = getattr(instance, "pacer", None)
        rows.append(
            QueueRow(
                instance=instance,
                queued=c["queued"],
                sending=c["sending"],
                uncertain=c["uncertain"],
                held_cap=c["held_cap"],
                retrying=c["retrying"],
                scheduled=c["scheduled"],
                failed_today=c["failed_today"],
                reasons=_reasons(instance, pacer, c),
                next_slot_at=pacer.next_slot_at if pacer else None,
                pacer=pacer,
                new_today=new_recipients_today(instance_id=instance.pk),
            )
        )
    rows.sort(key=lambda r: (-r.pending, r.instance.name))
    return rows


def queue_messages(*, user: Any, instance_id: int, limit: int = 200) -> QuerySet[Message]:
    """What waits for one number (and what failed today), in sending order."""
    return (
        Message.objects.for_user(user)
        .filter(instance_id=instance_id, direction=Direction.OUTBOUND)
        .filter(
            Q(state__in=PENDING)
            | Q(state=MessageState.FAILED, failed_at__gte=timezone.now() - timedelta(days=1))
        )
        .order_by("created_at", "pk")[:limit]
    )
