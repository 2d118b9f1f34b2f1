"""What the server benchmarks share: a free port, the environment of the processes they start
(this one, gunicorn, workers) and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse


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
