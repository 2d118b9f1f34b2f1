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

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from instances.models import Instance
from messaging.campaigns.warmup import warmup_allowance, warmup_ramp
from messaging.models import Direction, InstancePacer, Message, NewRecipient
from messaging.pacer import pacer_paired_at, pacers_paired_at
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


# ``chats_known`` on PostgreSQL: each pair looked up as a pair, in one statement (the two
# ``IN`` lists of the portable path also match other numbers' chats, then filtered here).
_CHATS_KNOWN_SQL = """
SELECT w.instance_id, w.chat_id
  FROM unnest(%(numbers)s::bigint[], %(chats)s::text[]) AS w(instance_id, chat_id)
 WHERE EXISTS (SELECT 1 FROM {recipient} AS r
                WHERE r.instance_id = w.instance_id AND r.chat_id = w.chat_id)
    OR EXISTS (SELECT 1 FROM {message} AS m
                WHERE m.instance_id = w.instance_id AND m.chat_id = w.chat_id
                  AND (m.direction = %(inbound)s OR m.state = ANY(%(reached)s)))
"""


def chats_known(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (instance, chat) pairs are known chats: one statement on PostgreSQL,
    two at most elsewhere, for any number of pairs (a round's batch)."""
    wanted = set(pairs)
    if not wanted:
        return set()
    if connection.vendor == "postgresql":
        params: dict[str, Any] = {
            "numbers": [i for i, _ in wanted],
            "chats": [c for _, c in wanted],
            "inbound": str(Direction.INBOUND),
            "reached": [str(state) for state in _REACHED],
        }
        sql = _CHATS_KNOWN_SQL.format(
            recipient=NewRecipient._meta.db_table, message=Message._meta.db_table
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {(i, c) for i, c in cursor.fetchall()}

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


def new_recipients_today_of(*, instance_ids: Iterable[int]) -> dict[int, int]:
    """Today's new recipients of several numbers in one query (``new_recipients_today`` for
    a page that shows many, or a dispatch round's batch); numbers with none are missing."""
    return dict(
        NewRecipient.objects.filter(instance_id__in=list(instance_ids), day=timezone.localdate())
        .values("instance_id")
        .annotate(n=Count("pk"))
        .values_list("instance_id", "n")
    )


def recipients_admit(entries: list[tuple[InstancePacer, str]]) -> list[datetime | None]:
    """For each (number's pacer, chat) of a dispatch round's batch, one chat per number,
    whose slots the caller holds: None when the message may go now (the chat counted if
    new), else the time it may go, the next local midnight. A few statements for the whole
    batch: the known chats, and for new ones today's counts, the pairing dates never asked
    before and one insert of the new recipients."""
    known = chats_known((pacer.instance_id, chat_id) for pacer, chat_id in entries)
    new = [(p, chat_id) for p, chat_id in entries if (p.instance_id, chat_id) not in known]
    if not new:
        return [None] * len(entries)
    pacers_paired_at([pacer for pacer, _chat in new])
    counts = new_recipients_today_of(instance_ids=[pacer.instance_id for pacer, _chat in new])
    today = timezone.localdate()
    held: dict[int, datetime] = {}
    admitted = []
    for pacer, chat_id in new:
        limit = new_recipients_limit(instance=Instance(pk=pacer.instance_id), pacer=pacer)
        if counts.get(pacer.instance_id, 0) >= limit:
            held[pacer.instance_id] = next_local_midnight()
        else:
            admitted.append(NewRecipient(instance_id=pacer.instance_id, chat_id=chat_id, day=today))
    # The unique constraint is the backstop (the pacer lease serialises a number's sends).
    NewRecipient.objects.bulk_create(admitted, ignore_conflicts=True)
    return [held.get(pacer.instance_id) for pacer, _chat in entries]
