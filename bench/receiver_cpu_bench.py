"""What one webhook request costs this process, in CPU: the receiver's own share of a request.

    .venv/bin/python bench/receiver_cpu_bench.py [--requests 500]

Posts ``--requests`` distinct ``MessageStatusCallback`` events to the receiver through
Django's test client (no server, no network, no worker), on PostgreSQL and Redis, and prints
this process's CPU per request (``time.process_time``; PostgreSQL's and Redis's own work is
in their processes). On a machine shared with other work this figure moves much less than
req/s does, which is why it is here next to ``webhooks_bench.py``.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_receiver_cpu (created
and dropped), REDIS_URL to redis://127.0.0.1:6379/12.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, recreate_database, setup_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    setup_env(free_port(), database="zapi_bench_receiver_cpu", redis_db=12)
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from tests.factories import InstanceFactory
    from webhooks.models import WebhookEvent

    call_command("migrate", verbosity=0)
    setup_test_environment()  # the test client's host is allowed
    try:
        instance = InstanceFactory()
        url = reverse(
            "webhooks:receive",
            kwargs={"instance_id": instance.pk, "secret": str(instance.webhook_secret)},
        )
        client = Client()
        bodies = [
            json.dumps({"type": "MessageStatusCallback", "status": "READ", "ids": [f"M{k}"],
                        "momment": 1_700_000_000_000 + k})
            for k in range(args.requests + 50)
        ]  # fmt: skip
        for body in bodies[:50]:  # warm-up: imports, connections, caches
            client.post(url, body, content_type="application/json")
        cpu, wall = time.process_time(), time.perf_counter()
        for body in bodies[50:]:
            assert client.post(url, body, content_type="application/json").status_code == 200
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        stored = WebhookEvent.objects.count()
        print(f"requests: {args.requests}  stored: {stored} (of {args.requests + 50})")
        print(f"receiver CPU: {cpu / args.requests * 1000:.2f} ms per request "
              f"(wall {wall / args.requests * 1000:.2f} ms)")  # fmt: skip
    finally:
        connection.close()
        recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
