"""Periodic tasks of the instances app (merged by config/celery.py)."""

from __future__ import annotations

import os

SCHEDULE = {
    # Every interval, schedule one /status probe per instance, spread over the interval.
    "instances-probe-fleet": {
        "task": "instances.tasks.instance_probe_fleet",
        "schedule": float(os.environ.get("HEALTH_PROBE_INTERVAL_SECONDS", "300")),
    },
}
