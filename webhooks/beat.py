"""Periodic tasks of the webhooks app (merged into the beat schedule by config/celery.py)."""

from __future__ import annotations

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, object]] = {
    # Events not processed a while after receipt (broker down, worker killed): often, so a
    # lost task costs at most a minute or two. The task expires before the next run.
    "webhooks-sweep": {
        "task": "webhooks.tasks.webhook_events_sweep_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "webhooks-purge": {
        "task": "webhooks.tasks.webhook_events_purge_task",
        "schedule": crontab(hour=3, minute=17),
    },
}
