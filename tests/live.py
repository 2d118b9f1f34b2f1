"""Real parts for integration tests: the app over real HTTP (pytest-django's live server,
sandbox included) and real Celery worker processes on the test database.

Tests that use these must be ``@pytest.mark.django_db(transaction=True)``: the workers are
other processes and only see committed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def live_url(live_server, settings) -> str:
    """The live server's URL, with Z-API pointed at its sandbox and webhooks back at it."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.ZAPI_BASE_URL = f"{live_server.url}/sandbox"
    settings.ZAPI_PARTNER_BASE_URL = settings.ZAPI_BASE_URL
    settings.NUMBER_REGISTRATION_BASE_URL = settings.ZAPI_BASE_URL
    return str(live_server.url)


def worker_env(base_url: str) -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        PUBLIC_BASE_URL=base_url,
        ZAPI_BASE_URL=f"{base_url}/sandbox",
        ZAPI_PARTNER_BASE_URL=f"{base_url}/sandbox",
        NUMBER_REGISTRATION_BASE_URL=f"{base_url}/sandbox",
    )
    return env


class Workers:
    """Starts and stops ``celery worker`` processes; ``kill`` is a real SIGKILL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.procs: list[subprocess.Popen[bytes]] = []
        self._killed = 0

    def start(self, count: int = 1, concurrency: int = 1, extra: list[str] | None = None) -> None:
        from config.celery import app

        started = []
        for _ in range(count):
            n = len(self.procs)
            cmd = [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool", "prefork", "--concurrency", str(concurrency),
                "--hostname", f"test{n}-{os.getpid()}@%h", "--loglevel", "WARNING",
                "--without-mingle", "--without-gossip", *(extra or []),
            ]  # fmt: skip
            name = f"test-worker-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{n}.log"
            log = open(ROOT / "var" / name, "wb")  # noqa: SIM115
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=worker_env(self.base_url), stdout=log, stderr=log
            )
            self.procs.append(proc)
            started.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Workers killed earlier in the test no longer answer: count only the living.
            alive = [p for p in self.procs if p.poll() is None]
            replies = app.control.ping(timeout=0.5) or []
            if len(replies) >= len(alive) == len(self.procs) - self._killed:
                return
            dead = [p for p in started if p.poll() is not None]
            if dead:
                raise RuntimeError("a celery worker exited at start: see var/test-worker-*.log")
        raise RuntimeError("celery workers did not answer a ping within 60 s")

    def kill(self, index: int = 0) -> None:
        self.procs[index].kill()
        self.procs[index].wait()
        self._killed += 1

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
        self._killed = 0


@pytest.fixture
def celery_workers(live_url) -> Iterator[Workers]:
    """Start workers with ``celery_workers.start(n)``; all stop after the test."""
    from config.celery import app

    app.control.purge()  # nothing left over from an earlier test may run against this one
    workers = Workers(live_url)
    yield workers
    workers.stop()


@pytest.fixture
def celery_worker(celery_workers) -> Workers:
    """One running worker."""
    celery_workers.start(1, concurrency=2)
    return celery_workers


def wait_for(condition: Callable[[], object], timeout: float = 30.0, every: float = 0.2) -> object:
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s: {condition}")
        time.sleep(every)
