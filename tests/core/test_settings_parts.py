"""The embedded defaults and the production parts, switched by DATABASE_URL and REDIS_URL."""

import environ

from config.settings import parts


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
