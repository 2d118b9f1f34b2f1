"""How fast is the fleet list with 10,000 (or 100,000) instances?

    .venv/bin/python bench/fleet_list_bench.py [--instances 10000] [--runs 7]

(DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench.)

Creates a throwaway database (``test_<name>``, dropped at the end), fills it with a fleet
(instances over 20 partners, hourly probes for the last 24 h, pending messages), then times
the changelist for a staff user and for a partner operator: first page, a late page, a
filter, a search and a sort by our queue. Prints the median and worst of several runs and
the number of SQL queries of each; "CPU ms" is this process's own CPU time (the view and
its rendering, not PostgreSQL's), the figure that a loaded machine disturbs least.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")


def populate(count: int) -> None:
    """Instances and messages through the ORM (the token is encrypted in Python), the 24
    hourly probes of every instance in one INSERT … SELECT: at 100,000 instances the 2.4
    million probes take seconds, not the minutes ``bulk_create`` takes."""
    from django.db import connection
    from django.utils import timezone

    from instances.models import Instance
    from messaging.models import Message
    from partners.models import Partner

    now = timezone.now()
    partners = Partner.objects.bulk_create(Partner(name=f"Partner {n:02d}") for n in range(20))
    states = ["connected", "connected", "connected", "disconnected", "never_paired"]
    subs = ["active", "active", "trial", "cancelled", "expired"]
    batch = 5000
    for start in range(0, count, batch):
        rows = [
            Instance(
                partner=partners[n % len(partners)],
                zapi_id=f"BENCH{n:010d}",
                token=f"TOKEN{n:020d}SECRET",
                name=f"Number {n:05d}",
                phone=f"55119{n:08d}",
                connection_state=states[n % 5],
                smartphone_connected=(n % 7 != 0) if n % 5 < 3 else None,
                subscription_state=subs[n % 5],
                due_date=now + timedelta(days=(n % 40) - 5),
                zapi_queue_size=n % 13,
                last_event_at=now - timedelta(minutes=n % 600),
                connection_changed_at=now - timedelta(hours=n % 48),
            )
            for n in range(start, min(start + batch, count))
        ]
        created = Instance.objects.bulk_create(rows)
        Message.objects.bulk_create(
            (
                Message(instance=i, direction="out", chat_id="5511999999999", state=state)
                for i in created[::3]
                for state in ("queued", "queued", "read")
            ),
            batch_size=5000,
        )
        print(f"  {min(start + batch, count):>6} instances", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO instances_healthprobe"
            " (instance_id, at, source, connected, smartphone_connected, error, latency_ms)"
            " SELECT i.id, %s - make_interval(hours => h, mins => 7), 'probe',"
            " (i.id + h) %% 9 <> 0, NULL, '', NULL"
            " FROM instances_instance i CROSS JOIN generate_series(0, 23) AS h",
            [now],
        )
        print(f"  {cursor.rowcount} probes", flush=True)


def measure(client, url: str, runs: int) -> tuple[float, float, float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu_times, sql_times = [], [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
        sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    rows = response.content.count(b'class="uptime"')
    return (
        statistics.median(times),
        max(times),
        statistics.median(cpu_times),
        statistics.median(sql_times),
        queries,
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.common import test_database
    from partners.models import Membership, Partner
    from tests.factories import UserFactory

    with test_database():
        started = time.perf_counter()
        print(f"filling {args.instances} instances…")
        populate(args.instances)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
        print(f"filled in {time.perf_counter() - started:.1f} s\n")

        staff = Client()
        staff.force_login(UserFactory(username="bench-staff", is_staff=True))
        operator_user = UserFactory(username="bench-operator")
        Membership.objects.create(
            user=operator_user, partner=Partner.objects.order_by("pk").first(), role="operator"
        )
        operator = Client()
        operator.force_login(operator_user)

        base = "/instances/instance/"
        cases = [
            ("staff: first page", staff, base),
            ("staff: page 50", staff, f"{base}?p=50"),
            ("staff: filter disconnected", staff, f"{base}?state=disconnected"),
            ("staff: filter trial", staff, f"{base}?state=trial"),
            ("staff: search a phone", staff, f"{base}?q=551190000123"),
            ("staff: sort by our queue", staff, f"{base}?o=6"),
            ("operator (1 of 20 partners)", operator, base),
        ]
        staff.get(base)  # warm up templates and caches
        print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        print(
            f"{'case':<32} {'median ms':>10} {'worst ms':>10} {'CPU ms':>8} {'of it SQL':>10} "
            f"{'queries':>8} {'rows':>6}"
        )
        for label, client, url in cases:
            median, worst, cpu, sql, queries, rows = measure(client, url, args.runs)
            print(
                f"{label:<32} {median:>10.1f} {worst:>10.1f} {cpu:>8.1f} {sql:>10.1f} "
                f"{queries:>8} {rows:>6}"
            )
        print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
