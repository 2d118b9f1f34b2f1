"""Celery tasks of the webhooks app: thin wrappers that take ids and call services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError


# Only the database being unreachable is retried here; a processor's own failure is
# recorded on the event (attempts, error) and retried by the sweeper, up to dead-letter.
@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=5,
    retry_backoff=True,
    ignore_result=True,
)
def webhook_events_drain_task(self: Any) -> int:
    """Process pending events in batches until none is left (woken by the receiver)."""
    from webhooks.services import webhook_events_drain

    return webhook_events_drain()


@shared_task(bind=True, ignore_result=True)
def webhook_events_sweep_task(self: Any) -> int:
    """Beat: process events that the normal path left behind."""
    from webhooks.services import webhook_events_sweep

    return webhook_events_sweep()


@shared_task(bind=True, ignore_result=True)
def webhook_events_purge_task(self: Any) -> int:
    """Beat: drop raw events older than ``WEBHOOK_RETENTION_DAYS``."""
    from webhooks.services import webhook_events_purge

    return webhook_events_purge()
