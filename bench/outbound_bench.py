"""How well does the global pacer hold, and what does the dispatcher cost?

    .venv/bin/python bench/outbound_bench.py [--instances 200] [--workers 4] [--gap 4]
                                             [--duration 60] [--keep] [--profile DIR]

N sandbox numbers, each with a fixed pace (min gap = max gap = ``--gap`` seconds), enough
queued messages to keep them busy, W real ``celery worker`` processes (solo pool: one process
each, so their CPU time is exactly the dispatcher's), the app served by gunicorn (sandbox
included) on PostgreSQL and Redis, for a fixed duration. Prints:

* messages sent (as recorded by the sandbox) against the ideal ``N x (1 + duration/gap)``;
* the smallest gap seen at the sandbox between two sends of one number (never below the
  pace if the pacer holds across processes);
* the workers' CPU time per message sent.

The sandbox numbers have their phone "offline", so the sandbox only records and holds what
it receives: no sandbox tasks or webhooks run in the workers and the CPU figure is ours.
Our own rows say connected, so the dispatcher sends.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_outbound (created and
dropped), REDIS_URL to redis://127.0.0.1:6379/13 (purged).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    cpu_by_pid,
    cpu_seconds,
    cpu_since,
    database_backend_pids,
    free_port,
    recreate_database,
    setup_env,
    start_workers,
    tree_cpu_seconds,
)


def populate(count: int, gap: float, per_instance: int) -> list[int]:
    from django.utils import timezone

    from instances.models import ConnectionState, Instance
    from messaging.models import Direction, InstancePacer, Message
    from messaging.states import MessageState
    from partners.models import Partner
    from sandbox.services import instance_phone_online, sandbox_instance_create

    partner = Partner.objects.create(name="Bench")
    instances = []
    for n in range(count):
        box = sandbox_instance_create(name=f"bench-{n}", connected=True)
        instance_phone_online(instance=box, online=False)  # the sandbox holds, sends nothing
        instances.append(
            Instance.objects.create(
                partner=partner,
                zapi_id=box.zapi_id,
                token=box.token,
                name=f"bench-{n}",
                connection_state=ConnectionState.CONNECTED,
                smartphone_connected=True,
            )
        )
    InstancePacer.objects.bulk_create(
        InstancePacer(
            instance=i, min_gap_seconds=gap, max_gap_seconds=gap, daily_new_recipients=10**6
        )
        for i in instances
    )
    now = timezone.now()
    Message.objects.bulk_create(
        (
            Message(
                instance=i,
                direction=Direction.OUTBOUND,
                chat_id=f"55119{i.pk:08d}",
                payload={"phone": f"55119{i.pk:08d}", "message": f"bench {k}"},
                text=f"bench {k}",
                endpoint="send_text",
                state=MessageState.QUEUED,
                created_at=now + timedelta(microseconds=k),
                queued_at=now,
            )
            for i in instances
            for k in range(per_instance)
        ),
        batch_size=5000,
    )
    return [i.pk for i in instances]


def wait_http(url: str, timeout: float = 120) -> None:
    # Generous: on a loaded box gunicorn's workers take tens of seconds to import the app.
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def report(
    instance_ids: list[int], started, stopped, gap: float, cpu: float, workers: int,
    others: dict[str, float],
):  # fmt: skip
    from django.db.models import Count

    from instances.models import Instance
    from messaging.models import Message
    from messaging.states import MessageState
    from sandbox.models import SandboxMessage

    duration = (stopped - started).total_seconds()
    zapi_ids = dict(Instance.objects.filter(pk__in=instance_ids).values_list("zapi_id", "pk"))
    times: dict[str, list] = {z: [] for z in zapi_ids}
    rows = SandboxMessage.objects.filter(
        created_at__gte=started, created_at__lte=stopped
    ).values_list("instance__zapi_id", "created_at")
    for zapi_id, at in rows:
        times[zapi_id].append(at)
    sent = sum(len(t) for t in times.values())
    ideal = len(instance_ids) * (1 + math.floor(duration / gap))
    smallest = {}
    for zapi_id, stamps in times.items():
        stamps.sort()
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
        if gaps:
            smallest[zapi_id] = min(gaps)
    accepted = Message.objects.filter(
        accepted_at__gte=started, accepted_at__lte=stopped, state=MessageState.ACCEPTED
    ).count()
    # Claimed in the window and not accepted: a send that turned uncertain or failed is a
    # message a number's customer may not get, whatever the ratios say.
    unaccepted = dict(
        Message.objects.filter(sending_at__gte=started, sending_at__lte=stopped)
        .exclude(state=MessageState.ACCEPTED)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    values = sorted(smallest.values())
    print(f"numbers: {len(instance_ids)}  workers: {workers}  pace: {gap:g} s  "
          f"duration: {duration:.1f} s")  # fmt: skip
    print(f"sent (recorded by the sandbox): {sent}   ideal: {ideal}   "
          f"ratio: {sent / ideal:.1%}   accepted on our side: {accepted}")  # fmt: skip
    print(f"throughput: {sent / duration:.1f} msg/s (ideal {ideal / duration:.1f})")
    print("claimed and not accepted: " + (
        ", ".join(f"{n} {state}" for state, n in sorted(unaccepted.items())) or "none"
    ))  # fmt: skip
    # A second reading, not a replacement: the ideal above counts a send at both ends of
    # the window (1 + duration/gap each), which no number can reach once each send takes
    # any time at all (the pace counts from the recorded answer). At the pace's own rate
    # a number sends duration/gap messages in the window.
    rate_ideal = len(instance_ids) * duration / gap
    print(f"at the pace's own rate (duration / gap per number): ideal {rate_ideal:.0f}   "
          f"ratio: {sent / rate_ideal:.1%}")  # fmt: skip
    if values:
        below = sum(v < gap for v in values)
        print(f"smallest gap per number (s): min {values[0]:.3f}  "
              f"median {statistics.median(values):.3f}  max {values[-1]:.3f}  "
              f"numbers below the pace: {below}")  # fmt: skip
        print("the 5 smallest:", ", ".join(f"{v:.3f}" for v in values[:5]))
    if sent:
        print(f"dispatcher CPU: {cpu:.1f} s over {workers} workers = "
              f"{cpu / sent * 1000:.2f} ms per message sent")  # fmt: skip
        # Not the dispatcher's figure, but the same two CPUs: what the run cost elsewhere.
        print("  on the same CPUs: " + ", ".join(
            f"{name} {seconds:.1f} s = {seconds / sent * 1000:.2f} ms/message"
            for name, seconds in others.items()
        ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--gap", type=float, default=4.0, help="the fixed pace, seconds")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile", metavar="DIR", help="run the workers' tasks under cProfile, stats to DIR"
    )
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_PROFILE_DIR"] = str(Path(args.profile).resolve())

    port = free_port()
    sandbox = f"http://127.0.0.1:{port}/sandbox"
    setup_env(
        port,
        database="zapi_bench_outbound",
        redis_db=13,
        ZAPI_BASE_URL=sandbox,
        ZAPI_PARTNER_BASE_URL=sandbox,
        NUMBER_REGISTRATION_BASE_URL=sandbox,
    )
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from config.celery import app
    from messaging.sweep import dispatch_sweep

    call_command("migrate", verbosity=0)
    per_instance = math.ceil(args.duration / args.gap) + 5
    print(f"preparing {args.instances} numbers x {per_instance} queued messages...")
    ids = populate(args.instances, args.gap, per_instance)
    connection.close()
    app.control.purge()
    (ROOT / "var").mkdir(exist_ok=True)
    web = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
            "-k", "gthread", "-w", str(args.web_workers), "--threads", "8",
            "--log-level", "warning",
        ],
        cwd=ROOT,
    )  # fmt: skip
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        app_module = "bench.profiled_worker" if args.profile else "config"
        workers = start_workers(args.workers, app_module=app_module)
        pids = [p.pid for p in workers]
        cpu_before = cpu_seconds(pids)
        web_before = tree_cpu_seconds(web.pid)  # replaced workers (max_requests) included
        db_before = cpu_by_pid(database_backend_pids())
        started = timezone.now()
        # What the beat sweeper does for numbers with due messages: start rounds in the free
        # lanes (the messages were written in bulk, so no enqueue kicked them).
        dispatch_sweep()
        time.sleep(args.duration)
        stopped = timezone.now()
        cpu = cpu_seconds(pids) - cpu_before
        others = {
            "web server (sandbox)": tree_cpu_seconds(web.pid) - web_before,
            "PostgreSQL": cpu_since(db_before, database_backend_pids()),
        }
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        for proc in workers:
            proc.wait(timeout=30)
        report(ids, started, stopped, args.gap, cpu, args.workers, others)
    finally:
        for proc in [*workers, web]:
            if proc.poll() is None:
                proc.kill()
        app.control.purge()
        connection.close()
        if not args.keep:
            recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
