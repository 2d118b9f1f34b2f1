"""Celery tasks of the sandbox: they take ids and call services.

Services import this module at module level and send tasks on commit; each task imports the
service it calls inside its body. Tasks are named ``<entity>_<action>_task``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

# Deliveries of one webhook before it is given up (the first try included).
WEBHOOK_MAX_ATTEMPTS = 6


@shared_task(bind=True, max_retries=WEBHOOK_MAX_ATTEMPTS, acks_late=True)
def webhook_deliver_task(self: Any, webhook_id: int) -> None:
    """POST one webhook; failed attempts come back with a doubling countdown."""
    from sandbox.webhooks import webhook_deliver

    retry_in = webhook_deliver(webhook_id=webhook_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(acks_late=True)
def instance_connect_task(instance_id: int) -> None:
    from sandbox.models import SandboxInstance
    from sandbox.services import instance_connect

    instance = SandboxInstance.objects.filter(pk=instance_id).first()
    if instance is not None and instance.state == SandboxInstance.State.SCANNED:
        instance_connect(instance=instance)


@shared_task(acks_late=True)
def queue_tick_task(instance_id: int) -> None:
    from sandbox.sending import queue_tick

    queue_tick(instance_id=instance_id)


@shared_task(acks_late=True)
def message_status_task(message_id: int, status: str, then: list[str]) -> None:
    from sandbox.sending import message_status_report

    message_status_report(message_id=message_id, status=status, then=then)


@shared_task
def queue_sweep_task() -> int:
    """Restart tick chains lost with a killed worker (beat, every few seconds)."""
    from sandbox.sending import queue_sweep

    return queue_sweep()


@shared_task
def demo_chatter_task() -> int:
    from sandbox.demo import demo_chatter

    return demo_chatter()
