"""How fast do workers turn stored webhook events into messages and states?

    .venv/bin/python bench/webhook_processing_bench.py [--events 20000] [--workers 2]
                                                       [--instances 20] [--keep]

Stores ``--events`` webhooks through the receiver's own service (``webhook_event_receive``:
the row, and whatever it does to get the event processed), with no worker running: 70%
``MessageStatusCallback`` (SENT/RECEIVED/READ/PLAYED of our outbound messages), 20%
``ReceivedCallback`` (new inbound texts) and 10% ``DeliveryCallback``. Then starts W real
``celery worker`` processes (solo pool) on PostgreSQL and Redis and times until every event
is processed. Prints events/s, the workers' CPU per event, and checks that every event was
processed exactly once (state, no failed attempts, one inbound row per received event, every
received event "recorded" — a second processing would say "already known" — and every
delivery moved its message).

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_processing (created and
dropped), REDIS_URL to redis://127.0.0.1:6379/11 (purged).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    cpu_seconds,
    free_port,
    recreate_database,
    setup_env,
    start_workers,
)

STATUSES = ("SENT", "RECEIVED", "READ", "PLAYED")


def payloads(count: int, outbound: list[tuple[int, str, str]]) -> list[tuple[int, dict]]:
    """(instance id, payload) in a shuffled but reproducible order."""
    import random

    rnd = random.Random(17)
    n_status, n_received = count * 70 // 100, count * 20 // 100
    n_delivery = count - n_status - n_received
    events: list[tuple[int, dict]] = []
    # Statuses: each message hears its four statuses (distinct facts, so no dedupe).
    for k in range(n_status):
        instance_id, zaap_id, message_id = outbound[(k // 4) % len(outbound)]
        status = STATUSES[k % 4]
        events.append(
            (
                instance_id,
                {
                    "type": "MessageStatusCallback", "status": status, "ids": [message_id],
                    "momment": 1_700_000_000_000 + k, "phone": "5544999999999",
                },
            )
        )  # fmt: skip
    for k in range(n_delivery):
        instance_id, zaap_id, message_id = outbound[k % len(outbound)]
        events.append(
            (
                instance_id,
                {
                    "type": "DeliveryCallback", "zaapId": zaap_id, "messageId": message_id,
                    "phone": "5544999999999", "momment": 1_700_000_000_000 + k,
                },
            )
        )  # fmt: skip
    instance_ids = sorted({o[0] for o in outbound})
    for k in range(n_received):
        events.append(
            (
                instance_ids[k % len(instance_ids)],
                {
                    "type": "ReceivedCallback", "messageId": f"IN{k:012d}",
                    "phone": f"55449{k % 5000:08d}", "fromMe": False,
                    "momment": 1_700_000_000_000 + k, "senderName": f"Person {k}",
                    "text": {"message": f"hello {k}"},
                },
            )
        )  # fmt: skip
    rnd.shuffle(events)
    return events


def populate(count: int, instances: int) -> tuple[int, int, int]:
    from messaging.models import Direction, Message
    from messaging.states import MessageState
    from tests.factories import InstanceFactory
    from webhooks.services import webhook_event_receive

    numbers = [InstanceFactory(name=f"bench-{n}") for n in range(instances)]
    n_messages = max(count * 70 // 100 // 4, count * 10 // 100)
    rows = Message.objects.bulk_create(
        (
            Message(
                instance=numbers[k % instances],
                direction=Direction.OUTBOUND,
                chat_id="5544999999999",
                text=f"bench {k}",
                state=MessageState.ACCEPTED,
                zaap_id=f"ZAAP{k:016d}",
                message_id=f"MSG{k:016d}",
            )
            for k in range(n_messages)
        ),
        batch_size=5000,
    )
    outbound = [(m.instance_id, m.zaap_id, m.message_id) for m in rows]
    events = payloads(count, outbound)
    started = time.monotonic()
    for n, (instance_id, data) in enumerate(events, 1):
        webhook_event_receive(instance_id=instance_id, data=data)
        if n % 5000 == 0:
            print(f"  {n} events stored ({n / (time.monotonic() - started):.0f}/s)", flush=True)
    kinds = [d["type"] for _i, d in events]
    return kinds.count("MessageStatusCallback"), kinds.count("ReceivedCallback"), len(events)


def check(received: int) -> list[str]:
    """What would show an event lost or processed twice."""
    from messaging.models import Direction, Message
    from webhooks.models import EventState, WebhookEvent

    problems = []
    events = WebhookEvent.objects.all()
    if bad := events.exclude(state=EventState.PROCESSED).count():
        problems.append(f"{bad} events not processed")
    if bad := events.exclude(attempts=0).count():
        problems.append(f"{bad} events with failed attempts")
    inbound = Message.objects.filter(direction=Direction.INBOUND).count()
    if inbound != received:
        problems.append(f"{inbound} inbound messages for {received} received events")
    recorded = events.filter(event_type="ReceivedCallback", outcome__endswith=" recorded")
    if recorded.count() != received:
        problems.append(f"{recorded.count()} of {received} received events say 'recorded'")
    delivery = events.filter(event_type="DeliveryCallback")
    if bad := delivery.exclude(outcome__contains=" of 1 message").count():
        problems.append(f"{bad} delivery events did not find their message")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    setup_env(free_port(), database="zapi_bench_processing", redis_db=11)
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min

    from config.celery import app
    from webhooks.models import CLAIMABLE, WebhookEvent

    call_command("migrate", verbosity=0)
    app.control.purge()
    with connection.cursor() as cursor:
        # Storing is not what this measures: no disk flush per stored event.
        cursor.execute("SET synchronous_commit TO OFF")
    print(f"storing {args.events} events over {args.instances} numbers (no worker running)...")
    statuses, received, total = populate(args.events, args.instances)
    print(f"stored: {statuses} status, {received} received, {total - statuses - received} "
          f"delivery")  # fmt: skip
    # Storing woke a drain; it must not start before the workers' CPU is read: a solo
    # worker inside a drain answers no ping, so start_workers would return half-way
    # through the work (the CPU per event read 0.00-3.3 ms in one afternoon). The queue is
    # emptied and the wake mark cleared here, and the product's own wake starts the work.
    app.control.purge()
    from webhooks.services import _wake_clear, webhook_drain_wake

    _wake_clear()
    (ROOT / "var").mkdir(exist_ok=True)
    workers = []
    try:
        workers = start_workers(args.workers)
        from django.utils import timezone

        started = timezone.now()
        pids = [p.pid for p in workers]
        cpu_before = cpu_seconds(pids)
        if not webhook_drain_wake():
            raise SystemExit("the drain was not woken (is the broker reachable?)")
        deadline = time.monotonic() + args.timeout
        pending = WebhookEvent.objects.filter(state__in=CLAIMABLE)
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.25)
        cpu = cpu_seconds(pids) - cpu_before
        done = WebhookEvent.objects.exclude(state__in=CLAIMABLE)
        # From the first event a worker took to the last one processed: the workers' own
        # start-up is not counted.
        span = done.aggregate(first=Min("last_attempt_at"), last=Max("processed_at"))
        started, last = span["first"] or started, span["last"] or timezone.now()
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        for proc in workers:
            proc.wait(timeout=30)
        elapsed = (last - started).total_seconds()
        count = done.count()
        print(f"\nworkers: {args.workers} (solo pool)  events: {total}")
        print(f"processed: {count} in {elapsed:.1f} s = {count / elapsed:.0f} events/s")
        print(f"worker CPU: {cpu:.1f} s = {cpu / max(count, 1) * 1000:.2f} ms per event")
        problems = check(received)
        print("exactly once: " + ("OK" if not problems else "FAILED: " + "; ".join(problems)))
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
        app.control.purge()
        connection.close()
        if not args.keep:
            recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
