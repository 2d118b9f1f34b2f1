from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, ignore_result=True)
def idempotent_answers_purge_task(self: Any) -> int:
    """Beat: forget answers older than ``API_IDEMPOTENCY_HOURS``."""
    from api.services import idempotent_answers_purge

    return idempotent_answers_purge()
