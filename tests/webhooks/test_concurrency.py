"""The same event posted 5 times at once gives one event and one state change; five
runners on one event process it once (real HTTP, real PostgreSQL, threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.db import connection

from instances.models import HealthProbe
from messaging.states import MessageState
from tests.factories import InstanceFactory
from tests.webhooks.conftest import webhook_path
from tests.webhooks.factories import OutboundMessageFactory
from webhooks.models import EventState, WebhookEvent
from webhooks.services import webhook_event_process, webhook_events_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run ``work`` in ``count`` threads released together; their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_same_event_posted_five_times_in_parallel_is_stored_once(live_url, broker_down):
    instance = InstanceFactory()
    message = OutboundMessageFactory(instance=instance)
    url = live_url + webhook_path(instance)
    data = {"type": "MessageStatusCallback", "status": "READ", "ids": [message.message_id],
            "momment": 1_700_000_000_000}  # fmt: skip

    def post() -> int:
        return httpx.post(url, json=data, timeout=30).status_code

    assert at_once(5, post) == [200] * 5
    event = WebhookEvent.objects.get()
    # The broker is down: five sweepers race for the one event.
    swept = at_once(5, lambda: webhook_events_sweep(older_than=timedelta(0)))
    assert sorted(swept) == [0, 0, 0, 0, 1]
    event.refresh_from_db()
    message.refresh_from_db()
    assert event.state == EventState.PROCESSED
    assert event.outcome == "1 of 1 message(s) → Read"
    assert message.state == MessageState.READ


def test_five_runners_on_one_connection_event_record_one_health_change(live_url, broker_down):
    # A ConnectedCallback adds a health record each time it is processed: the count is the
    # number of times it was processed.
    instance = InstanceFactory()
    url = live_url + webhook_path(instance)
    data = {"type": "ConnectedCallback", "connected": True, "momment": 1_700_000_000_000}
    assert at_once(5, lambda: httpx.post(url, json=data, timeout=30).status_code) == [200] * 5
    event = WebhookEvent.objects.get()
    results = at_once(5, lambda: webhook_event_process(event_id=event.pk))
    assert sorted(results, key=str) == [None, None, None, None, EventState.PROCESSED]
    assert HealthProbe.objects.filter(instance=instance).count() == 1
