"""Embedded defaults: the README's run command. Needs nothing but Python.

Secrets not given in the environment are made once and kept in ``var/local-secrets.json``.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from config.settings import parts
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A kept secret is never django-environ's default: a default that starts with "$" is read as
# the name of another variable, and get_random_secret_key draws "$" first about once in 50.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or parts.local_secret(
    VAR_DIR, "secret_key", get_random_secret_key
)
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    parts.local_secret(VAR_DIR, "field_key", lambda: Fernet.generate_key().decode())
]
