"""Waking the dispatcher of one number: after an enqueue, a retry, a reconnect, or the pacer's
own gap. Deduplicated through ``InstancePacer.wake_at`` so a burst of kicks schedules one task."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from messaging.pacer import wake_reserve
from messaging.tasks import instance_dispatch_task


def dispatch_kick(*, instance_id: int, at: datetime | None = None) -> bool:
    """Schedule a dispatch of ``instance_id`` at ``at`` (now by default) unless one is already
    due no later than that. Returns whether a task was sent. The pacer row must exist
    (``message_enqueue`` and ``pacer_get`` create it)."""
    now = timezone.now()
    at = max(at or now, now)
    if not wake_reserve(instance_id=instance_id, at=at):
        return False
    kwargs = {"wake": at.isoformat()}
    if at > now:
        instance_dispatch_task.apply_async((instance_id,), kwargs, eta=at)
    else:
        instance_dispatch_task.apply_async((instance_id,), kwargs)
    return True
