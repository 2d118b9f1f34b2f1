"""The daily cap on distinct new recipients per number.

"The most relevant factor in a ban is the number of unique recipients" (spec 001, "Introduction"):
a number may reach at most ``InstancePacer.daily_new_recipients`` chats it never talked to
before, per local day. A chat is known when it wrote to us, when we reached it on an earlier
send, or when a ``NewRecipient`` row says we first reached it (today or before).

Called by the dispatcher while it holds the instance's pacer lease: sends of one number are
serialised, so counting and inserting here cannot race with another worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from instances.models import Instance
from messaging.campaigns.warmup import warmup_allowance, warmup_ramp
from messaging.models import Direction, InstancePacer, Message, NewRecipient
from messaging.pacer import pacer_paired_at
from messaging.states import MessageState

# Outbound states that prove the chat was reached before.
_REACHED = (
    MessageState.ACCEPTED,
    MessageState.SENT,
    MessageState.RECEIVED,
    MessageState.READ,
    MessageState.PLAYED,
)


def next_local_midnight() -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def chats_known(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (instance, chat) pairs are known chats: two statements at most for
    any number of pairs (a round's batch)."""
    wanted = set(pairs)
    if not wanted:
        return set()

    def among(rows: Any) -> set[tuple[int, str]]:
        return {(i, c) for i, c in rows} & wanted

    numbers, chats = {i for i, _ in wanted}, {c for _, c in wanted}
    known = among(
        NewRecipient.objects.filter(instance_id__in=numbers, chat_id__in=chats).values_list(
            "instance_id", "chat_id"
        )
    )
    rest = wanted - known
    if rest:
        numbers, chats = {i for i, _ in rest}, {c for _, c in rest}
        reached = (
            Message.objects.filter(instance_id__in=numbers, chat_id__in=chats)
            .filter(Q(direction=Direction.INBOUND) | Q(state__in=_REACHED))
            .values_list("instance_id", "chat_id")
            .distinct()
        )
        known |= among(reached)
    return known


def chat_known(*, instance_id: int, chat_id: str) -> bool:
    return (instance_id, chat_id) in chats_known([(instance_id, chat_id)])


def new_recipients_limit(
    *, instance: Instance, pacer: InstancePacer, day: date | None = None
) -> int:
    """The number's daily cap on new recipients on ``day`` (today by default), lowered by
    the warm-up ramp for its age since pairing: min(cap, ramp)."""
    day = day or timezone.localdate()
    age = (day - timezone.localdate(pacer_paired_at(instance=instance, pacer=pacer))).days
    return warmup_allowance(cap=pacer.daily_new_recipients, ramp=warmup_ramp(), age_days=age)


def new_recipients_today(*, instance_id: int) -> int:
    return NewRecipient.objects.filter(instance_id=instance_id, day=timezone.localdate()).count()


def recipient_admit(
    *, instance: Instance, pacer: InstancePacer, chat_id: str, known: bool | None = None
) -> datetime | None:
    """None when a message to ``chat_id`` may go now (counting it if the chat is new), else
    the time it may go: the next local midnight. ``known``: ``chats_known``'s answer for
    the chat, when the caller asked it for a batch (else asked here)."""
    if known is None:
        known = chat_known(instance_id=instance.pk, chat_id=chat_id)
    if known:
        return None
    if new_recipients_today(instance_id=instance.pk) >= new_recipients_limit(
        instance=instance, pacer=pacer
    ):
        return next_local_midnight()
    NewRecipient.objects.get_or_create(
        instance_id=instance.pk, chat_id=chat_id, defaults={"day": timezone.localdate()}
    )
    return None
