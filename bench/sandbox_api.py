"""How fast the sandbox answers: GET /status and POST /send-text through the real
``InstanceClient``, in-process over WSGI (no network), on the configured database.

    DATABASE_URL=postgres://... .venv/bin/python bench/sandbox_api.py [N]

Prints requests per second and the median and p95 latency of each. Creates one sandbox
instance (no webhooks) and deletes it afterwards; no Celery task is sent (no connection
between the instance's queue and a worker is needed to accept sends).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import httpx  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from sandbox.services import sandbox_instance_create  # noqa: E402
from zapi import InstanceClient  # noqa: E402


def measure(label: str, call, n: int) -> None:  # type: ignore[no-untyped-def]
    times = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:12} {n / total:8.0f} req/s   median {statistics.median(times):6.2f} ms"
        f"   p95 {p95:6.2f} ms"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    # Never paired: sends wait in the queue, so no tick task goes to the broker.
    instance = sandbox_instance_create(name="bench", timings={"queue_limit": n + 10})
    try:
        http = httpx.Client(transport=httpx.WSGITransport(app=get_wsgi_application()))
        client = InstanceClient(
            "http://localhost/sandbox", instance.zapi_id, instance.token, http=http
        )
        measure("status", client.status, n)
        measure(
            "send-text", lambda: client.send("send_text", phone="5511988887777", message="bench"), n
        )
        measure("queue page", lambda: client.queue(page=1, page_size=100), max(n // 10, 1))
    finally:
        instance.delete()


if __name__ == "__main__":
    main()
