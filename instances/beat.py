"""Periodic tasks of the instances app (merged by config/celery.py)."""

from __future__ import annotations

from django.conf import settings

SCHEDULE = {
    # Every interval, schedule one /status probe per instance, spread over the interval.
    "instances-probe-fleet": {
        "task": "instances.tasks.fleet_probe_task",
        "schedule": float(settings.HEALTH_PROBE_INTERVAL_SECONDS),
    },
    # Re-read the labels of the WhatsApp Business numbers (Z-API is the truth).
    "instances-business-labels-sync": {
        "task": "instances.business.tasks.fleet_labels_sync_task",
        "schedule": float(settings.BUSINESS_LABELS_SYNC_SECONDS),
    },
}
