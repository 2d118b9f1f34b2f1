"""Stored events processed in batches by a drain that the receiver wakes (no Celery task per
event), each event once (webhooks.services)."""

from __future__ import annotations

import math

import pytest
from django.core.cache import cache

from messaging.states import MessageState
from tests.factories import InstanceFactory
from tests.webhooks.conftest import post_event
from tests.webhooks.factories import OutboundMessageFactory
from webhooks import services
from webhooks.models import EventState, WebhookEvent
from webhooks.services import (
    webhook_event_receive,
    webhook_events_batch_process,
    webhook_events_drain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """The drain tasks the receiver publishes (not run)."""
    sent: list[object] = []
    monkeypatch.setattr(
        services.webhook_events_drain_task, "apply_async", lambda **kw: sent.append(kw)
    )
    cache.delete(services._WAKE_KEY)
    monkeypatch.setattr(services, "_mark_seen_at", -math.inf)
    yield sent
    cache.delete(services._WAKE_KEY)


def status(message, state="READ"):
    return {"type": "MessageStatusCallback", "status": state, "ids": [message.message_id],
            "momment": 1_700_000_000_000}  # fmt: skip


def test_a_burst_of_events_publishes_one_drain(
    webhook_client, instance, published, django_capture_on_commit_callbacks
):
    messages = [OutboundMessageFactory(instance=instance) for _ in range(3)]
    for message in messages:
        for state in ["SENT", "RECEIVED", "READ"]:
            with django_capture_on_commit_callbacks(execute=True):
                response = post_event(webhook_client, instance, status(message, state))
            assert response.status_code == 200
    assert WebhookEvent.objects.count() == 9
    assert len(published) == 1


def test_the_drain_processes_every_pending_event_once_in_batches(instance, published, settings):
    settings.WEBHOOK_DRAIN_BATCH = 4
    messages = [OutboundMessageFactory(instance=instance) for _ in range(10)]
    for m in messages:
        webhook_event_receive(instance_id=instance.pk, data=status(m))
    assert webhook_events_drain() == 10
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {EventState.PROCESSED}
    assert {m.state for m in type(messages[0]).objects.filter(pk__in=[m.pk for m in messages])} == {
        MessageState.READ
    }
    # Nothing left: a second drain does nothing, and processed events are never taken again.
    assert webhook_events_drain() == 0
    assert webhook_events_batch_process() == 0


def _forget_the_wakes_of_storing(published):
    """As in a worker, which received none of the events: no wake seen, none published."""
    published.clear()
    cache.delete(services._WAKE_KEY)
    services._mark_seen_at = -math.inf


def test_a_backlog_wakes_a_helper_so_other_workers_join_in(instance, published, settings):
    # Stored while no drain ran (workers down): no receiver is going to wake anyone.
    settings.WEBHOOK_DRAIN_BATCH = 4
    messages = [OutboundMessageFactory(instance=instance) for _ in range(10)]
    for m in messages:
        webhook_event_receive(instance_id=instance.pk, data=status(m))
    _forget_the_wakes_of_storing(published)
    assert webhook_events_drain() == 10
    # Full batches: one helper, the wake's mark holding back more within the second.
    assert len(published) == 1


def test_a_drain_of_less_than_a_batch_wakes_nobody(instance, published, settings):
    settings.WEBHOOK_DRAIN_BATCH = 4
    for m in [OutboundMessageFactory(instance=instance) for _ in range(3)]:
        webhook_event_receive(instance_id=instance.pk, data=status(m))
    _forget_the_wakes_of_storing(published)
    assert webhook_events_drain() == 3
    assert published == []


def test_an_emptied_drain_clears_the_wake_so_the_next_event_publishes(
    webhook_client, instance, published, django_capture_on_commit_callbacks
):
    message = OutboundMessageFactory(instance=instance)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(webhook_client, instance, status(message, "SENT"))
    assert len(published) == 1
    webhook_events_drain()
    with django_capture_on_commit_callbacks(execute=True):
        post_event(webhook_client, instance, status(message, "READ"))
    assert len(published) == 2


def test_failed_events_are_left_to_the_sweeper(instance, published, monkeypatch):
    from webhooks import processors

    def broken(event, parsed):
        raise RuntimeError("processor bug")

    monkeypatch.setitem(processors.PROCESSORS, type(_parsed_status()), broken)
    message = OutboundMessageFactory(instance=instance)
    webhook_event_receive(instance_id=instance.pk, data=status(message))
    assert webhook_events_drain() == 1
    event = WebhookEvent.objects.get()
    assert (event.state, event.attempts) == (EventState.FAILED, 1)
    # The drain takes pending events only: a failing one is not retried in a tight loop.
    assert webhook_events_drain() == 0


def test_a_process_that_saw_the_wake_set_skips_the_cache_for_a_moment(
    webhook_client, instance, published, django_capture_on_commit_callbacks
):
    message = OutboundMessageFactory(instance=instance)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(webhook_client, instance, status(message, "SENT"))
    assert len(published) == 1
    cache.delete(services._WAKE_KEY)  # as a drain in another process does when it empties
    with django_capture_on_commit_callbacks(execute=True):
        post_event(webhook_client, instance, status(message, "READ"))
    # Not asked: that drain looks once more LOCAL_WAKE_SECONDS after it cleared the mark.
    assert len(published) == 1
    assert cache.get(services._WAKE_KEY) is None


def test_an_event_whose_wake_was_skipped_is_taken_by_the_drains_last_look(
    instance, published, monkeypatch
):
    message = OutboundMessageFactory(instance=instance)
    waits: list[float] = []

    def another_process_commits_meanwhile(seconds: float) -> None:
        # An event committed by a process that had seen the mark just before the drain
        # cleared it: its wake is skipped, so only this drain's last look can take it.
        waits.append(seconds)
        if len(waits) == 1:
            webhook_event_receive(instance_id=instance.pk, data=status(message))

    monkeypatch.setattr(services.time, "sleep", another_process_commits_meanwhile)
    assert webhook_events_drain() == 1
    assert waits[0] == services.LOCAL_WAKE_SECONDS
    assert WebhookEvent.objects.get().state == EventState.PROCESSED


def _parsed_status():
    from zapi.events import parse_event

    return parse_event({"type": "MessageStatusCallback", "status": "READ", "ids": ["x"],
                        "momment": 1_700_000_000_000})  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_drains_running_at_once_process_each_event_once(settings):
    import random

    from tests.webhooks.test_concurrency import at_once

    settings.WEBHOOK_DRAIN_BATCH = 10
    instance = InstanceFactory()
    messages = [OutboundMessageFactory(instance=instance) for _ in range(15)]
    # Four statuses of each message, shuffled: batches of concurrent drains share message
    # rows, which they must lock in one order (no deadlock, no failed attempt).
    events = [(m, state) for m in messages for state in ("SENT", "RECEIVED", "READ", "PLAYED")]
    random.Random(3).shuffle(events)
    for m, state in events:
        webhook_event_receive(instance_id=instance.pk, data=status(m, state))
    counts = at_once(4, lambda: webhook_events_drain())
    assert sum(counts) == 60
    assert WebhookEvent.objects.filter(state=EventState.PROCESSED, attempts=0).count() == 60
    assert {m.state for m in type(messages[0]).objects.filter(instance=instance)} == {
        MessageState.PLAYED
    }
