"""Periodic tasks of the sandbox (merged by config/celery.py)."""

SCHEDULE = {
    "sandbox-queue-sweep": {"task": "sandbox.tasks.queue_sweep", "schedule": 15.0},
}
