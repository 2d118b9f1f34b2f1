"""The parts that switch between the embedded defaults and production.

Each function takes the environment (a django-environ ``Env``) and the project's ``var``
folder and returns a plain settings value, so tests can check the switch with any env.
Embedded: SQLite, kombu's filesystem broker and a file cache: nothing but Python needed.
Production: ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (broker and cache).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ

# The longest hard time limit any task may have. The broker's visibility timeout must be at
# least twice this, or Redis hands an unacknowledged (acks_late) task to a second worker
# while the first is still running it. tests/core/test_celery_config.py checks the relation.
TASK_TIME_LIMIT = 300
TASK_SOFT_TIME_LIMIT = 270
BROKER_VISIBILITY_TIMEOUT = 4 * TASK_TIME_LIMIT


def database(env: environ.Env, var_dir: Path) -> dict[str, Any]:
    if env.str("DATABASE_URL", default=""):
        config: dict[str, Any] = env.db("DATABASE_URL")
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(var_dir / "db.sqlite3"),
        # Web, worker and beat share the file: WAL lets readers run beside the writer, and
        # IMMEDIATE transactions wait for the lock instead of failing half-way.
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def redis_url(env: environ.Env) -> str:
    return str(env.str("REDIS_URL", default=""))


def celery_broker(env: environ.Env, var_dir: Path) -> tuple[str, dict[str, Any]]:
    """The broker URL and its transport options."""
    url = redis_url(env)
    if url:
        return url, {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
    folder = var_dir / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://", {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        # Without this, kombu writes its broadcast exchange files into the working directory.
        "control_folder": str(folder / "control"),
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    }


def cache(env: environ.Env, var_dir: Path) -> dict[str, Any]:
    url = redis_url(env)
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    # A file cache is shared by the web, worker and beat processes, unlike locmem.
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(var_dir / "cache"),
    }


def secret(env: environ.Env, name: str, *, required: bool = True) -> str:
    """A secret exactly as the environment holds it.

    Not ``env.str``: django-environ reads a value that starts with "$" as the name of another
    variable, so a random key such as ``$k3...`` would fail with an error that quotes the
    rest of the key, or, given as a default, recurse until it crashes.
    """
    from django.core.exceptions import ImproperlyConfigured

    value = env.ENVIRON.get(name, "")
    if required and not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable")
    return value


def local_secret(var_dir: Path, name: str, make: Any) -> str:
    """A secret made once on this machine and kept in ``var/`` (embedded mode only).

    Production settings never call this: there, a missing secret is an error.
    """
    import json
    import os

    path = var_dir / "local-secrets.json"
    secrets: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if name not in secrets:
        secrets[name] = str(make())
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(secrets, handle)
    return secrets[name]
