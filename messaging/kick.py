"""Waking the dispatcher: after an enqueue, a retry, a reconnect, or a number's next slot.

What is woken is a dispatch round (``messaging.rounds``), which sends for every due number,
not just the one kicked. A kick for now starts one only when a lane is free (running rounds
take the message otherwise); a kick for later is deduplicated per number through
``InstancePacer.wake_at`` so a burst of kicks schedules one task.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from messaging.lanes import lanes_free
from messaging.pacer import wake_reserve
from messaging.tasks import dispatch_round_task


def round_start() -> None:
    """Send a round task now (it exits at once if every lane is taken)."""
    dispatch_round_task.apply_async()


def dispatch_kick(*, instance_id: int, at: datetime | None = None) -> bool:
    """Make sure a round runs for ``instance_id`` at ``at`` (now by default). Returns whether
    a task was sent. The pacer row must exist (``message_enqueue`` and ``pacer_get``
    create it)."""
    now = timezone.now()
    at = max(at or now, now)
    # The message is committed before this look: a round that is ending releases its lane
    # before it looks for due work, so one of the two sees the other.
    if at <= now and not lanes_free():
        return False
    if not wake_reserve(instance_id=instance_id, at=at):
        return False
    kwargs = {"instance_id": instance_id, "wake": at.isoformat()}
    if at > now:
        dispatch_round_task.apply_async(kwargs=kwargs, eta=at)
    else:
        dispatch_round_task.apply_async(kwargs=kwargs)
    return True
