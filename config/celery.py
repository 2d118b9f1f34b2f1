"""The Celery app. Settings come from Django's (``CELERY_*``); tasks from each app's tasks.py.

Each app may declare periodic tasks in ``<app>/beat.py`` as ``SCHEDULE = {...}`` (no model
imports); they are merged here so that no app edits another's schedule. The merge waits for
the app's configuration to be read, when Django's settings are loaded, so a schedule may use
them (``config`` itself is imported while the settings module loads).
"""

from __future__ import annotations

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

APPS_WITH_SCHEDULES = (
    "core",
    "partners",
    "instances",
    "messaging",
    "webhooks",
    "sandbox",
    "api",
    "hooks",
    "audit",
)

app = Celery("zapi_fleet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict[str, dict[str, object]]:
    schedule: dict[str, dict[str, object]] = {}
    for label in APPS_WITH_SCHEDULES:
        try:
            module = importlib.import_module(f"{label}.beat")
        except ModuleNotFoundError as exc:
            if exc.name != f"{label}.beat":
                raise
            continue
        schedule.update(module.SCHEDULE)
    return schedule


@app.on_after_configure.connect
def _merge_app_schedules(sender: Celery, **_: object) -> None:
    sender.conf.beat_schedule = {**beat_schedule(), **sender.conf.beat_schedule}
