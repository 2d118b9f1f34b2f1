"""What the server benchmarks share: a free port, the environment of the processes they start
(this one, gunicorn, workers) and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup_env(port: int, *, database: str, redis_db: int, **extra: str) -> None:
    """Test settings against a bench database; every process started later inherits it."""
    from cryptography.fernet import Fernet

    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # One key for this process and the ones it starts (config/settings/test.py reads it).
    os.environ.setdefault("TEST_FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
    os.environ.update(
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", CONN_MAX_AGE="600", LOG_LEVEL="WARNING"
    )
    os.environ.update(extra)


def recreate_database(drop_only: bool = False) -> None:
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_pids() -> list[int]:
    """The PostgreSQL process serving Django's connection (its CPU is the database's side of
    what this process asks)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return [int(cursor.fetchone()[0])]


def database_backend_pids() -> list[int]:
    """Every PostgreSQL backend connected to Django's database now (the workers' and the web
    server's persistent connections among them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def postmaster_pid() -> int:
    """PostgreSQL's postmaster: the parent of this process's own backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    return int(proc_stat(backend)[1])


def proc_stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (Linux): [0] the state, [1]
    the parent's pid, [11:15] utime, stime, cutime, cstime in clock ticks. OSError when the
    process is gone."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = proc_stat(int(entry.name))
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of these processes still alive (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seen = {}
    for pid in pids:
        try:
            fields = proc_stat(pid)
        except OSError:  # gone meanwhile (a backend that disconnected)
            continue
        seen[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seen


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its descendants, those that ended included (their
    time is in their parent's cutime and cstime once reaped): gunicorn's master and every
    worker it ran, also the ones it replaced (``max_requests``) during the reading."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = proc_stat(member)
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / ticks  # utime, stime, cutime, cstime
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc)."""
    return sum(cpu_by_pid(pids).values())


def cpu_since(before: dict[int, float], pids: list[int]) -> float:
    """CPU time these processes used since ``before`` (``cpu_by_pid``); a process that was
    not there yet counts whole."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in cpu_by_pid(pids).items())


def start_workers(count: int, *, app_module: str = "config") -> list[subprocess.Popen[bytes]]:
    from config.celery import app

    procs = []
    for n in range(count):
        cmd = [
            sys.executable, "-m", "celery", "-A", app_module, "worker", "--pool", "solo",
            "--hostname", f"bench{n}-{os.getpid()}@%h", "--loglevel", "WARNING",
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        log = open(ROOT / "var" / f"bench-worker-{n}.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log))
    # Generous: on a loaded box a solo worker may also be inside its first task.
    deadline = time.monotonic() + 180
    while len(app.control.ping(timeout=0.5) or []) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            for proc in procs:  # none left behind to eat the next run's tasks
                proc.kill()
            raise RuntimeError("workers did not start: see var/bench-worker-*.log")
    return procs


@contextmanager
def test_database() -> Iterator[None]:
    """A throwaway test database (and Django's test environment) for a bench's run; dropped
    after it, whatever happens. Call ``django.setup()`` first."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
