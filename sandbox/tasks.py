"""Celery tasks of the sandbox: they take ids and call services (STYLE.md rule 2)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from sandbox import sending
from sandbox.webhooks import MAX_ATTEMPTS, webhook_deliver


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def deliver_webhook(self: Any, webhook_id: int) -> None:
    """POST one webhook; failed attempts come back with a doubling countdown."""
    retry_in = webhook_deliver(webhook_id=webhook_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(acks_late=True)
def connect_instance(instance_id: int) -> None:
    from sandbox.models import SandboxInstance
    from sandbox.services import instance_connect

    instance = SandboxInstance.objects.filter(pk=instance_id).first()
    if instance is not None and instance.state == SandboxInstance.State.SCANNED:
        instance_connect(instance=instance)


@shared_task(acks_late=True)
def queue_tick(instance_id: int) -> None:
    sending.queue_tick(instance_id=instance_id)


@shared_task(acks_late=True)
def message_status(message_id: int, status: str, then: list[str]) -> None:
    sending.message_status_report(message_id=message_id, status=status, then=then)


@shared_task
def queue_sweep() -> int:
    """Restart tick chains lost with a killed worker (beat, every few seconds)."""
    from sandbox.models import SandboxInstance, SandboxMessage

    kicked = 0
    ids = (
        SandboxMessage.objects.filter(state=SandboxMessage.State.QUEUED)
        .values_list("instance_id", flat=True)
        .distinct()
    )
    for instance in SandboxInstance.objects.filter(pk__in=list(ids)):
        kicked += sending.queue_kick(instance=instance)
    return kicked


@shared_task
def demo_chatter() -> int:
    from sandbox.demo import demo_chatter as chatter

    return chatter()
