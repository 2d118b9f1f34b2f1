"""Celery tasks: thin wrappers taking ids. The pacer, not Celery's per-worker ``rate_limit``,
decides when a number may send (see messaging.pacer); one task runs a round of sends for
many numbers (messaging.rounds), not one message.

Services import this module at module level and send tasks on commit; each task imports the
service it calls inside its body. Tasks are named ``<entity>_<action>_task``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    bind=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def dispatch_round_task(self: Any, instance_id: int | None = None, wake: str | None = None) -> int:
    """One dispatch round (messaging.rounds): sends for every due number, many at once.
    ``instance_id``/``wake`` name the kick that scheduled it, so the next may be scheduled."""
    from messaging.pacer import wake_clear
    from messaging.rounds import dispatch_round

    if wake and instance_id is not None:
        wake_clear(instance_id=instance_id, at=datetime.fromisoformat(wake))
    return dispatch_round()


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def message_reconcile_task(self: Any, message_id: int) -> str:
    from messaging.reconcile import message_reconcile

    return message_reconcile(message_id=message_id)


@shared_task(bind=True, ignore_result=True)
def dispatch_sweep_task(self: Any) -> dict[str, int]:
    from messaging.sweep import dispatch_sweep

    return dispatch_sweep()


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def contact_import_task(self: Any, import_id: int) -> str:
    from messaging.contact_import import contact_import_run

    return contact_import_run(import_id=import_id)


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def contacts_whatsapp_check_task(self: Any, instance_id: int, contact_ids: list[int]) -> str:
    from messaging.whatsapp_check import contacts_whatsapp_check

    return contacts_whatsapp_check(instance_id=instance_id, contact_ids=contact_ids)


@shared_task(
    bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3,
    ignore_result=True,
)  # fmt: skip
def campaign_feed_task(self: Any, campaign_id: int) -> str:
    """Top up the senders' queues of one campaign (after a start or a resume)."""
    from messaging.campaigns.feeder import campaign_feed

    return campaign_feed(campaign_id=campaign_id).state


@shared_task(bind=True, ignore_result=True)
def campaigns_feed_task(self: Any) -> dict[str, int]:
    """Beat: feed every running campaign (and start the scheduled ones that are due)."""
    from messaging.campaigns.feeder import campaigns_feed

    return campaigns_feed()
