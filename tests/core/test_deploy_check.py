"""Production settings: no default secrets, and Django's deploy checks pass."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-1234567890",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "DJANGO_ALLOWED_HOSTS": "fleet.example.com",
    "PUBLIC_BASE_URL": "https://fleet.example.com",
    "ZAPI_BASE_URL": "https://api.z-api.io",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe ORM calls in this process; production never does.
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    required = (
        "DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL",
        "PUBLIC_BASE_URL", "ZAPI_BASE_URL",
    )  # fmt: skip
    for missing in required:
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = manage("check", env=env)
        assert result.returncode != 0, missing
        assert missing in result.stderr


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess[str]:
    return manage("check", "--deploy", env={**PRODUCTION_ENV, **overrides})


def test_check_deploy_fails_on_each_unsafe_production_setting():
    # Each alone makes the check fail, naming what to fix (issue 11, finding 9).
    unsafe = [
        ("fleet.E001", {"PUBLIC_BASE_URL": "http://fleet.example.com"}),
        ("fleet.E001", {"WEBHOOK_BASE_URL": "http://hooks.fleet.example.com"}),
        ("fleet.E002", {"ZAPI_BASE_URL": "http://api.z-api.io"}),
        ("fleet.E003", {"SANDBOX_ENABLED": "true"}),
        ("fleet.E004", {"ZAPI_BASE_URL": "https://fleet.example.com/sandbox"}),
    ]
    for check_id, env in unsafe:
        result = _deploy_check(**env)
        assert result.returncode != 0, (check_id, result.stdout)
        assert check_id in result.stdout + result.stderr, (check_id, result.stderr[-2000:])


def test_production_keeps_the_sandbox_off_and_webhooks_on_https_unless_asked():
    code = (
        "from django.conf import settings as s;"
        "print(s.SANDBOX_ENABLED, any('webhooks' in p for p in s.SECURE_REDIRECT_EXEMPT),"
        " s.SANDBOX_WEBHOOK_ALLOW_PRIVATE)"
    )
    assert manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV).stdout.split() == [
        "False", "False", "False",
    ]  # fmt: skip
    asked = manage(
        "shell", "-v", "0", "-c", code, env={**PRODUCTION_ENV, "WEBHOOKS_ALLOW_HTTP": "true"}
    )
    assert asked.stdout.split()[1] == "True"
