"""End to end with real parts: Z-API's POST over HTTP to the live server, a real Celery
worker process on Redis, PostgreSQL; and the sweeper on a worker after the broker was down."""

from __future__ import annotations

import httpx
import pytest

from messaging.models import Contact, Message
from messaging.states import MessageState
from tests.factories import InstanceFactory
from tests.live import wait_for
from tests.webhooks.conftest import CLOSED_BROKER, broker_at, spec_example, webhook_path
from tests.webhooks.factories import OutboundMessageFactory
from webhooks.models import EventState, WebhookEvent
from webhooks.tasks import webhook_events_sweep_task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_posted_events_are_processed_by_a_real_worker(live_url, celery_worker):
    instance = InstanceFactory()
    message = OutboundMessageFactory(instance=instance)
    url = live_url + webhook_path(instance)
    for data in (
        {"type": "DeliveryCallback", "zaapId": message.zaap_id, "messageId": message.message_id},
        {"type": "MessageStatusCallback", "status": "PLAYED", "ids": [message.message_id]},
        {"type": "MessageStatusCallback", "status": "RECEIVED", "ids": [message.message_id]},
        spec_example("l11276_received_text"),
    ):
        assert httpx.post(url, json=data, timeout=10).status_code == 200

    wait_for(lambda: not WebhookEvent.objects.exclude(state=EventState.PROCESSED).exists())
    message.refresh_from_db()
    assert message.state == MessageState.PLAYED
    inbound = Message.objects.get(message_id="A20DA9C0183A2D35A260F53F5D2B9244")
    assert (inbound.text, inbound.contact) == ("test", Contact.objects.get(phone="5544999999999"))


def test_event_stored_while_the_broker_was_down_is_swept_by_a_worker(
    live_url, celery_workers, monkeypatch
):
    instance = InstanceFactory()
    message = OutboundMessageFactory(instance=instance)
    url = live_url + webhook_path(instance)
    data = {"type": "MessageStatusCallback", "status": "READ", "ids": [message.message_id]}
    with broker_at(CLOSED_BROKER):
        assert httpx.post(url, json=data, timeout=10).status_code == 200
    assert WebhookEvent.objects.get().state == EventState.PENDING

    # The broker is back; beat's sweep runs on a worker (no delay, for the test).
    monkeypatch.setenv("WEBHOOK_SWEEP_AFTER_SECONDS", "0")
    celery_workers.start(1)
    webhook_events_sweep_task.delay()
    wait_for(lambda: WebhookEvent.objects.get().state == EventState.PROCESSED)
    message.refresh_from_db()
    assert message.state == MessageState.READ
