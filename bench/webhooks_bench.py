"""What does storing a webhook cost, next to answering 200 and nothing else?

    .venv/bin/python bench/webhooks_bench.py [--seconds 15] [--concurrency 8]
                                             [--server-workers N] [--server-threads 4]
                                             [--sync] [--config FILE] [--keep]
                                             [--server web|ingest] [--client httpx|raw]

Starts the real server as the Procfile runs it (gunicorn with the project's
``gunicorn.conf.py``: gthread, 3 workers x 4 threads, preloaded, each worker replaced after
about 2,000 requests; ``--sync`` for the sync workers this bench used before, ``--config`` for
another config file; ``--server ingest`` for the Procfile's ingest process, uvicorn serving
``webhooks.ingest`` with the Procfile's 2 worker processes; ``--server-workers`` for
another number of either), PostgreSQL, Redis as Celery's
broker, on a free port with ``BENCH_BARE_ENDPOINT=1``, then, from a second process, posts for
a fixed time:

* to a bare endpoint that reads the body and answers 200 (same server, same middleware);
* to the receiver: each request a distinct ``MessageStatusCallback`` (secret checked,
  dedupe key, INSERT, commit, the drain woken; no worker runs, so the cost measured is the
  receiver's alone).

Prints throughput, latency percentiles, CPU per request (gunicorn's master and every
worker it ran; PostgreSQL's processes, run alone on the box; the load generator's) and
commits per request (the ingest process commits many events at once when they arrive
together) for both and their ratio, and checks that every 200 from the receiver is a stored
event. The load generator shares the machine: on a small box it competes with the server for
CPU, so compare the two rows, not absolute figures. It is httpx by default (about 1 ms of CPU
a request: on two CPUs it, not the server, bounds the bare endpoint); ``--client raw`` posts
with hand-written HTTP/1.1 at about a twentieth of that, so that what is measured is the
server.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_webhooks (created and
dropped), REDIS_URL to redis://127.0.0.1:6379/12 (purged).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    free_port,
    postmaster_pid,
    recreate_database,
    setup_env,
    tree_cpu_seconds,
)


def start_server(
    port: int, workers: int, threads: int, config: str | None
) -> subprocess.Popen[bytes]:
    """gunicorn with the project's ``gunicorn.conf.py`` (or ``config``), as the Procfile runs
    it; threads > 1 is its gthread worker, 1 a sync worker (--sync)."""
    worker_class = "gthread" if threads > 1 else "sync"
    cmd = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        *(["--config", config] if config else []),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", worker_class,
        "--threads", str(threads), "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    return _answering(subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ)), port)


def start_ingest(port: int, workers: int) -> subprocess.Popen[bytes]:
    """The Procfile's ``ingest`` process: uvicorn serving ``config.ingest`` (--server ingest)."""
    cmd = [
        sys.executable, "-m", "uvicorn", "config.ingest:application", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--no-access-log",
        "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    return _answering(subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ)), port)


def _answering(server: subprocess.Popen[bytes], port: int) -> subprocess.Popen[bytes]:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.post(f"http://127.0.0.1:{port}/webhooks/bench-bare/").status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 30 s")


def transaction_id() -> int:
    """A new transaction id of the benchmark database: PostgreSQL gives one to every
    transaction that writes, so two readings tell how many commits wrote in between."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# --- the load generator (the second process) ---------------------------------------------


_counter = itertools.count()


def _body(tag: str) -> dict[str, object]:
    """A distinct status webhook each call."""
    return {
        "type": "MessageStatusCallback", "status": "READ",
        "ids": [f"{tag}-{os.getpid()}-{next(_counter)}"], "momment": 1_700_000_000_000,
        "phone": "5544999999999", "instanceId": "bench",
    }  # fmt: skip


async def _load(
    url: str, seconds: float, concurrency: int, tag: str, client: str = "httpx"
) -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    if client == "raw":
        users = [_raw_user(url, deadline, tag, latencies, statuses) for _ in range(concurrency)]
        errors = sum(await asyncio.gather(*users))
    else:
        import httpx

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=30) as session:

            async def user() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    began = time.perf_counter()
                    try:
                        response = await session.post(url, json=_body(tag))
                    except httpx.TransportError:
                        errors += 1
                        continue
                    latencies.append(time.perf_counter() - began)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            await asyncio.gather(*(user() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "statuses": statuses,
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p90": pct(90),
        "p99": pct(99),
        "max": latencies[-1] * 1000,
        "mean": statistics.fmean(latencies) * 1000,
        # The load generator's own CPU per request: one process, so at about 1 ms a request
        # (httpx's) it is one core's worth at 1,000 req/s, and what then bounds both endpoints.
        "client_cpu": time.process_time() / max(1, len(latencies)) * 1000,
    }


async def _raw_user(
    url: str, deadline: float, tag: str, latencies: list[float], statuses: dict[int, int]
) -> int:
    """One keep-alive connection posting until ``deadline`` with hand-written HTTP/1.1 (about
    a tenth of httpx's CPU per request, so that the server rather than the client is what is
    measured); the number of failed requests."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head = f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "Content-Type: application/json\r\nContent-Length: "
    errors = 0
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            body = json.dumps(_body(tag)).encode()
            began = time.perf_counter()
            writer.write(f"{head}{len(body)}\r\n\r\n".encode() + body)
            try:
                status = await _raw_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            latencies.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()
    return errors


async def _raw_response(reader: asyncio.StreamReader) -> int:
    """Read one response (Content-Length or chunked); its status."""
    lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.lower().split(b": ", 1) for line in lines[1:] if line)
    if b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
        return status
    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):  # chunked
        await reader.readexactly(size + 2)
    await reader.readuntil(b"\r\n")
    return status


