"""The pacer with real worker processes against the sandbox over real HTTP.

The gaps are measured where they matter: at the sandbox, from the time it recorded each
send it received (``SandboxMessage.created_at``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from instances.models import ConnectionState, Instance
from messaging.models import HoldReason, Message
from messaging.states import MessageState
from tests.live import wait_for
from tests.messaging.live import (
    DONE,
    count_in,
    enqueue_texts,
    received_at_sandbox,
    sandbox_faults,
    sandbox_number,
    smallest_gap,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_four_workers_never_send_one_number_faster_than_its_minimum_gap(celery_workers, partner):
    numbers = [
        sandbox_number(partner, name=f"Pace {i}", min_gap=0.6, max_gap=0.9) for i in range(3)
    ]
    for n in numbers:
        enqueue_texts(n, [f"{n.name} #{k}" for k in range(8)])
    celery_workers.start(4)
    for n in numbers:
        wait_for(lambda n=n: count_in(n, *DONE) == 8, timeout=60)
    for n in numbers:
        assert len(received_at_sandbox(n)) == 8
        assert smallest_gap(n) >= timedelta(seconds=0.6), n.name
        texts = [m.payload["message"] for m in received_at_sandbox(n)]
        assert texts == [f"{n.name} #{k}" for k in range(8)]  # oldest first, each once


def test_the_daily_cap_stops_new_recipients_at_the_sandbox(celery_workers, partner):
    number = sandbox_number(partner, name="Capped", min_gap=0.1, max_gap=0.2, cap=2)
    for i in range(4):
        enqueue_texts(number, [f"hello {i}"], chat=f"55119888800{i:02d}")
    celery_workers.start(2)
    wait_for(lambda: count_in(number, *DONE) == 2, timeout=30)
    wait_for(
        lambda: (
            Message.objects.filter(instance=number, hold_reason=HoldReason.DAILY_CAP).count() == 2
        ),
        timeout=10,
    )
    assert len(received_at_sandbox(number)) == 2


def test_a_disconnected_number_waits_and_resumes_on_connection(celery_workers, partner):
    number = sandbox_number(partner, name="Flaky", min_gap=0.1, max_gap=0.2)
    Instance.objects.filter(pk=number.pk).update(connection_state=ConnectionState.DISCONNECTED)
    enqueue_texts(number, ["one", "two", "three"])
    # One worker runs beat: the sweeper resumes numbers whose messages are due.
    celery_workers.start(2, extra=["-B", "--schedule", "var/test-beat-messaging"])
    import time

    time.sleep(4)
    assert received_at_sandbox(number) == []
    assert count_in(number, MessageState.QUEUED) == 3
    Instance.objects.filter(pk=number.pk).update(connection_state=ConnectionState.CONNECTED)
    wait_for(lambda: count_in(number, *DONE) == 3, timeout=30)
    assert len(received_at_sandbox(number)) == 3


def test_server_errors_and_rate_limits_at_the_sandbox_are_retried_until_sent(
    celery_workers, partner, monkeypatch
):
    number = sandbox_number(partner, name="Faulty", min_gap=0.1, max_gap=0.1)
    sandbox_faults(number, error_share=0.3, rate_limit_share=0.3)
    enqueue_texts(number, [f"try {k}" for k in range(6)])
    celery_workers.start(2, extra=["-B", "--schedule", "var/test-beat-messaging"])
    wait_for(lambda: count_in(number, *DONE, MessageState.FAILED) == 6, timeout=90)
    texts = Counter(m.payload["message"] for m in received_at_sandbox(number))
    assert set(texts) <= {f"try {k}" for k in range(6)}
    assert all(v == 1 for v in texts.values())
    assert count_in(number, MessageState.FAILED) == 0 or any(
        "sandbox fault" in m.error for m in Message.objects.filter(state=MessageState.FAILED)
    )
