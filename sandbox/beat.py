"""Periodic tasks of the sandbox (merged by config/celery.py)."""

SCHEDULE = {
    # Restarts queue tick chains lost with a killed worker.
    "sandbox-queue-sweep": {"task": "sandbox.tasks.queue_sweep_task", "schedule": 15.0},
    # Contacts write to the demo fleet now and then (only instances the demo created).
    "sandbox-demo-chatter": {"task": "sandbox.tasks.demo_chatter_task", "schedule": 45.0},
}
