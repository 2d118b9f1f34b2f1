"""Every webhook example in the spec (tests/zapi/fixtures/webhooks, copied from spec 001
"Webhooks") is accepted by the receiver and processed into the right rows."""

from __future__ import annotations

import json

import pytest

from instances.models import ConnectionState, HealthProbe
from messaging.models import Contact, Direction, Message
from messaging.states import MessageState
from tests.webhooks.conftest import SPEC_EXAMPLES, post_event
from tests.webhooks.factories import OutboundMessageFactory
from webhooks.models import ChatPresence, EventState, WebhookEvent
from webhooks.services import webhook_event_process

pytestmark = pytest.mark.django_db

# The message kind each ReceivedCallback example must be recorded as (by spec line).
RECEIVED_KINDS = {
    "l11276": "text", "l11307": "buttons", "l11340": "reaction", "l11375": "button_reply",
    "l11405": "buttons", "l11446": "buttons", "l11478": "buttons", "l11524": "buttons",
    "l11570": "list_reply", "l11601": "buttons", "l11689": "text", "l11733": "image",
    "l11767": "buttons", "l11810": "audio", "l11841": "video", "l11872": "buttons",
    "l11915": "video", "l11945": "contact", "l11974": "document", "l12005": "buttons",
    "l12047": "location", "l12077": "buttons", "l12118": "sticker", "l12146": "video",
    "l12175": "order", "l12212": "notification", "l12236": "order", "l12269": "call",
    "l12297": "call", "l12325": "notification", "l12355": "notification",
    "l12384": "notification", "l12415": "notification", "l12444": "notification",
    "l12473": "product", "l12509": "order", "l12554": "poll", "l12590": "poll_vote",
    "l12621": "order", "l12674": "order", "l12726": "notification", "l12756": "notification",
    "l12790": "event", "l12822": "event", "l12857": "other", "l12877": "notification",
    "l12902": "notification", "l12927": "notification",
}  # fmt: skip


def _received(instance, data):
    message = Message.objects.get(instance=instance)
    line = data["_line"]
    assert message.kind == RECEIVED_KINDS[line], line
    assert message.message_id == (data.get("messageId") or f"webhook:{data['_event']}")
    assert message.direction == (Direction.OUTBOUND if data.get("fromMe") else Direction.INBOUND)
    assert message.state == (MessageState.SENT if data.get("fromMe") else MessageState.RECEIVED)
    assert message.chat_id == data["phone"]
    assert message.payload["type"] == "ReceivedCallback"
    # A contact for direct chats and group participants; none for channels or our number.
    phone = data.get("participantPhone") if data.get("isGroup") else data.get("phone")
    is_person = phone and phone.isdigit() and phone != data.get("connectedPhone")
    if is_person:
        assert message.contact is not None
        assert message.contact.phone == phone
        assert message.contact.partner_id == instance.partner_id
    else:
        assert message.contact is None


def test_every_received_example_has_an_expected_kind():
    received = {p.name[:6] for p in SPEC_EXAMPLES if "_received_" in p.name}
    assert received == set(RECEIVED_KINDS)


@pytest.mark.parametrize("path", SPEC_EXAMPLES, ids=lambda p: p.stem[:50])
def test_spec_example_is_accepted_and_processed(webhook_client, instance, path):
    data = json.loads(path.read_text())
    kind = path.name.split("_")[1]
    if kind == "delivery":
        message = OutboundMessageFactory(
            instance=instance, zaap_id=data["zaapId"], message_id=data["messageId"]
        )
    elif kind == "messagestatus":
        direction = Direction.INBOUND if data["status"] == "READ_BY_ME" else Direction.OUTBOUND
        message = OutboundMessageFactory(
            instance=instance, message_id=data["ids"][0], direction=direction
        )
    elif kind == "disconnected":
        instance.connection_state = ConnectionState.CONNECTED
        instance.save()

    assert post_event(webhook_client, instance, data).status_code == 200
    event = WebhookEvent.objects.get()
    assert webhook_event_process(event_id=event.pk) == EventState.PROCESSED
    event.refresh_from_db()
    assert (event.state, event.error) == (EventState.PROCESSED, "")
    assert event.processed_at is not None

    if kind == "delivery":
        message.refresh_from_db()
        assert message.state == MessageState.SENT
    elif kind == "messagestatus":
        message.refresh_from_db()
        if data["status"] == "READ_BY_ME":
            assert message.state == MessageState.ACCEPTED
            assert message.read_at is not None
        else:
            assert message.state == data["status"].lower()
    elif kind == "received":
        _received(instance, {**data, "_line": path.name[:6], "_event": event.pk})
    elif kind in ("connected", "disconnected"):
        instance.refresh_from_db()
        expected = (
            ConnectionState.CONNECTED if kind == "connected" else ConnectionState.DISCONNECTED
        )
        assert instance.connection_state == expected
        assert HealthProbe.objects.filter(instance=instance).count() == 1
    elif kind == "presencechat":
        presence = ChatPresence.objects.get()
        assert (presence.chat_id, presence.status) == (data["phone"], data["status"])
    else:  # pragma: no cover - the fixture set is checked by tests/zapi/test_events.py
        pytest.fail(f"unexpected fixture {path.name}")

    # Processing once more (a replay) changes nothing.
    counts = (Message.objects.count(), Contact.objects.count(), ChatPresence.objects.count())
    WebhookEvent.objects.filter(pk=event.pk).update(state=EventState.PENDING)
    assert webhook_event_process(event_id=event.pk) == EventState.PROCESSED
    assert counts == (
        Message.objects.count(),
        Contact.objects.count(),
        ChatPresence.objects.count(),
    )
