"""Dispatch rounds: one Celery task sends for many numbers, not one task per message.

A round holds one of ``MESSAGING_DISPATCH_LANES`` lanes (``DispatchLane`` rows leased on the
database's clock) for ``MESSAGING_DISPATCH_ROUND_SECONDS``. Meanwhile it loops: claim the
slots of up to ``MESSAGING_DISPATCH_BATCH`` due numbers in one statement
(``messaging.pacer.slots_claim``), claim and commit their messages as ``sending`` in one more
(``messaging.dispatcher.sends_claim``), run the HTTP calls on a thread pool, and as answers
come back record them and free the slots with their gaps, the accepted ones of each wait in
one statement (``messaging.dispatcher.sends_finish``). It looks for due numbers when one it
sent for is due again, or on a short poll (for numbers another round or a kick left), not
after every answer, and ends at its deadline, or earlier when nothing is due before it.

The pace stays where it was: every slot is claimed by a conditional UPDATE on the database's
clock, so any number of rounds on any number of workers and hosts never send two messages of
one number closer than its gap. A round killed with ``kill -9`` leaves ``sending`` rows (the
sweeper makes them uncertain and reconciles them), slots whose lease runs out, and a lane
whose lease runs out.

Who starts rounds: ``dispatch_kick`` (an enqueue, a retry, a pace change) when a lane is
free; a round that ends with work due, its successor; a round that filled its batch, a
helper in another lane; the beat sweeper, for whatever all of that missed.
"""

from __future__ import annotations

import heapq
import logging
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from messaging.dispatcher import Send, send_call, sends_claim, sends_finish, slots_free
from messaging.kick import dispatch_kick, round_start
from messaging.lanes import lane_claim, lane_release
from messaging.models import Direction, Message
from messaging.pacer import ready_pacers, slots_claim
from messaging.states import MessageState
from zapi.clients.instance import InstanceClient

logger = logging.getLogger(__name__)

# Wakes further away than this are left to the beat sweeper: long ETAs sit in worker memory
# and, on Redis, come back after the visibility timeout.
WAKE_HORIZON = timedelta(seconds=60)
# How often a busy round looks for due numbers it did not send for itself.
POLL_SECONDS = 0.25
# Answers that come back within this much of the first are recorded together, in one
# statement (``sends_finish``; 1.9 answers a statement before). The slots they free start
# their gaps that much later, a few ms out of seconds.
FINISH_GATHER_SECONDS = 0.005


def next_wake() -> tuple[int, datetime] | None:
    """The ready number whose next message may go first, and when: the later of its slot
    and its oldest message's ``not_before``."""
    queued = Message.objects.filter(
        instance_id=OuterRef("instance_id"),
        direction=Direction.OUTBOUND,
        state=MessageState.QUEUED,
    )
    first_due = queued.order_by(F("not_before").asc(nulls_first=True)).values("not_before")[:1]
    row = (
        ready_pacers()
        .filter(Exists(queued))
        .annotate(due=Greatest("next_slot_at", Coalesce(Subquery(first_due), "next_slot_at")))
        .order_by("due")
        .values_list("instance_id", "due")
        .first()
    )
    return (row[0], row[1]) if row else None


def dispatch_round_schedule() -> bool:
    """After a round (or a one-number dispatch): start the next one now if something is due,
    else wake one at the next due time (deduplicated per number, ``dispatch_kick``)."""
    wake = next_wake()
    if wake is None:
        return False
    instance_id, at = wake
    now = timezone.now()
    if at <= now:
        # Not deduplicated: a round sends at most one successor, so rounds never outnumber
        # the lanes by more than the tasks on their way.
        round_start()
        return True
    if at - now > WAKE_HORIZON:
        return False
    return dispatch_kick(instance_id=instance_id, at=at)


_pool: ThreadPoolExecutor | None = None
_pool_key: tuple[int, int] | None = None


def _executor(size: int) -> ThreadPoolExecutor:
    """This process's pool of send threads (a new one after a fork or a new batch size)."""
    global _pool, _pool_key
    key = (os.getpid(), size)
    if _pool is None or _pool_key != key:
        _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="dispatch")
        _pool_key = key
    return _pool


def dispatch_round() -> int:
    """Run one round if a lane is free; returns how many messages it sent for (-1: no lane)."""
    lane = lane_claim()
    if lane is None:
        return -1
    try:
        sent = _round_run(deadline=time.monotonic() + settings.MESSAGING_DISPATCH_ROUND_SECONDS)
    finally:
        # Lane first, then the look for due work: a kick that found every lane busy committed
        # its message before looking, so one of the two sees the other.
        lane_release(lane)
    dispatch_round_schedule()
    return sent


def _round_run(*, deadline: float) -> int:
    batch = max(1, settings.MESSAGING_DISPATCH_BATCH)
    pool = _executor(batch)
    inflight: dict[Future[object], Send] = {}
    clients: dict[int, InstanceClient] = {}
    due_again: list[float] = []  # when numbers this round sent for may send again (monotonic)
    sent = 0
    helped = False

    def finish(done: set[Future[object]]) -> None:
        finished = []
        for future in done:
            send = inflight.pop(future)
            try:
                outcome = future.result()
            except Exception:
                logger.exception("send of message %s crashed", send.message.pk)
                outcome = None
            finished.append((send, outcome))
        for gap in sends_finish(finished):  # type: ignore[arg-type]
            heapq.heappush(due_again, time.monotonic() + gap.total_seconds())

    last_look = float("-inf")  # when this round last looked for due numbers (monotonic)
    try:
        while True:
            now = time.monotonic()
            room = batch - len(inflight)
            own_due = bool(due_again) and due_again[0] <= now
            # Look when a number this round sent for is due again, else every POLL_SECONDS
            # (not after each answer: the numbers just answered are not due for a gap).
            if now < deadline and room > 0 and (own_due or now - last_look >= POLL_SECONDS):
                last_look = now
                claims = slots_claim(limit=room)
                if claims:
                    sends, empty = sends_claim(claims, clients)
                    slots_free(empty)
                    for send in sends:
                        inflight[pool.submit(send_call, send)] = send
                    sent += len(sends)
                    if len(claims) == room and not helped:
                        # A full batch: more may be due than one round sends for. Once per
                        # round, ask for a helper in another lane.
                        helped = True
                        round_start()
                    if empty and not sends:
                        last_look = float("-inf")
                        continue  # held over the cap or cancelled: look again at once
            while due_again and due_again[0] <= now:
                heapq.heappop(due_again)
            next_look = max(last_look + POLL_SECONDS - now, 0.0)
            if not inflight:
                next_own = due_again[0] if due_again else None
                if now >= deadline or next_own is None or next_own >= deadline:
                    return sent
                time.sleep(min(max(next_own - now, 0.0), next_look))
                continue
            timeout: float | None = None  # past the deadline: only finishing what is in flight
            if now < deadline:
                own = due_again[0] - now if due_again else POLL_SECONDS
                timeout = min(next_look, max(own, 0.0))
            done, pending = wait(inflight, timeout=timeout, return_when=FIRST_COMPLETED)
            if done and pending:
                more, _pending = wait(pending, timeout=FINISH_GATHER_SECONDS)
                done |= more
            finish(done)
    finally:
        # Whatever happened above, every send in flight gets its answer recorded (or stays
        # ``sending`` for the sweeper, if recording fails too).
        if inflight:
            done, _pending = wait(inflight)
            finish(done)
