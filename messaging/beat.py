"""Periodic tasks of messaging (merged into the beat schedule by config/celery.py)."""

SCHEDULE = {
    # Stale sends, reconciliation of uncertain ones, and resuming numbers whose messages are
    # due (after a reconnect, a retry time, the daily cap's midnight, a lost wake).
    "messaging-dispatch-sweep": {
        "task": "messaging.tasks.dispatch_sweep_task",
        "schedule": 5.0,
    },
}
