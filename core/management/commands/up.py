"""``manage.py up``: the README's run command. Migrates, loads the demo data, then runs the
web server, a Celery worker and Celery beat together until Ctrl-C.

On the embedded defaults this needs nothing but Python: SQLite, kombu's filesystem broker
and the built-in sandbox standing in for Z-API.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test import override_settings

from core.demo import demo_load


class Command(BaseCommand):
    help = "Migrate, load demo data and run web, Celery worker and beat together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ["DJANGO_SETTINGS_MODULE"])
        # Z-API (the sandbox, by default) must call back the address we really listen on:
        # the web, the worker and beat get it in their environment, and the demo data loaded
        # here (the sandbox instances' webhook URLs) is written with it too.
        if "PUBLIC_BASE_URL" not in os.environ:
            env["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
        urls = {"PUBLIC_BASE_URL": env["PUBLIC_BASE_URL"]}
        if "ZAPI_BASE_URL" not in os.environ:
            urls["ZAPI_BASE_URL"] = f"{env['PUBLIC_BASE_URL']}/sandbox"
        call_command("migrate", interactive=False, verbosity=0)
        with override_settings(**urls):
            logins = [] if options["no_demo"] else demo_load()
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        }
        procs = {
            name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for name, cmd in commands.items()
        }
        url = env["PUBLIC_BASE_URL"]
        self.stdout.write(self.style.SUCCESS(f"\nZ-API Fleet is starting at {url}/"))
        for login in logins:
            self.stdout.write(f"  login: {login.username} / {login.password}  ({login.what})")
        self.stdout.write(f"  health: {url}/healthz   ·   Ctrl-C stops web, worker and beat\n")
        self._supervise(procs)

    def _supervise(self, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exited = None
        while not stopping and exited is None:
            time.sleep(0.5)
            exited = next((n for n, p in procs.items() if p.poll() is not None), None)
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        if exited is not None:
            self.stderr.write(f"{exited} stopped (exit {procs[exited].returncode}); stopped all.")
            sys.exit(1)
