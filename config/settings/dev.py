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
# Read raw (parts.secret): get_random_secret_key starts a key with "$" about once in 50.
SECRET_KEY = parts.secret(env, "DJANGO_SECRET_KEY", required=False) or parts.local_secret(
    VAR_DIR, "secret_key", get_random_secret_key
)
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    parts.local_secret(VAR_DIR, "field_key", lambda: Fernet.generate_key().decode())
]
