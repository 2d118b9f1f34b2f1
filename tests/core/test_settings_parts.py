"""The embedded defaults and the production parts, switched by DATABASE_URL and REDIS_URL."""

import json

import environ
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings import parts
from tests.embedded import embedded_run


def env_of(**values: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = values
    return env


def test_embedded_defaults_use_sqlite_in_the_var_folder(tmp_path):
    db = parts.database(env_of(), tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "db.sqlite3")


def test_database_url_switches_to_postgresql(tmp_path):
    db = parts.database(env_of(DATABASE_URL="postgres://u:p@db.example:5433/fleet"), tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "fleet")
    assert db["CONN_HEALTH_CHECKS"] is True


def test_embedded_broker_is_kombus_filesystem_transport_inside_var(tmp_path):
    url, options = parts.celery_broker(env_of(), tmp_path)
    assert url == "filesystem://"
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert options[key].startswith(str(tmp_path))
    assert (tmp_path / "broker" / "queue").is_dir()


def test_redis_url_switches_broker_and_cache_to_redis(tmp_path):
    env = env_of(REDIS_URL="redis://cache.example:6380/2")
    url, options = parts.celery_broker(env, tmp_path)
    assert url == "redis://cache.example:6380/2"
    assert options == {"visibility_timeout": parts.BROKER_VISIBILITY_TIMEOUT}
    cache = parts.cache(env, tmp_path)
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.example:6380/2"


def test_embedded_cache_is_shared_between_processes(tmp_path):
    # locmem would give web, worker and beat three different caches.
    assert parts.cache(env_of(), tmp_path)["BACKEND"].endswith("FileBasedCache")


def test_local_secrets_are_made_once_and_kept_private(tmp_path):
    first = parts.local_secret(tmp_path, "key", lambda: "made-1")
    second = parts.local_secret(tmp_path, "key", lambda: "made-2")
    assert first == second == "made-1"
    assert (tmp_path / "local-secrets.json").stat().st_mode & 0o077 == 0


SETTINGS_SECRETS = """
from django.conf import settings
print(settings.SECRET_KEY)
print(settings.FIELD_ENCRYPTION_KEYS[0])
"""


def test_a_kept_secret_key_that_starts_with_a_dollar_is_read_as_it_is(tmp_path):
    # get_random_secret_key draws from "...$%^&*..." so about one fresh machine in 50 makes a
    # key that starts with "$"; passed to django-environ as a default, "$" means "read that
    # variable instead", and the embedded settings recursed until they crashed.
    (tmp_path / "local-secrets.json").write_text(
        json.dumps({"secret_key": "$abc-kept", "field_key": Fernet.generate_key().decode()})
    )
    assert embedded_run(SETTINGS_SECRETS, tmp_path).splitlines()[0] == "$abc-kept"


def test_secrets_given_in_the_environment_win_over_the_kept_ones(tmp_path, monkeypatch):
    given = Fernet.generate_key().decode()
    monkeypatch.setenv("DJANGO_SECRET_KEY", "given-secret")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", given)
    assert embedded_run(SETTINGS_SECRETS, tmp_path).splitlines() == ["given-secret", given]
    assert not (tmp_path / "local-secrets.json").exists()  # nothing made that nobody reads


def test_a_secret_is_read_exactly_and_a_missing_one_is_named_without_its_value():
    assert parts.secret(env_of(DJANGO_SECRET_KEY="$k3y-rest"), "DJANGO_SECRET_KEY") == "$k3y-rest"
    with pytest.raises(ImproperlyConfigured, match=r"^Set the DJANGO_SECRET_KEY environment"):
        parts.secret(env_of(), "DJANGO_SECRET_KEY")
    assert parts.secret(env_of(), "DJANGO_SECRET_KEY", required=False) == ""
