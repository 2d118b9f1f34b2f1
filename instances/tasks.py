"""Celery tasks of the instances app: thin wrappers that take ids and call services."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, max_retries=3, retry_backoff=True, ignore_result=True)
def instance_disconnected_email(self: Any, instance_id: int, text: str) -> int:
    """Email the partner's operators that a number disconnected."""
    from instances.notify import instance_disconnected_email_send

    return instance_disconnected_email_send(instance_id=instance_id, text=text)
