"""Periodic tasks of the partners app (merged by config/celery.py)."""

from __future__ import annotations

from django.conf import settings

SCHEDULE = {
    "partners-sync": {
        "task": "partners.tasks.partners_sync_task",
        "schedule": float(settings.PARTNER_SYNC_INTERVAL_SECONDS),
    },
    # Every 5 minutes: a 2-hour notice is never more than 5 minutes late.
    "partners-trial-clock": {"task": "partners.tasks.trial_clock_task", "schedule": 300.0},
    "partners-billing-warnings": {
        "task": "partners.tasks.billing_warnings_task",
        "schedule": 3600.0,
    },
}
