"""``message_reconcile``: each of its outcomes, deterministic (Z-API is ``fake_zapi``)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from messaging.models import Message
from messaging.reconcile import message_reconcile
from messaging.states import MessageState
from tests.fakes import queue_message
from tests.webhooks.factories import OutboundMessageFactory, WebhookEventFactory

pytestmark = pytest.mark.django_db

CHAT = "5511999999999"


@pytest.fixture
def uncertain(connected):
    return OutboundMessageFactory(
        instance=connected,
        state=MessageState.UNCERTAIN,
        chat_id=CHAT,
        text="queued message 7",
        zaap_id="",
        message_id="",
        sending_at=timezone.now() - timedelta(minutes=1),
        uncertain_at=timezone.now() - timedelta(minutes=1),
    )


def _state(message: Message) -> str:
    message.refresh_from_db()
    return message.state


def test_a_message_no_longer_uncertain_is_settled(connected, fake_zapi):
    message = OutboundMessageFactory(instance=connected, state=MessageState.SENT)
    assert message_reconcile(message_id=message.pk) == "settled"
    assert message_reconcile(message_id=10**9) == "settled"
    assert fake_zapi.requests == []


def test_found_in_zapis_queue_it_is_accepted_with_its_ids(uncertain, fake_zapi):
    fake_zapi.queue = [queue_message(7, created=int(timezone.now().timestamp() * 1000))]
    assert message_reconcile(message_id=uncertain.pk) == "accepted"
    uncertain.refresh_from_db()
    assert (uncertain.state, uncertain.zaap_id, uncertain.message_id) == (
        MessageState.ACCEPTED,
        "Z0007",
        "M0007",
    )


def test_a_queued_entry_another_message_owns_is_not_taken(uncertain, fake_zapi):
    fake_zapi.queue = [queue_message(7, created=int(timezone.now().timestamp() * 1000))]
    OutboundMessageFactory(instance=uncertain.instance, zaap_id="Z0007", message_id="M0007")
    assert message_reconcile(message_id=uncertain.pk) == "requeued"


def test_found_in_the_delivery_webhooks_it_is_sent(uncertain, fake_zapi):
    WebhookEventFactory(
        instance=uncertain.instance,
        event_type="DeliveryCallback",
        received_at=timezone.now(),
        payload={"type": "DeliveryCallback", "phone": CHAT, "zaapId": "ZW", "messageId": "MW"},
    )
    assert message_reconcile(message_id=uncertain.pk) == "sent"
    uncertain.refresh_from_db()
    assert (uncertain.state, uncertain.zaap_id) == (MessageState.SENT, "ZW")


def test_found_nowhere_it_is_queued_again(uncertain, fake_zapi):
    assert message_reconcile(message_id=uncertain.pk) == "requeued"
    assert _state(uncertain) == MessageState.QUEUED
    assert "sent again" in Message.objects.get(pk=uncertain.pk).error


def test_zapi_unreachable_postpones(uncertain, fake_zapi):
    fake_zapi.handler = lambda r: httpx.Response(503, json={"error": "down"})
    assert message_reconcile(message_id=uncertain.pk) == "later"
    assert _state(uncertain) == MessageState.UNCERTAIN
