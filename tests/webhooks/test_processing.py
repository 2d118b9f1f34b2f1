"""Processing stored events: the rows each type changes, failures, dead letters, replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from instances.models import ConnectionState, HealthProbe
from messaging.models import Contact, Direction, Message
from messaging.states import MessageState
from tests.webhooks.conftest import spec_example
from tests.webhooks.factories import OutboundMessageFactory
from webhooks import processors
from webhooks.models import ChatPresence, EventState, WebhookEvent
from webhooks.services import (
    webhook_event_process,
    webhook_event_receive,
    webhook_events_purge,
    webhook_events_replay,
)
from zapi.events import WEBHOOK_KINDS, MessageStatusCallback, event_models

pytestmark = pytest.mark.django_db


def receive_and_process(instance, data, received_at=None) -> WebhookEvent:
    event, created = webhook_event_receive(
        instance_id=instance.pk, data=data, received_at=received_at
    )
    assert created
    webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    return event


def status(ids, value, momment=1_700_000_000_000):
    return {"type": "MessageStatusCallback", "status": value, "ids": ids, "momment": momment}


def test_delivery_with_an_error_fails_the_message_and_shows_the_error(instance):
    message = OutboundMessageFactory(instance=instance)
    data = {"type": "DeliveryCallback", "zaapId": message.zaap_id, "error": "Number not on WA"}
    event = receive_and_process(instance, data)
    message.refresh_from_db()
    assert (message.state, message.error) == (MessageState.FAILED, "Number not on WA")
    assert message.failed_at is not None
    assert "Failed" in event.outcome


def test_delivery_for_an_unknown_message_is_processed_with_a_note(instance):
    event = receive_and_process(instance, {"type": "DeliveryCallback", "zaapId": "nope"})
    assert (event.state, event.outcome) == (
        EventState.PROCESSED,
        "no outbound message with that id",
    )


def test_delivery_of_another_instance_changes_nothing(instance, partner):
    from tests.factories import InstanceFactory

    message = OutboundMessageFactory(instance=InstanceFactory(partner=partner))
    receive_and_process(instance, {"type": "DeliveryCallback", "zaapId": message.zaap_id})
    message.refresh_from_db()
    assert message.state == MessageState.ACCEPTED


def test_status_moves_every_id_forward_with_the_momment_time(instance):
    first, second = OutboundMessageFactory.create_batch(2, instance=instance)
    receive_and_process(instance, status([first.message_id, second.zaap_id], "RECEIVED"))
    for message in (first, second):
        message.refresh_from_db()
        assert message.state == MessageState.RECEIVED
        assert message.received_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_late_status_never_moves_a_message_back(instance):
    message = OutboundMessageFactory(instance=instance)
    receive_and_process(instance, status([message.message_id], "READ"))
    event = receive_and_process(instance, status([message.message_id], "SENT"))
    message.refresh_from_db()
    assert message.state == MessageState.READ
    assert event.state == EventState.PROCESSED
    assert event.outcome.startswith("0 of 1")


def test_read_by_me_marks_the_inbound_message_read_once(instance):
    inbound = OutboundMessageFactory(
        instance=instance, direction=Direction.INBOUND, state=MessageState.RECEIVED
    )
    outbound = OutboundMessageFactory(instance=instance)
    receive_and_process(instance, status([inbound.message_id, outbound.message_id], "READ_BY_ME"))
    inbound.refresh_from_db()
    outbound.refresh_from_db()
    assert inbound.read_at is not None and inbound.state == MessageState.RECEIVED
    assert outbound.read_at is None and outbound.state == MessageState.ACCEPTED
    first_read = inbound.read_at
    receive_and_process(
        instance, status([inbound.message_id], "READ_BY_ME", momment=1_800_000_000_000)
    )
    inbound.refresh_from_db()
    assert inbound.read_at == first_read


def test_unknown_status_is_noted_not_an_error(instance):
    event = receive_and_process(instance, status(["x"], "DELETED"))
    assert (event.state, event.outcome) == (EventState.PROCESSED, "unknown status 'DELETED'")


def test_older_connection_event_does_not_overwrite_a_newer_one(instance):
    receive_and_process(
        instance, {"type": "DisconnectedCallback", "momment": 1_700_000_100, "error": "gone"}
    )
    event = receive_and_process(
        instance, {"type": "ConnectedCallback", "connected": True, "momment": 1_700_000_000}
    )
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.DISCONNECTED
    assert event.outcome == "connected (older news)"
    # Both observations are in the health history.
    assert HealthProbe.objects.filter(instance=instance).count() == 2


def test_future_momment_is_not_believed(instance):
    # The spec's ConnectedCallback example ("Webhooks > When connecting") carries a momment in the
    # 28th century.
    receive_and_process(instance, spec_example("l13387_connected"))
    instance.refresh_from_db()
    assert instance.connection_changed_at <= timezone.now()


def test_presence_keeps_only_the_latest_per_chat(instance):
    now = timezone.now()
    for offset, value in ((0, "AVAILABLE"), (2, "COMPOSING"), (1, "PAUSED")):
        data = {"type": "PresenceChatCallback", "phone": "5544999999999", "status": value}
        receive_and_process(instance, data, received_at=now + timedelta(seconds=offset))
    presence = ChatPresence.objects.get()
    assert presence.status == "COMPOSING"


def test_same_presence_later_is_a_new_event(instance):
    data = {"type": "PresenceChatCallback", "phone": "5544999999999", "status": "COMPOSING"}
    now = timezone.now()
    assert webhook_event_receive(instance_id=instance.pk, data=data, received_at=now)[1]
    assert not webhook_event_receive(instance_id=instance.pk, data=data, received_at=now)[1]
    later = now + timedelta(seconds=5)
    assert webhook_event_receive(instance_id=instance.pk, data=data, received_at=later)[1]


def test_unknown_type_is_stored_and_shown_not_an_error(instance):
    event = receive_and_process(instance, {"type": "LabelCallback", "label": "1"})
    assert (event.state, event.error, event.outcome) == (EventState.IGNORED, "", "no processor")
    assert event.processed_at is not None


def test_any_processed_event_bumps_the_instance_last_event(instance):
    later = timezone.now() + timedelta(minutes=5)
    receive_and_process(instance, {"type": "LabelCallback"}, received_at=later)
    receive_and_process(instance, status(["x"], "READ"))  # older: never moves it back
    instance.refresh_from_db()
    assert instance.last_event_at == later


def test_known_type_with_the_wrong_shape_is_a_dead_letter_at_once(instance):
    event = receive_and_process(instance, {"type": "MessageStatusCallback", "ids": "not-a-list"})
    assert (event.state, event.attempts) == (EventState.DEAD, 1)
    assert "ids" in event.error


def test_failing_processor_retries_then_dead_letters_after_three(instance, monkeypatch):
    def boom(event, parsed):
        raise RuntimeError("contact service exploded")

    monkeypatch.setitem(processors.PROCESSORS, MessageStatusCallback, boom)
    event, _ = webhook_event_receive(instance_id=instance.pk, data=status(["x"], "READ"))
    states = [webhook_event_process(event_id=event.pk) for _ in range(4)]
    assert states == [EventState.FAILED, EventState.FAILED, EventState.DEAD, None]
    event.refresh_from_db()
    assert event.attempts == 3
    assert event.error == "RuntimeError: contact service exploded"


def test_failed_processor_rolls_back_its_own_writes(instance, monkeypatch):
    message = OutboundMessageFactory(instance=instance)

    def half_done(event, parsed):
        processors.process_status(event, parsed)
        raise RuntimeError("after the update")

    monkeypatch.setitem(processors.PROCESSORS, MessageStatusCallback, half_done)
    receive_and_process(instance, status([message.message_id], "READ"))
    message.refresh_from_db()
    assert message.state == MessageState.ACCEPTED


def test_replay_processes_a_dead_letter_again(
    instance, monkeypatch, django_capture_on_commit_callbacks
):
    message = OutboundMessageFactory(instance=instance)
    monkeypatch.setitem(processors.PROCESSORS, MessageStatusCallback, lambda e, p: 1 / 0)
    event, _ = webhook_event_receive(
        instance_id=instance.pk, data=status([message.message_id], "READ")
    )
    for _ in range(3):
        webhook_event_process(event_id=event.pk)
    monkeypatch.undo()  # the bug is fixed
    with django_capture_on_commit_callbacks() as callbacks:
        assert webhook_events_replay(event_ids=[event.pk]) == 1
    assert len(callbacks) == 1  # processing is sent after commit
    event.refresh_from_db()
    assert (event.state, event.attempts, event.error, event.replays) == (
        EventState.PENDING,
        0,
        "",
        1,
    )
    assert webhook_event_process(event_id=event.pk) == EventState.PROCESSED
    message.refresh_from_db()
    assert message.state == MessageState.READ


def test_replaying_a_received_message_adds_no_row(instance):
    event = receive_and_process(instance, spec_example("l11276_received_text"))
    webhook_events_replay(event_ids=[event.pk])
    assert webhook_event_process(event_id=event.pk) == EventState.PROCESSED
    assert Message.objects.count() == 1
    assert Contact.objects.count() == 1


def test_purge_removes_old_processed_events_and_keeps_unprocessed_ones(instance, settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    done = receive_and_process(instance, status(["a"], "READ"), received_at=old)
    pending, _ = webhook_event_receive(
        instance_id=instance.pk, data=status(["b"], "READ"), received_at=old
    )
    recent = receive_and_process(instance, status(["c"], "READ"))
    assert webhook_events_purge() == 1
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}
    assert not WebhookEvent.objects.filter(pk=done.pk).exists()


def test_every_event_model_of_the_webhook_kinds_has_a_processor():
    assert set(processors.PROCESSORS) == set(event_models())
    assert {model for kind in WEBHOOK_KINDS for model in kind.events} <= set(processors.PROCESSORS)


def test_connected_callback_records_the_paired_phone(instance):
    assert instance.phone == ""
    receive_and_process(
        instance,
        {"type": "ConnectedCallback", "connected": True, "phone": "5544999999999", "momment": 1},
    )
    instance.refresh_from_db()
    assert (instance.connection_state, instance.phone) == (
        ConnectionState.CONNECTED,
        "5544999999999",
    )