def run_load(
    url: str, seconds: float, concurrency: int, tag: str, client: str
) -> dict[str, object]:
    cmd = [
        sys.executable, __file__, "--load", url, "--seconds", str(seconds),
        "--concurrency", str(concurrency), "--tag", tag, "--client", client,
    ]  # fmt: skip
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


# --- the driver -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--server-workers",
        type=int,
        help="worker processes (default: the Procfile's, 3 for web and 2 for ingest)",
    )
    parser.add_argument(
        "--server-threads", type=int, default=4, help="threads per worker (the Procfile's 4)"
    )
    parser.add_argument(
        "--sync", action="store_true", help="sync workers, one request each (the old bench)"
    )
    parser.add_argument(
        "--config", help="another gunicorn config file than the project's gunicorn.conf.py"
    )
    parser.add_argument(
        "--server",
        choices=["web", "ingest"],
        default="web",
        help="web: gunicorn, the Procfile's web process (the default); ingest: uvicorn, its "
        "ingest process (webhooks.ingest), which WEBHOOK_BASE_URL points Z-API at",
    )
    parser.add_argument(
        "--client",
        choices=["httpx", "raw"],
        default="httpx",
        help="the load generator: httpx (the default, about 1 ms of CPU a request, which bounds "
        "both rows on a small box) or raw, hand-written HTTP/1.1 keep-alive (about a tenth)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="bench", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        result = asyncio.run(
            _load(args.load, args.seconds, args.concurrency, args.tag, args.client)
        )
        print(json.dumps(result))
        return

    port = free_port()
    setup_env(port, database="zapi_bench_webhooks", redis_db=12, BENCH_BARE_ENDPOINT="1")
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories import InstanceFactory
    from webhooks.models import WebhookEvent

    instance = InstanceFactory(name="Bench")
    urls = {
        "bare 200": f"http://127.0.0.1:{port}/webhooks/bench-bare/",
        "receiver": instance.webhook_url,  # PUBLIC_BASE_URL is this server
    }
    threads = 1 if args.sync else args.server_threads
    # As the Procfile runs them: gunicorn.conf.py's WEB_CONCURRENCY, INGEST_CONCURRENCY.
    args.server_workers = args.server_workers or (2 if args.server == "ingest" else 3)
    if args.server == "ingest":
        server = start_ingest(port, args.server_workers)
    else:
        server = start_server(port, args.server_workers, threads, args.config)
    postmaster = postmaster_pid()
    results: dict[str, dict[str, object]] = {}
    try:
        for name, url in urls.items():
            run_load(
                url, 2, args.concurrency, f"warm-{name[0]}", args.client
            )  # connections, caches
            # Whole trees: a worker replaced during the run (max_requests) counts, and so does
            # the backend that ended with it. The database's figure is PostgreSQL's: its
            # backends and its WAL writer and checkpointer (what a commit costs), on a box
            # where nothing else uses it.
            app_before, db_before = tree_cpu_seconds(server.pid), tree_cpu_seconds(postmaster)
            xid_before = transaction_id()
            result = results[name] = run_load(
                url, args.seconds, args.concurrency, name[0], args.client
            )
            count = max(1, int(result["requests"]))  # type: ignore[call-overload]
            result["app_cpu"] = (tree_cpu_seconds(server.pid) - app_before) / count * 1000
            result["db_cpu"] = (tree_cpu_seconds(postmaster) - db_before) / count * 1000
            # Each commit that wrote took a transaction id (and so does the reading itself).
            result["commits"] = (transaction_id() - xid_before - 1) / count
    finally:
        stop_server(server)

    kind = "sync workers" if threads == 1 else f"gthread workers x {threads} threads"
    served = f"gunicorn {args.server_workers} {kind}"
    if args.server == "ingest":
        served = f"uvicorn (the ingest process) {args.server_workers} workers"
    print(
        f"\n{args.seconds:g} s each, {args.concurrency} concurrent clients ({args.client}), "
        f"{served}, "
        f"{os.cpu_count()} CPUs (shared with the client)\n"
    )
    head = ("endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "app CPU", "db CPU")
    head += ("client", "commits")
    print(f"{head[0]:<10}" + "".join(f" {h:>8}" for h in head[1:]) + "  statuses")
    for name, r in results.items():
        print(
            f"{name:<10} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p90']:>8.2f} {r['p99']:>8.2f} "
            f"{r['max']:>8.1f} {r['app_cpu']:>8.2f} {r['db_cpu']:>8.2f} {r['client_cpu']:>8.2f} "
            f"{r['commits']:>8.2f}  "
            f"{r['statuses']} errors={r['errors']}"
        )
    bare, receiver = results["bare 200"], results["receiver"]
    print(
        f"\nreceiver / bare: throughput {receiver['rps'] / bare['rps']:.2f}x, "
        f"p50 latency {receiver['p50'] / bare['p50']:.2f}x, "
        f"p99 {receiver['p99'] / bare['p99']:.2f}x"
    )
    stored = WebhookEvent.objects.exclude(payload__ids__0__startswith="warm").count()
    ok = receiver["statuses"].get("200", 0)  # type: ignore[union-attr]
    print(f"events stored: {stored}, receiver 200s: {ok} -> {'OK' if stored == ok else 'MISMATCH'}")

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    from django.db import connections

    connections.close_all()
    if not args.keep:
        recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
