"""Celery tasks of the WhatsApp Business tabs: thin, take ids, call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, ignore_result=True, acks_late=True)
def business_copy_task(self: Any, copy_id: int) -> str:
    """Run one copy to other numbers. Not retried as a whole: each target's answer is in
    the report, and a rerun (after a killed worker, acks_late) skips the targets done."""
    from instances.business.copy import business_copy_run

    copy = business_copy_run(copy_id=copy_id)
    return "gone" if copy is None else f"{copy.done}/{copy.total}"


@shared_task(bind=True, max_retries=3, retry_backoff=True, ignore_result=True)
def business_labels_sync_task(self: Any, instance_id: int) -> str:
    """Read an instance's labels and its chats' labels from Z-API; retried on retryable
    errors (a read, safe to repeat)."""
    from instances.business.labels import labels_sync
    from instances.models import Instance

    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return "gone"
    outcome = labels_sync(instance=instance)
    if not outcome.ok and outcome.retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=10 * (self.request.retries + 1))
    return str(outcome)


@shared_task(bind=True, ignore_result=True)
def fleet_labels_sync_task(self: Any) -> int:
    """Beat: re-read the labels of every connected WhatsApp Business number, spread over the
    interval, so our copy (and the filters and audiences built on it) follows the phones."""
    from django.conf import settings

    from instances.models import ConnectionState, Instance

    interval = float(settings.BUSINESS_LABELS_SYNC_SECONDS)
    ids = list(
        Instance.objects.filter(
            connection_state=ConnectionState.CONNECTED, settings_snapshot__device__isBusiness=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for n, instance_id in enumerate(ids):
        business_labels_sync_task.apply_async(
            (instance_id,), countdown=interval * n / max(len(ids), 1), expires=interval
        )
    return len(ids)
