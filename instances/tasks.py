"""Celery tasks of the instances app: thin wrappers that take ids and call services.

Services import this module at module level and send tasks on commit; a task imports the
services it calls inside its body, so the two never import each other at load time.
Tasks are named ``<entity>_<action>_task``.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

logger = logging.getLogger(__name__)


class ProbeUnreachableError(Exception):
    """Z-API could not be reached for a probe: the task tries again."""


@shared_task(bind=True, max_retries=3, retry_backoff=True, ignore_result=True)
def instance_disconnected_email_task(self: Any, instance_id: int, text: str) -> int:
    """Email the partner's operators that a number disconnected."""
    from instances.services import instance_disconnected_email_send

    return instance_disconnected_email_send(instance_id=instance_id, text=text)


@shared_task(bind=True, max_retries=2, retry_backoff=True, ignore_result=True)
def instance_probe_task(self: Any, instance_id: int) -> str:
    """Probe one instance's ``/status``; an unreachable Z-API is retried, nothing else."""
    from instances.models import Instance
    from instances.services import instance_probe

    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return "gone"
    outcome = instance_probe(instance=instance)
    if not outcome.ok and outcome.retryable:
        raise self.retry(exc=ProbeUnreachableError(outcome.text))
    return str(outcome)


@shared_task(bind=True, ignore_result=True)
def fleet_probe_task(self: Any) -> int:
    """Beat: one probe per instance, spread evenly over the probe interval (countdowns),
    each expiring with the interval so a backlog never piles up."""
    from instances.models import Instance
    from instances.services import probe_interval, probe_offsets

    interval = probe_interval()
    ids = list(Instance.objects.order_by("pk").values_list("pk", flat=True))
    for instance_id, offset in probe_offsets(ids, interval):
        instance_probe_task.apply_async((instance_id,), countdown=offset, expires=interval)
    return len(ids)


@shared_task(bind=True, ignore_result=True)
def instance_restart_task(self: Any, instance_id: int) -> str:
    """Bulk action: restart. Never retried (a GET with side effects, spec 001, "Instance > Restart
    instance")."""
    from instances.models import Instance
    from instances.services import instance_action_failed_notice, instance_restart

    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return "gone"
    outcome = instance_restart(instance=instance)
    logger.info("restart instance %s: %s", instance_id, outcome.text)
    instance_action_failed_notice(instance=instance, outcome=outcome)
    return str(outcome)


@shared_task(bind=True, max_retries=3, retry_backoff=True, ignore_result=True)
def instance_webhooks_point_task(
    self: Any, instance_id: int, notify_sent_by_me: bool | None
) -> str:
    """Bulk action: point every webhook here. Idempotent (a PUT), so retryable errors retry."""
    from instances.models import Instance
    from instances.services import instance_action_failed_notice, instance_webhooks_point_here

    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return "gone"
    outcome = instance_webhooks_point_here(instance=instance, notify_sent_by_me=notify_sent_by_me)
    if not outcome.ok and outcome.retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=5 * (self.request.retries + 1))
    logger.info("webhooks of instance %s: %s", instance_id, outcome.text)
    instance_action_failed_notice(instance=instance, outcome=outcome)
    return str(outcome)


# The WhatsApp Business tasks live beside their services; importing registers them.
from instances.business.tasks import (  # noqa: E402, F401
    business_copy_task,
    business_labels_sync_task,
    fleet_labels_sync_task,
)
