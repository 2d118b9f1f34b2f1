"""The dispatcher against Z-API mocked at the transport: what it sends and how each error
class moves the message (messaging.dispatcher)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from instances.models import ConnectionState
from messaging.dispatcher import DispatchResult, instance_dispatch
from messaging.models import HoldReason, InstancePacer, Message
from messaging.services import message_enqueue
from messaging.states import MessageState

pytestmark = pytest.mark.django_db


def enqueue(instance, chat="5511999990001", text="hello", **kw) -> Message:
    return message_enqueue(
        instance=instance, chat_id=chat, kind="text", fields={"message": text}, **kw
    )


def test_accepted_send_stores_both_ids_and_posts_the_exact_body(connected, fake_zapi):
    message = enqueue(connected, chat="+55 (11) 99999-0001", delay_typing=3)
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.SENT
    message.refresh_from_db()
    assert message.state == MessageState.ACCEPTED
    assert (message.zaap_id, message.message_id) == ("Z1", "M1")
    assert message.sending_at is not None and message.accepted_at is not None
    assert fake_zapi.paths() == ["send-text"]
    assert fake_zapi.bodies() == [{"phone": "5511999990001", "message": "hello", "delayTyping": 3}]


def test_document_extension_goes_in_the_path(connected, fake_zapi):
    message_enqueue(
        instance=connected,
        chat_id="5511999990001",
        kind="document",
        fields={"url": "https://files.example/report.PDF"},
    )
    instance_dispatch(instance_id=connected.pk)
    assert fake_zapi.paths() == ["send-document/pdf"]
    assert fake_zapi.bodies()[0]["fileName"] == "report.PDF"


def test_messages_go_oldest_first_one_per_dispatch(connected, fake_zapi):
    first, second = enqueue(connected, text="one"), enqueue(connected, text="two")
    instance_dispatch(instance_id=connected.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (MessageState.ACCEPTED, MessageState.QUEUED)
    assert [b["message"] for b in fake_zapi.bodies()] == ["one"]


def test_never_sent_error_requeues_for_later(connected, fake_zapi):
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    fake_zapi.handler = refuse
    message = enqueue(connected)
    instance_dispatch(instance_id=connected.pk)
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.attempts == 1
    assert message.not_before > timezone.now()
    assert message.hold_reason == HoldReason.RETRY


def test_read_timeout_makes_the_message_uncertain_and_never_resends_it(connected, fake_zapi):
    def hang(request):
        raise httpx.ReadTimeout("timed out", request=request)

    fake_zapi.handler = hang
    message = enqueue(connected)
    instance_dispatch(instance_id=connected.pk)
    instance_dispatch(instance_id=connected.pk)
    message.refresh_from_db()
    assert message.state == MessageState.UNCERTAIN
    assert len(fake_zapi.requests) == 1


def test_rate_limited_requeues_and_holds_the_whole_number(connected, fake_zapi):
    fake_zapi.handler = lambda r: httpx.Response(
        429, json={"error": "slow down"}, headers={"Retry-After": "40"}
    )
    message = enqueue(connected)
    instance_dispatch(instance_id=connected.pk)
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.not_before > timezone.now() + timedelta(seconds=35)
    pacer = InstancePacer.objects.get(instance=connected)
    assert pacer.next_slot_at > timezone.now() + timedelta(seconds=35)


def test_server_errors_are_retried_a_bounded_number_of_times(connected, fake_zapi, settings):
    settings.MESSAGING_MAX_SERVER_ERRORS = 3
    fake_zapi.handler = lambda r: httpx.Response(502, json={"error": "bad gateway"})
    message = enqueue(connected)
    for attempt in range(1, 4):
        Message.objects.filter(pk=message.pk).update(not_before=None)
        instance_dispatch(instance_id=connected.pk)
        message.refresh_from_db()
        expected = MessageState.QUEUED if attempt < 3 else MessageState.FAILED
        assert (message.attempts, message.state) == (attempt, expected)
    assert "bad gateway" in message.error
    assert len(fake_zapi.requests) == 3


def test_validation_error_fails_with_zapis_answer(connected, fake_zapi):
    fake_zapi.handler = lambda r: httpx.Response(400, json={"error": "phone is invalid"})
    message = enqueue(connected)
    instance_dispatch(instance_id=connected.pk)
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert "phone is invalid" in message.error
    assert "TOKEN" not in message.error  # the instance token sits in the URL: redacted


def test_not_connected_answer_requeues_without_failing(connected, fake_zapi):
    fake_zapi.handler = lambda r: httpx.Response(400, json={"error": "You are not connected."})
    message = enqueue(connected)
    instance_dispatch(instance_id=connected.pk)
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.hold_reason == HoldReason.NOT_CONNECTED


@pytest.mark.parametrize(
    "change",
    [
        {"connection_state": ConnectionState.DISCONNECTED},
        {"connection_state": ConnectionState.NEVER_PAIRED},
        {"smartphone_connected": False},
    ],
)
def test_disconnected_or_offline_number_sends_nothing(connected, fake_zapi, change):
    type(connected).objects.filter(pk=connected.pk).update(**change)
    message = enqueue(connected)
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.PAUSED
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert fake_zapi.requests == []


def test_paused_pacer_sends_nothing(connected, fake_zapi):
    InstancePacer.objects.filter(instance=connected).update(paused=True)
    enqueue(connected)
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.PAUSED
    assert fake_zapi.requests == []


def test_second_dispatch_within_the_gap_is_paced(connected, fake_zapi):
    InstancePacer.objects.filter(instance=connected).update(min_gap_seconds=30, max_gap_seconds=30)
    enqueue(connected, text="one")
    enqueue(connected, text="two")
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.SENT
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.PACED
    assert len(fake_zapi.requests) == 1
    pacer = InstancePacer.objects.get(instance=connected)
    assert pacer.next_slot_at >= timezone.now() + timedelta(seconds=29)


def test_cancelled_message_is_not_sent(connected, fake_zapi):
    from messaging.services import message_cancel

    message = enqueue(connected)
    assert message_cancel(message=message)
    assert instance_dispatch(instance_id=connected.pk) == DispatchResult.IDLE
    assert fake_zapi.requests == []


def test_a_round_decrypts_credentials_only_when_their_ciphertext_changed(connected, monkeypatch):
    from core import crypto
    from messaging import dispatcher

    dispatcher._client_cache.clear()
    first = dispatcher._clients([connected.pk])[connected.pk]
    decrypted: list[str] = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda value: decrypted.append(value) or real(value))
    assert dispatcher._clients([connected.pk])[connected.pk] is first
    assert decrypted == []
    connected.token = "a-rotated-token-0001"
    connected.save(update_fields=["token"])
    second = dispatcher._clients([connected.pk])[connected.pk]
    assert second is not first
    assert second._token == "a-rotated-token-0001"
    assert len(decrypted) == 1  # the new token, once (this instance has no client token)
