"""Dispatch rounds (messaging.rounds): many numbers per task, claimed in one statement, sent
at once from one worker, the pace and the cap unchanged."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from instances.models import ConnectionState
from messaging import rounds
from messaging.lanes import lane_claim, lane_release, lanes_free
from messaging.models import InstancePacer, Message
from messaging.pacer import pacer_get, slots_claim
from messaging.services import message_enqueue
from messaging.states import MessageState
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def number(partner, name, gap=0.0, **fields):
    fields.setdefault("connection_state", ConnectionState.CONNECTED)
    instance = InstanceFactory(partner=partner, name=name, **fields)
    pacer = pacer_get(instance_id=instance.pk)
    pacer.min_gap_seconds = pacer.max_gap_seconds = gap
    pacer.save()
    return instance


def enqueue(instance, chat="5511999990001", text="hi"):
    return message_enqueue(instance=instance, chat_id=chat, kind="text", fields={"message": text})


@pytest.fixture
def no_successors(monkeypatch):
    started = []
    monkeypatch.setattr(rounds, "round_start", lambda: started.append("round"))
    monkeypatch.setattr(rounds, "dispatch_kick", lambda **kw: started.append(kw) or True)
    return started


def test_one_statement_claims_only_due_ready_numbers(partner):
    due = [number(partner, f"due {i}") for i in range(3)]
    paced = number(partner, "paced")
    offline = number(partner, "offline", smartphone_connected=False)
    down = number(partner, "down", connection_state=ConnectionState.DISCONNECTED)
    idle = number(partner, "idle")  # nothing queued
    later = number(partner, "later")
    for n in [*due, paced, offline, down]:
        enqueue(n)
    enqueue(later)
    Message.objects.filter(instance=later).update(not_before=timezone.now() + timedelta(hours=1))
    InstancePacer.objects.filter(instance=paced).update(
        next_slot_at=timezone.now() + timedelta(minutes=1)
    )
    with CaptureQueriesContext(connection) as ctx:
        claims = slots_claim(limit=10)
    assert len(ctx.captured_queries) == 1
    assert sorted(c.lease.instance_id for c in claims) == sorted(n.pk for n in due)
    assert idle.pk not in [c.lease.instance_id for c in claims]
    # Held now: a second claim finds none of them.
    assert slots_claim(limit=10) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_share_a_number(partner):
    numbers = [number(partner, f"n{i}") for i in range(12)]
    for n in numbers:
        enqueue(n)
    won: list[list[int]] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        try:
            barrier.wait()
            won.append([c.lease.instance_id for c in slots_claim(limit=8)])
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [pk for claimed in won for pk in claimed]
    assert len(flat) == len(set(flat)) == 12


def test_a_round_sends_for_every_due_number_in_one_task(partner, fake_zapi, no_successors):
    numbers = [number(partner, f"n{i}", gap=30) for i in range(5)]
    for n in numbers:
        enqueue(n, text=f"first {n.name}")
        enqueue(n, text=f"second {n.name}")
    assert rounds.dispatch_round() == 5
    # One message per number: the 30 s gap holds the second ones back.
    assert sorted(b["message"] for b in fake_zapi.bodies()) == sorted(
        f"first {n.name}" for n in numbers
    )
    assert Message.objects.filter(state=MessageState.ACCEPTED).count() == 5
    assert Message.objects.filter(state=MessageState.QUEUED).count() == 5
    for pacer in InstancePacer.objects.filter(instance__in=numbers):
        assert pacer.lease_token == ""
        assert pacer.next_slot_at >= timezone.now() + timedelta(seconds=29)
    # The next messages are due in 30 s: the successor is a wake for then, not a round now.
    assert [type(s) for s in no_successors] == [dict]
    assert no_successors[0]["at"] > timezone.now() + timedelta(seconds=29)


def test_a_round_keeps_sending_while_numbers_come_due(partner, fake_zapi, no_successors, settings):
    settings.MESSAGING_DISPATCH_ROUND_SECONDS = 2.0
    n = number(partner, "fast", gap=0.3)
    for k in range(3):
        enqueue(n, text=f"#{k}")
    assert rounds.dispatch_round() == 3
    assert [b["message"] for b in fake_zapi.bodies()] == ["#0", "#1", "#2"]
    sends = Message.objects.filter(instance=n).order_by("sending_at")
    times = list(sends.values_list("sending_at", flat=True))
    assert all(b - a >= timedelta(seconds=0.3) for a, b in itertools.pairwise(times))


def test_the_daily_cap_holds_messages_in_a_round(partner, fake_zapi, no_successors):
    n = number(partner, "capped")
    InstancePacer.objects.filter(instance=n).update(daily_new_recipients=1)
    first, second = enqueue(n, chat="5511999990001"), enqueue(n, chat="5511999990002")
    rounds.dispatch_round()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == MessageState.ACCEPTED
    assert (second.state, second.hold_reason) == (MessageState.QUEUED, "daily_cap")
    assert second.attempts == 0
    assert len(fake_zapi.requests) == 1


def test_a_round_needs_a_lane_and_frees_it(partner, fake_zapi, no_successors, settings):
    settings.MESSAGING_DISPATCH_LANES = 2
    held = [lane_claim(), lane_claim()]
    assert all(held) and lane_claim() is None and lanes_free() == 0
    enqueue(number(partner, "waiting"))
    assert rounds.dispatch_round() == -1  # every lane taken: the running rounds send it
    assert fake_zapi.requests == []
    lane_release(held[0])
    assert lanes_free() == 1
    assert rounds.dispatch_round() == 1
    assert lanes_free() == 1  # the round gave its lane back


def test_a_call_that_crashes_leaves_the_message_sending_for_the_sweeper(
    partner, fake_zapi, no_successors
):
    def boom(request):
        raise RuntimeError("bug in a send thread")

    fake_zapi.handler = boom
    message = enqueue(number(partner, "crash"))
    rounds.dispatch_round()
    message.refresh_from_db()
    assert message.state == MessageState.SENDING  # Z-API may have it: never requeued blindly
    pacer = InstancePacer.objects.get(instance=message.instance)
    assert pacer.lease_token == ""
