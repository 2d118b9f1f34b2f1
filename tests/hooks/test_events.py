"""Where the events come from: a message's state, an inbound message, a connection; and the
issue's whole story through the API: send with an idempotency key, read, signed webhook."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from hooks.models import Delivery
from hooks.services import endpoint_save, hook_deliveries_due
from messaging.models import Message
from messaging.services import message_transition
from messaging.states import MessageState
from tests.api.conftest import key_client, make_key
from tests.webhooks.conftest import spec_example
from tests.webhooks.factories import OutboundMessageFactory
from tests.webhooks.test_processing import receive_and_process, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_event(partner, receiver):
    return endpoint_save(
        partner=partner,
        url=receiver.url,
        event_types=["message.status", "message.received", "instance.connection"],
    )


def test_a_message_moving_is_owed_once_per_move(every_event, instance):
    message = OutboundMessageFactory(instance=instance, state=MessageState.QUEUED)
    assert message_transition(pk=message.pk, to=MessageState.SENDING)
    assert not message_transition(pk=message.pk, to=MessageState.CANCELLED)  # not allowed now
    rows = Delivery.objects.filter(event_type="message.status")
    assert [d.payload["data"]["state"] for d in rows] == ["sending"]


def test_status_webhooks_become_message_status_events(every_event, instance):
    first, second = OutboundMessageFactory.create_batch(2, instance=instance)
    receive_and_process(instance, status([first.message_id, second.zaap_id], "READ"))
    receive_and_process(instance, status([first.message_id], "SENT", 1_700_000_100_000))  # late
    states = sorted(
        (d.payload["data"]["id"], d.payload["data"]["state"])
        for d in Delivery.objects.filter(event_type="message.status")
    )
    assert states == [(first.pk, "read"), (second.pk, "read")]


def test_no_endpoint_no_rows(instance):
    first = OutboundMessageFactory(instance=instance)
    receive_and_process(instance, status([first.message_id], "READ"))
    first.refresh_from_db()
    assert first.state == MessageState.READ
    assert not Delivery.objects.exists()


def test_inbound_messages_and_connections_are_events(every_event, instance):
    receive_and_process(instance, spec_example("l11276_received_text"))
    receive_and_process(instance, {"type": "ConnectedCallback", "connected": True, "momment": 1})
    kinds = {d.event_type: d.payload["data"] for d in Delivery.objects.all()}
    assert kinds["message.received"]["direction"] == "in"
    assert kinds["instance.connection"] == {
        "instance": instance.pk, "state": "connected", "at": kinds["instance.connection"]["at"],
        "source": "webhook",
    }  # fmt: skip


def test_the_issue_story_through_the_api(partner, partner_admin, instance, receiver):
    """A developer's key sends with an idempotency key; the message is read; their system
    gets a signed ``message.status`` saying so."""
    endpoint = endpoint_save(partner=partner, url=receiver.url, event_types=["message.status"])
    api = key_client(make_key(partner_admin, partner))
    body = {"instance": instance.pk, "chat_id": "5511999998888", "kind": "text", "message": "Hi"}
    sent = api.post("/api/messages/", body, HTTP_IDEMPOTENCY_KEY="crm-1").json()
    api.post("/api/messages/", body, HTTP_IDEMPOTENCY_KEY="crm-1")
    assert Message.objects.count() == 1
    # The dispatcher hands it to Z-API (its ids), then Z-API says it was read.
    message_transition(pk=sent["id"], to=MessageState.SENDING)
    message_transition(pk=sent["id"], to=MessageState.ACCEPTED, message_id="3EB0AA", zaap_id="Z1")
    receive_and_process(instance, status(["3EB0AA"], "READ"))
    assert hook_deliveries_due() == 3
    read = [
        Webhook(str(endpoint.secret)).verify(r["body"], r["headers"]) for r in receiver.requests
    ]
    assert [p["data"]["state"] for p in read] == ["sending", "accepted", "read"]
    assert read[-1]["data"]["id"] == sent["id"] and read[-1]["data"]["message_id"] == "3EB0AA"
    assert api.get("/api/messages/3EB0AA/").json()["state"] == "read"
