"""Tests run against the real PostgreSQL and Redis (DATABASE_URL and REDIS_URL; the defaults
are the ones on CI and the development machines)."""

from __future__ import annotations

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_fleet")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from cryptography.fernet import Fernet

from config.settings.base import *  # noqa: F403

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
