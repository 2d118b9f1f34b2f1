"""Celery tasks of the outbound webhooks: thin, ids in, services do the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, ignore_result=True)
def hook_delivery_attempt_task(self: Any, delivery_id: int) -> str | None:
    from hooks.services import hook_delivery_attempt

    return hook_delivery_attempt(delivery_id=delivery_id)


@shared_task(bind=True, ignore_result=True)
def hook_deliveries_due_task(self: Any) -> int:
    """Beat: retries whose time has come, and first tries whose task was lost."""
    from hooks.services import hook_deliveries_due

    return hook_deliveries_due()


@shared_task(bind=True, ignore_result=True)
def hook_deliveries_purge_task(self: Any) -> int:
    from hooks.services import hook_deliveries_purge

    return hook_deliveries_purge()
