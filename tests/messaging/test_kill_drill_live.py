"""The kill -9 drill: workers killed in the middle of sends lose no message and resend none
that Z-API (the sandbox) accepted."""

from __future__ import annotations

from collections import Counter

import pytest

from messaging.models import Message
from messaging.states import MessageState
from tests.live import wait_for
from tests.messaging.live import (
    DONE,
    enqueue_texts,
    received_at_sandbox,
    sandbox_faults,
    sandbox_number,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_killed_workers_lose_nothing_and_duplicate_nothing(celery_workers, partner, monkeypatch):
    # Short lease and reconcile delay so the drill recovers in seconds, not minutes.
    monkeypatch.setenv("MESSAGING_LEASE_SECONDS", "4")
    monkeypatch.setenv("MESSAGING_RECONCILE_AFTER_SECONDS", "2")
    numbers = [
        sandbox_number(partner, name=f"Drill {i}", min_gap=0.1, max_gap=0.2) for i in range(3)
    ]
    solo = ["--pool", "solo"]
    celery_workers.start(4, extra=solo)
    # The fifth only runs beat (the sweeper's schedule): it consumes a queue nothing is sent
    # to, so every send runs on the four solo workers killed below.
    celery_workers.start(
        1, extra=["-B", "--schedule", "var/test-beat-messaging", "-Q", "drill-beat-only"]
    )
    for n in numbers:
        # Every send spends 1.5 s inside the HTTP call: a kill lands mid-send.
        sandbox_faults(n, latency_ms=1500)
        enqueue_texts(n, [f"{n.name} #{k}" for k in range(6)])
    # Three sends in flight. One round may hold all three (it sends for many numbers at
    # once), so every solo worker is killed: whichever holds them dies mid-send. Fresh
    # workers then finish the queue.
    wait_for(lambda: Message.objects.filter(state=MessageState.SENDING).count() == 3, timeout=30)
    for index in range(4):
        celery_workers.kill(index)
    celery_workers.start(2, extra=solo)

    total = 6 * len(numbers)
    wait_for(lambda: Message.objects.filter(state__in=DONE).count() == total, timeout=150)
    for n in numbers:
        texts = Counter(m.payload["message"] for m in received_at_sandbox(n))
        assert texts == Counter({f"{n.name} #{k}": 1 for k in range(6)}), n.name
    # The drill did hit a send in flight: that message went through "uncertain".
    assert Message.objects.filter(uncertain_at__isnull=False).exists()
