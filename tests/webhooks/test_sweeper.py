"""The sweeper: events the normal path left behind (broker down, worker killed) are
processed later, once; recent ones are left to the normal path."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging.states import MessageState
from tests.factories import InstanceFactory
from tests.webhooks.conftest import webhook_path
from tests.webhooks.factories import OutboundMessageFactory
from webhooks import processors
from webhooks.models import EventState, WebhookEvent
from webhooks.services import webhook_event_receive, webhook_events_sweep
from webhooks.tasks import webhook_events_sweep_task
from zapi.events import MessageStatusCallback


def read_status(message_id: str) -> dict:
    return {"type": "MessageStatusCallback", "status": "READ", "ids": [message_id], "momment": 1}


@pytest.mark.django_db(transaction=True)
def test_broker_down_answers_200_now_and_the_sweeper_processes_later(broker_down):
    instance = InstanceFactory()
    message = OutboundMessageFactory(instance=instance)
    started = time.monotonic()
    response = Client().post(
        webhook_path(instance), json.dumps(read_status(message.message_id)), "application/json"
    )
    assert response.status_code == 200
    assert time.monotonic() - started < 3  # a dead broker does not hold Z-API's request
    event = WebhookEvent.objects.get()
    assert event.state == EventState.PENDING

    assert webhook_events_sweep() == 0  # not yet: the normal path may still be on it
    later = timezone.now() + timedelta(seconds=61)
    assert webhook_events_sweep(now=later) == 1
    event.refresh_from_db()
    message.refresh_from_db()
    assert (event.state, message.state) == (EventState.PROCESSED, MessageState.READ)
    assert webhook_events_sweep(now=later) == 0


@pytest.mark.django_db
def test_sweeper_retries_a_failed_event_after_the_delay_until_dead(instance, monkeypatch):
    monkeypatch.setitem(processors.PROCESSORS, MessageStatusCallback, lambda e, p: 1 / 0)
    event, _ = webhook_event_receive(instance_id=instance.pk, data=read_status("x"))
    now = timezone.now()
    for minute in (2, 4, 6):
        assert webhook_events_sweep(now=now + timedelta(minutes=minute)) == 1
        # Just failed: not tried again at once.
        assert webhook_events_sweep(now=timezone.now()) == 0
        WebhookEvent.objects.filter(pk=event.pk).update(last_attempt_at=now)
    event.refresh_from_db()
    assert (event.state, event.attempts) == (EventState.DEAD, 3)
    assert event.error.startswith("ZeroDivisionError")
    assert webhook_events_sweep(now=now + timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_sweep_task_uses_the_configured_delay(instance, settings):
    settings.WEBHOOK_SWEEP_AFTER_SECONDS = 0
    webhook_event_receive(instance_id=instance.pk, data=read_status("x"))
    assert webhook_events_sweep_task.apply().get() == 1
    assert WebhookEvent.objects.get().state == EventState.PROCESSED
