"""Production: PostgreSQL and Redis, HTTPS, and no default for any secret.

Required: DJANGO_SECRET_KEY, FIELD_ENCRYPTION_KEYS, DATABASE_URL, REDIS_URL,
DJANGO_ALLOWED_HOSTS, PUBLIC_BASE_URL and ZAPI_BASE_URL (both https: ``check --deploy``
fails otherwise, see core/checks.py). The sandbox is off unless SANDBOX_ENABLED asks.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.settings import parts
from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env

DEBUG = False
SECRET_KEY = parts.secret(env, "DJANGO_SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# No defaults: the embedded ones point Z-API at this very server's sandbox.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL").rstrip("/")
ZAPI_BASE_URL = env.str("ZAPI_BASE_URL").rstrip("/")
ZAPI_PARTNER_BASE_URL = env.str("ZAPI_PARTNER_BASE_URL", default=ZAPI_BASE_URL).rstrip("/")
NUMBER_REGISTRATION_BASE_URL = env.str(
    "NUMBER_REGISTRATION_BASE_URL", default=ZAPI_BASE_URL
).rstrip("/")
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)
SANDBOX_WEBHOOK_ALLOW_PRIVATE = env.bool("SANDBOX_WEBHOOK_ALLOW_PRIVATE", default=False)
env.str("DATABASE_URL")  # no SQLite in production: fail now rather than at the first query
if not REDIS_URL:
    raise ImproperlyConfigured("Set the REDIS_URL environment variable (Celery broker, cache).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers call the health check over plain http. Z-API calls the webhook receiver at
# PUBLIC_BASE_URL, which is https: its paths (secret included) are redirected like any
# other unless WEBHOOKS_ALLOW_HTTP says a proxy in front terminates TLS differently.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("WEBHOOKS_ALLOW_HTTP", default=False):
    SECURE_REDIRECT_EXEMPT.append(r"^webhooks/")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
