"""Periodic tasks of the outbound webhooks (merged by config/celery.py)."""

from __future__ import annotations

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, object]] = {
    "hooks-deliver-due": {
        "task": "hooks.tasks.hook_deliveries_due_task",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "hooks-purge": {
        "task": "hooks.tasks.hook_deliveries_purge_task",
        "schedule": crontab(hour=3, minute=41),
    },
}
