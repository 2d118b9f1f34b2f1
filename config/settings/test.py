"""Tests run against the real PostgreSQL and Redis (DATABASE_URL and REDIS_URL; the defaults
are the ones on CI and the development machines)."""

from __future__ import annotations

import os

from cryptography.fernet import Fernet

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_fleet")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_of_this_xdist_worker() -> None:
    """Under pytest-xdist each worker gets its own Redis database (broker, cache, locks), as
    pytest-django gives it its own PostgreSQL database: live tests in two workers on one
    broker would take each other's tasks. ``gwN`` uses REDIS_URL's database minus N (of
    Redis's 16). The processes a test starts inherit both variables and so land on the same
    database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    base = os.environ.setdefault("TEST_REDIS_BASE_URL", os.environ["REDIS_URL"])
    head, _, db = base.rpartition("/")
    os.environ["REDIS_URL"] = f"{head}/{(int(db or 0) - int(worker[2:])) % 16}"


_redis_of_this_xdist_worker()

# The base settings read REDIS_URL when imported, so after the lines above.
from config.settings.base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
# One key per test session, passed through the environment to the worker processes that
# tests start (tests/live.py copies os.environ), so they can decrypt instance tokens too.
FIELD_ENCRYPTION_KEYS = [
    os.environ.setdefault("TEST_FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Nothing runs eagerly: tests that need a worker start a real one.
CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
# force_login cannot pass a second factor: tests of two-factor login switch this on.
TWO_FACTOR_REQUIRED = False
# No warm-up ramp by default: the pacer and cap tests create numbers paired "now" and reach
# more than day 0 allows; the warm-up tests set their own ramp.
MESSAGING_WARMUP_RAMP = os.environ.get("MESSAGING_WARMUP_RAMP", "0:-")
