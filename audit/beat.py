"""Periodic tasks of the audit app (merged into the beat schedule by config/celery.py)."""

from __future__ import annotations

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, object]] = {
    "audit-purge": {"task": "audit.tasks.audit_purge_task", "schedule": crontab(hour=3, minute=41)},
}
