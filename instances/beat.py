"""Periodic tasks of the instances app (merged by config/celery.py)."""

from __future__ import annotations

from django.conf import settings

SCHEDULE = {
    # Every interval, schedule one /status probe per instance, spread over the interval.
    "instances-probe-fleet": {
        "task": "instances.tasks.fleet_probe_task",
        "schedule": float(settings.HEALTH_PROBE_INTERVAL_SECONDS),
    },
}
