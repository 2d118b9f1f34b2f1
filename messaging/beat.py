"""Periodic tasks of messaging (merged into the beat schedule by config/celery.py)."""

from django.conf import settings

SCHEDULE = {
    # Stale sends, reconciliation of uncertain ones, and resuming numbers whose messages are
    # due (after a reconnect, a retry time, the daily cap's midnight, a lost wake).
    "messaging-dispatch-sweep": {
        "task": "messaging.tasks.dispatch_sweep_task",
        "schedule": 5.0,
    },
    # Campaigns: top up each sender's queue inside the window, under warm-up and rest; also
    # what resumes a campaign after a restart or a crash (messaging/campaigns/feeder.py).
    "messaging-campaigns-feed": {
        "task": "messaging.tasks.campaigns_feed_task",
        "schedule": settings.CAMPAIGN_FEED_SECONDS,
    },
}
