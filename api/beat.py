"""Periodic tasks of the API (merged by config/celery.py)."""

from __future__ import annotations

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, object]] = {
    "api-idempotent-answers-purge": {
        "task": "api.tasks.idempotent_answers_purge_task",
        "schedule": crontab(minute=23),
    },
}
