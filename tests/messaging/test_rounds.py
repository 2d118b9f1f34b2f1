"""Dispatch rounds (messaging.rounds): many numbers per task, claimed in one statement, sent
at once from one worker, the pace and the cap unchanged."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from instances.models import ConnectionState
from messaging import rounds
from messaging.dispatcher import send_call, sends_claim, sends_finish
from messaging.lanes import lane_claim, lane_release, lanes_free
from messaging.models import InstancePacer, Message, NewRecipient
from messaging.pacer import pacer_get, slots_claim
from messaging.services import message_cancel, message_enqueue
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


# -- the batch statements (messaging.dispatcher.sends_claim / sends_finish) ------------------


def claimed(numbers):
    """Claim the slots and the messages of these numbers, as a round does."""
    claims = slots_claim(limit=len(numbers) + 5)
    sends, empty = sends_claim(claims, {})
    return sends, empty


def test_one_statement_claims_the_messages_of_every_claimed_number(partner, fake_zapi):
    numbers = [number(partner, f"n{i}") for i in range(4)]
    firsts = [enqueue(n, text=f"first {n.name}") for n in numbers]
    for n in numbers:
        enqueue(n, text=f"second {n.name}")
    claims = slots_claim(limit=10)
    with CaptureQueriesContext(connection) as ctx:
        sends, empty = sends_claim(claims, {})
    # The instances' clients, the messages, the known chats and, for these new chats, the cap:
    # a count, the pairing dates, one insert. Per batch, not per message.
    claim_sql = [q["sql"] for q in ctx.captured_queries if "CROSS JOIN LATERAL" in q["sql"]]
    assert len(claim_sql) == 1
    assert len(ctx.captured_queries) <= 9
    assert NewRecipient.objects.filter(instance__in=numbers).count() == 4
    assert InstancePacer.objects.filter(instance__in=numbers, paired_at__isnull=True).count() == 0
    assert empty == []
    assert sorted(s.message.pk for s in sends) == sorted(m.pk for m in firsts)
    assert Message.objects.filter(state=MessageState.SENDING).count() == 4
    assert all(s.message.attempts == 1 for s in sends)
    # Known chats now: the next claim asks no cap question per message.
    for s in sends:
        fake_zapi.reply(httpx.Response(200, json={"zaapId": f"Z{s.message.pk}", "messageId": "M"}))
    sends_finish([(s, send_call(s)) for s in sends])
    InstancePacer.objects.update(next_slot_at=timezone.now())
    claims = slots_claim(limit=10)
    with CaptureQueriesContext(connection) as ctx:
        sends, empty = sends_claim(claims, {})
    assert len(sends) == 4 and len(ctx.captured_queries) == 3  # clients, messages, known chats


def test_a_message_cancelled_before_its_claim_is_not_sent_and_frees_the_slot(partner):
    n = number(partner, "cancelled")
    message = enqueue(n)
    claims = slots_claim(limit=5)
    assert message_cancel(message=message)  # after the slot claim, before the message claim
    sends, empty = sends_claim(claims, {})
    assert sends == [] and [c.lease.instance_id for c in empty] == [n.pk]
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED and message.attempts == 0


def test_accepted_answers_are_recorded_and_slots_freed_in_one_statement(partner, fake_zapi):
    numbers = [number(partner, f"n{i}", gap=30) for i in range(3)]
    for n in numbers:
        enqueue(n)
    sends, _empty = claimed(numbers)
    outcomes = [(s, send_call(s)) for s in sends]
    with CaptureQueriesContext(connection) as ctx:
        gaps = sends_finish(outcomes)
    assert len(ctx.captured_queries) == 1
    assert gaps == [timedelta(seconds=30)] * 3
    for s in sends:
        s.message.refresh_from_db()
        assert s.message.state == MessageState.ACCEPTED and s.message.zaap_id.startswith("Z")
        assert s.message.accepted_at is not None and s.message.error == ""
    for pacer in InstancePacer.objects.filter(instance__in=numbers):
        assert pacer.lease_token == "" and pacer.last_sent_at is not None
        assert pacer.next_slot_at >= pacer.last_sent_at + timedelta(seconds=30)


def test_a_message_that_moved_on_meanwhile_keeps_its_state_and_gets_its_ids(partner, fake_zapi):
    # The sweeper made it uncertain, then a webhook said it was sent: the late answer must
    # not move it back to accepted (the state machine: sent never goes to accepted).
    n = number(partner, "late")
    enqueue(n)
    (send,), _ = claimed([n])
    outcome = send_call(send)
    Message.objects.filter(pk=send.message.pk).update(state=MessageState.SENT)
    sends_finish([(send, outcome)])
    send.message.refresh_from_db()
    assert send.message.state == MessageState.SENT
    assert (send.message.zaap_id, send.message.message_id) == ("Z1", "M1")
    assert InstancePacer.objects.get(instance=n).lease_token == ""


def test_a_429_in_a_batch_requeues_its_message_and_holds_its_number(partner, fake_zapi):
    numbers = [number(partner, f"n{i}", gap=0) for i in range(3)]
    for n in numbers:
        enqueue(n)
    sends, _ = claimed(numbers)
    limited = sends[1]
    fake_zapi.reply(
        httpx.Response(200, json={"zaapId": "ZA", "messageId": "MA"}),
        httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "60"}),
        httpx.Response(200, json={"zaapId": "ZC", "messageId": "MC"}),
    )
    sends_finish([(s, send_call(s)) for s in sends])
    states = dict(Message.objects.values_list("pk", "state"))
    assert states[limited.message.pk] == MessageState.QUEUED
    assert [states[s.message.pk] for s in sends if s is not limited] == [MessageState.ACCEPTED] * 2
    held = InstancePacer.objects.get(instance_id=limited.claim.lease.instance_id)
    assert held.lease_token == ""
    assert held.next_slot_at >= timezone.now() + timedelta(seconds=55)
    others = InstancePacer.objects.exclude(pk=held.pk).filter(instance__in=numbers)
    assert all(p.lease_token == "" and p.next_slot_at <= timezone.now() for p in others)


def test_the_cap_holds_one_message_of_a_batch_and_sends_the_others(partner, fake_zapi):
    capped, free = number(partner, "capped"), number(partner, "free")
    InstancePacer.objects.filter(instance=capped).update(daily_new_recipients=0)
    held, other = enqueue(capped), enqueue(free)
    sends, empty = claimed([capped, free])
    assert [s.message.pk for s in sends] == [other.pk]
    assert [c.lease.instance_id for c in empty] == [capped.pk]
    held.refresh_from_db()
    assert (held.state, held.hold_reason, held.attempts) == (MessageState.QUEUED, "daily_cap", 0)
    assert held.not_before is not None and held.not_before > timezone.now()
