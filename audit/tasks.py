from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, ignore_result=True)
def audit_purge_task(self: Any) -> int:
    """Beat: drop audit entries older than ``AUDIT_RETENTION_DAYS``."""
    from audit.services import audit_purge

    return audit_purge()
