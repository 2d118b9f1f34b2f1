"""The lifecycle end to end over real HTTP with a real Celery worker and the real clients:
pair (QR -> scan -> connected), send, and every webhook, in order."""

from __future__ import annotations

import base64

import httpx
import pytest

from sandbox.models import SandboxWebhook
from sandbox.services import sandbox_instance_create
from tests.live import wait_for
from tests.sandbox.conftest import FAST
from zapi import InstanceClient

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _control(live_url: str, instance, action: str, **body) -> dict:
    url = (
        f"{live_url}/sandbox/_control/instances/{instance.zapi_id}/token/{instance.token}/{action}"
    )
    response = httpx.post(url, json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_pair_send_and_receive_every_webhook_in_order(live_url, celery_worker, hooks):
    # Status steps 0.5 s apart: each webhook is its own task, so order comes from time.
    steps = {k: 0.5 for k in ("sent_after", "received_after", "read_after", "played_after")}
    instance = sandbox_instance_create(name="E2E", timings={**FAST, **steps, "scan_connect": 0.5})
    client = InstanceClient(f"{live_url}/sandbox", instance.zapi_id, instance.token)
    assert client.update_every_webhooks(hooks.url).value is True

    status = client.status()
    assert (status.connected, status.error) == (False, "You are not connected.")
    image = client.qr_code_image().value
    assert image.startswith("data:image/png;base64,")
    assert base64.b64decode(image.split(",", 1)[1]).startswith(b"\x89PNG")

    scanned = _control(live_url, instance, "scan", phone="5511912345678")
    assert scanned["state"] == "scanned"
    wait_for(lambda: client.status().connected, timeout=20)
    assert client.device().phone == "5511912345678"
    assert client.me().connected is True
    wait_for(lambda: hooks.of_type("ConnectedCallback"), timeout=20)

    sent = client.send("send_audio", phone="5511988887777", audio="https://example.com/a.ogg")
    assert sent.zaapId and sent.messageId and sent.id == sent.messageId
    wait_for(lambda: len(hooks.of_type("MessageStatusCallback")) == 4, timeout=30)

    assert hooks.types() == [
        "ConnectedCallback",
        "DeliveryCallback",
        "MessageStatusCallback",
        "MessageStatusCallback",
        "MessageStatusCallback",
        "MessageStatusCallback",
    ]
    connected = hooks.of_type("ConnectedCallback")[0]
    assert connected["phone"] == "5511912345678"
    assert connected["instanceId"] == instance.zapi_id
    delivery = hooks.of_type("DeliveryCallback")[0]
    assert (delivery["zaapId"], delivery["messageId"]) == (sent.zaapId, sent.messageId)
    statuses = hooks.of_type("MessageStatusCallback")
    assert [s["status"] for s in statuses] == ["SENT", "RECEIVED", "READ", "PLAYED"]
    assert all(s["ids"] == [sent.messageId] for s in statuses)
    assert client.queue_count().count == 0

    client.disconnect()
    wait_for(lambda: hooks.of_type("DisconnectedCallback"), timeout=20)
    assert client.status().connected is False


def test_queue_waits_while_disconnected_and_is_sent_on_reconnect(live_url, celery_worker, hooks):
    # Deliveries are separate tasks: a gap keeps them in order at the receiver.
    timings = {**FAST, "gap_min": 0.4, "gap_max": 0.4}
    instance = sandbox_instance_create(name="Q", timings=timings, webhook_url=hooks.url)
    client = InstanceClient(f"{live_url}/sandbox", instance.zapi_id, instance.token)
    ids = [
        client.send("send_text", phone="5511988887777", message=f"hello {n}").zaapId
        for n in range(3)
    ]
    page = client.queue(page=1, page_size=10)
    assert [m.ZaapId for m in page.messages] == ids
    assert [m.Message for m in page.messages] == ["hello 0", "hello 1", "hello 2"]

    _control(live_url, instance, "scan")
    wait_for(lambda: len(hooks.of_type("DeliveryCallback")) == 3, timeout=30)
    assert [d["zaapId"] for d in hooks.of_type("DeliveryCallback")] == ids
    assert client.queue_count().count == 0


def test_a_failing_receiver_gets_the_webhook_again(live_url, celery_worker, hooks):
    instance = sandbox_instance_create(
        name="Retry", connected=True, timings=FAST, webhook_url=hooks.url
    )
    hooks.fail_next = 2
    _control(live_url, instance, "inbound", phone="5511977776666", kind="text", text="oi")
    event = wait_for(lambda: hooks.of_type("ReceivedCallback"), timeout=30)[0]
    assert event["text"] == {"message": "oi"}
    # The receiver holds the event before the sandbox saves the attempt that brought it.
    webhook = wait_for(
        lambda: instance.sent_webhooks.filter(state=SandboxWebhook.State.DELIVERED).first(),
        timeout=10,
    )
    assert webhook.attempts == 3


def test_status_webhooks_out_of_order_fault(live_url, celery_worker, hooks):
    instance = sandbox_instance_create(
        name="Chaos",
        connected=True,
        timings={**FAST, "received_after": 0.5},
        webhook_url=hooks.url,
    )
    _control(live_url, instance, "tune", faults={"out_of_order": 1})
    client = InstanceClient(f"{live_url}/sandbox", instance.zapi_id, instance.token)
    client.send("send_text", phone="5511988887777", message="hello")
    wait_for(lambda: len(hooks.of_type("MessageStatusCallback")) == 3, timeout=30)
    # The sandbox emits them as one chain, newest status first (its rows in creation order);
    # each delivery is its own task, so the arrival order is not asserted, only that all came.
    emitted = instance.sent_webhooks.filter(kind="MessageStatusCallback").order_by("pk")
    assert [w.payload["status"] for w in emitted] == ["READ", "RECEIVED", "SENT"]
    arrived = [e["status"] for e in hooks.of_type("MessageStatusCallback")]
    assert sorted(arrived) == ["READ", "RECEIVED", "SENT"]


def test_every_inbound_kind_and_presence_reach_the_receiver(live_url, celery_worker, hooks):
    from sandbox.inbound import INBOUND_KINDS

    instance = sandbox_instance_create(
        name="Inbox", connected=True, timings=FAST, webhook_url=hooks.url
    )
    for kind in INBOUND_KINDS:
        _control(live_url, instance, "inbound", phone="5511977776666", kind=kind, text="t")
    _control(live_url, instance, "presence", phone="5511977776666", status="COMPOSING")
    wait_for(lambda: len(hooks.events) == len(INBOUND_KINDS) + 1, timeout=30)
    from zapi import PresenceChatCallback, ReceivedCallback, parse_event

    events = [parse_event(e) for e in hooks.events]
    received = [e for e in events if isinstance(e, ReceivedCallback)]
    kinds = {e.kind for e in received}
    assert kinds == {k if k != "call" else "notification" for k in INBOUND_KINDS}
    presence = [e for e in events if isinstance(e, PresenceChatCallback)]
    assert presence[0].status == "COMPOSING"


def test_phone_offline_pauses_and_online_resumes(live_url, celery_worker, hooks):
    instance = sandbox_instance_create(
        name="Flaky", connected=True, timings=FAST, webhook_url=hooks.url
    )
    client = InstanceClient(f"{live_url}/sandbox", instance.zapi_id, instance.token)
    state = _control(live_url, instance, "phone", online=False)
    assert state["smartphoneConnected"] is False
    client.send("send_text", phone="5511988887777", message="later")
    assert client.status().smartphoneConnected is False
    _control(live_url, instance, "phone", online=True)
    wait_for(lambda: hooks.of_type("DeliveryCallback"), timeout=30)


def test_ban_disconnects_with_a_webhook(live_url, celery_worker, hooks):
    instance = sandbox_instance_create(
        name="Banned", connected=True, phone="5511900001234", timings=FAST, webhook_url=hooks.url
    )
    assert _control(live_url, instance, "ban")["state"] == "banned"
    event = wait_for(lambda: hooks.of_type("DisconnectedCallback"), timeout=30)[0]
    assert event["error"] == "Number banned"
    client = InstanceClient(f"{live_url}/sandbox", instance.zapi_id, instance.token)
    available = client.mobile_registration_available("55", "11900001234")
    assert available.blocked is True
