"""Queue rules (spec 001, "Queue"): the 1000 limit while disconnected, page paging,
cursor paging (pagingState, 20 by default, at most 30), deletes, gaps and pauses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox import sending
from sandbox.models import SandboxMessage
from sandbox.services import instance_phone_online, sandbox_instance_create
from tests.sandbox.conftest import FAST, client_for
from zapi import NotConnectedError, NotFoundError, ValidationError

pytestmark = pytest.mark.django_db
PHONE = "5511988887777"


@pytest.fixture
def away(db):
    """Never paired: every send waits in the queue."""
    return sandbox_instance_create(name="Away", timings=FAST)


def _fill(instance, count: int) -> list[SandboxMessage]:
    return SandboxMessage.objects.bulk_create(
        SandboxMessage(
            instance=instance,
            zaap_id=f"Z{n:05d}",
            message_id=f"M{n:05d}",
            endpoint="send_text",
            phone=PHONE,
            payload={"phone": PHONE, "message": f"m{n}"},
        )
        for n in range(count)
    )


def test_a_thousand_queued_messages_while_disconnected_then_sends_are_refused(away, wsgi_http):
    client = client_for(away, wsgi_http)
    _fill(away, 999)
    client.send("send_text", phone=PHONE, message="the thousandth")
    with pytest.raises(NotConnectedError) as caught:
        client.send("send_text", phone=PHONE, message="one too many")
    assert "1000" in caught.value.message
    assert client.queue_count().count == 1000


def test_the_limit_does_not_apply_while_connected(sbx, wsgi_http):
    sbx.timings = {**sbx.timings, "queue_limit": 2}
    sbx.save()
    _fill(sbx, 2)
    assert client_for(sbx, wsgi_http).send("send_text", phone=PHONE, message="fine").zaapId


def test_phone_offline_counts_as_disconnected_for_the_limit(sbx, wsgi_http):
    instance_phone_online(instance=sbx, online=False)
    sbx.refresh_from_db()
    sbx.timings = {**sbx.timings, "queue_limit": 1}
    sbx.save()
    client = client_for(sbx, wsgi_http)
    client.send("send_text", phone=PHONE, message="waits")
    with pytest.raises(NotConnectedError):
        client.send("send_text", phone=PHONE, message="refused")


def test_get_queue_pages(away, wsgi_http):
    _fill(away, 5)
    client = client_for(away, wsgi_http)
    page = client.queue(page=2, page_size=2)
    assert [m.ZaapId for m in page.messages] == ["Z00002", "Z00003"]
    first = page.messages[0]
    assert (first.Phone, first.Message, first.InstanceId, first.DelayMessage) == (
        PHONE,
        "m2",
        away.zapi_id,
        -1,
    )
    assert client.queue(page=3, page_size=2).messages[0].ZaapId == "Z00004"
    assert client.queue(page=4, page_size=2).messages == []
    assert client.call("queue", query={"page": 1, "pageSize": 1, "count": "true"})["count"] == 5


def test_cursor_pages_default_to_twenty_and_walk_the_whole_queue(away, wsgi_http):
    _fill(away, 45)
    client = client_for(away, wsgi_http)
    first = client.call("queue_page", json={})
    assert len(first["messages"]) == 20 and first["pagingState"]
    seen, state = [], None
    while True:
        page = client.queue_page(paging_state=state, page_size=30)
        seen += [m.ZaapId for m in page.messages]
        state = page.pagingState
        if state is None:
            break
    assert seen == [f"Z{n:05d}" for n in range(45)]


def test_cursor_page_size_is_at_most_thirty(away, wsgi_http):
    _fill(away, 45)
    page = client_for(away, wsgi_http).call("queue_page", json={"pageSize": 100})
    assert len(page["messages"]) == 30


def test_a_cursor_that_is_not_ours_is_400(away, wsgi_http):
    with pytest.raises(ValidationError):
        client_for(away, wsgi_http).queue_page(paging_state="garbage!")


def test_delete_one_then_all(away, wsgi_http):
    _fill(away, 3)
    client = client_for(away, wsgi_http)
    client.queue_delete("Z00001")
    assert [m.ZaapId for m in client.queue().messages] == ["Z00000", "Z00002"]
    with pytest.raises(NotFoundError):
        client.queue_delete("Z00001")
    client.queue_delete_all()
    assert client.queue_count().count == 0


def test_a_sent_message_cannot_be_deleted_from_the_queue(sbx, wsgi_http):
    message = _fill(sbx, 1)[0]
    SandboxMessage.objects.filter(pk=message.pk).update(state="sent")
    with pytest.raises(NotFoundError):
        client_for(sbx, wsgi_http).queue_delete(message.zaap_id)


def test_delay_message_and_typing_make_the_gap(sbx, wsgi_http):
    client_for(sbx, wsgi_http).send(
        "send_text", phone=PHONE, message="slow", delayMessage=5, delayTyping=3
    )
    before = timezone.now()
    sending.queue_tick(instance_id=sbx.pk)
    sbx.refresh_from_db()
    assert timedelta(seconds=7.9) < sbx.next_send_at - before <= timedelta(seconds=8.1)
    assert sbx.messages.get().state == "queued"


def test_default_gap_is_between_one_and_three_seconds(db):
    instance = sandbox_instance_create(name="Default", connected=True)
    sending.message_enqueue(
        instance=instance, endpoint="send_text", body={"phone": PHONE, "message": "x"}
    )
    before = timezone.now()
    sending.queue_tick(instance_id=instance.pk)
    instance.refresh_from_db()
    assert timedelta(seconds=1) <= instance.next_send_at - before <= timedelta(seconds=3.1)


def test_a_due_message_is_sent_with_a_delivery_webhook(sbx, wsgi_http):
    sbx.webhooks = {"delivery": "https://hooks.example.com/d"}
    sbx.save()
    sent = client_for(sbx, wsgi_http).send("send_text", phone=PHONE, message="now")
    sending.queue_tick(instance_id=sbx.pk)  # gap 0 in FAST: due at once
    message = sbx.messages.get()
    assert message.state == "sent"
    hook = sbx.sent_webhooks.get()
    assert hook.payload == {
        "phone": PHONE,
        "zaapId": sent.zaapId,
        "messageId": sent.messageId,
        "type": "DeliveryCallback",
        "instanceId": sbx.zapi_id,
    }


def test_nothing_is_sent_while_the_phone_is_offline(sbx, wsgi_http):
    client = client_for(sbx, wsgi_http)
    instance_phone_online(instance=sbx, online=False)
    client.send("send_text", phone=PHONE, message="waits")
    sending.queue_tick(instance_id=sbx.pk)
    assert sbx.messages.get().state == "queued"
    status = client.status()
    assert (status.connected, status.smartphoneConnected) == (True, False)


def test_one_tick_chain_per_instance(sbx):
    sbx.__class__.objects.filter(pk=sbx.pk).update(tick_at=None)
    assert sending.queue_kick(instance=sbx) is True
    assert sending.queue_kick(instance=sbx) is False
