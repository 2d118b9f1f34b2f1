"""The web process's server: gunicorn reads the project's ``gunicorn.conf.py`` (one place for
the Procfile, the Dockerfile and docker-compose), and what its master preloads before forking
the workers holds no connection they would share."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.embedded import ROOT


def test_gunicorn_runs_the_web_process_with_the_projects_settings(monkeypatch):
    from gunicorn.app.wsgiapp import WSGIApplication

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "config.wsgi"])  # the Procfile's command
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    cfg = WSGIApplication().cfg
    assert cfg.bind == ["0.0.0.0:8123"]
    assert (cfg.workers, cfg.worker_class_str, cfg.threads) == (5, "gthread", 4)
    assert (cfg.preload_app, cfg.max_requests, cfg.timeout) == (True, 2000, 60)
    for launcher in ("Procfile", "Dockerfile", "docker-compose.yml"):
        lines = (ROOT / launcher).read_text().splitlines()
        (command,) = [line for line in lines if "gunicorn" in line]
        assert "--" not in command, f"{launcher}: gunicorn's settings belong in gunicorn.conf.py"


PRELOAD = """
import os
import config.wsgi  # what gunicorn's master imports once, before it forks the workers
from django.db import connections
from django.core.cache import cache
cache.get("x") if os.environ.get("TOUCH_CACHE") else None
fds = [f"/proc/self/fd/{fd}" for fd in os.listdir("/proc/self/fd")]
sockets = sum(os.readlink(fd).startswith("socket:") for fd in fds if os.path.exists(fd))
print(sockets, sum(c.connection is not None for c in connections.all()))
from config.celery import app
import sys
print(app.finalized, "redis" in sys.modules)  # what a new worker's first request would load
"""


def run_preload(**extra: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **extra}
    out = subprocess.run(
        [sys.executable, "-c", PRELOAD], env=env, capture_output=True, text=True, cwd=ROOT,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_the_preloaded_app_holds_no_socket_the_forked_workers_would_share():
    # Every worker forked from the master would write to one database or Redis socket.
    assert run_preload() == ["0", "0", "True", "True"]
    # ...which is what the check sees when something at import does connect.
    assert run_preload(TOUCH_CACHE="1")[0] != "0"
