"""Settings shared by every mode. Values come from the environment (django-environ), with an
optional ``.env`` file in the project folder; see ``.env.example``.

``dev`` (the default) runs on embedded parts, ``production`` refuses to start without its
secrets, ``test`` points at the local PostgreSQL and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config.settings import parts

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The address Z-API uses to reach this product: webhook URLs are built from it.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where Z-API posts webhooks when that is not PUBLIC_BASE_URL: the ingest process of the
# Procfile (webhooks.ingest), which stores them at about half the web process's CPU.
WEBHOOK_BASE_URL = env.str("WEBHOOK_BASE_URL", default="").rstrip("/")
# The hot statements (core.statements: a webhook stored) are prepared on each connection;
# off behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer
# before 1.21).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
# Where Z-API lives. The embedded default is the built-in sandbox of this same server.
ZAPI_BASE_URL = env.str("ZAPI_BASE_URL", default=f"{PUBLIC_BASE_URL}/sandbox").rstrip("/")
ZAPI_PARTNER_BASE_URL = env.str("ZAPI_PARTNER_BASE_URL", default=ZAPI_BASE_URL).rstrip("/")
NUMBER_REGISTRATION_BASE_URL = env.str(
    "NUMBER_REGISTRATION_BASE_URL", default=ZAPI_BASE_URL
).rstrip("/")
ZAPI_CONNECT_TIMEOUT = env.float("ZAPI_CONNECT_TIMEOUT", default=5.0)
ZAPI_READ_TIMEOUT = env.float("ZAPI_READ_TIMEOUT", default=30.0)

INSTALLED_APPS = [
    "core.apps.FleetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_standardized_errors",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "core",
    "partners",
    "instances",
    "messaging",
    "webhooks",
    "sandbox",
    "api",
    "hooks",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Webhooks (machine POSTs) skip everything below: webhooks/middleware.py says why.
    "webhooks.middleware.WebhookShortcutMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (and CSRF's) reads the body; after auth, so its page has the layout.
    "core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- browser security headers (django-csp, django-permissions-policy) ---------------------
# No inline script anywhere (core/static/core/fleet.js holds the page behaviours); htmx and
# the admin's scripts are static files. Styles allow inline: the admin's templates and htmx's
# indicator style use them, and a style cannot run code. Images: ours, data: URIs (QR codes)
# and https (profile pictures WhatsApp serves from its CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "browsing-topics",
    )
}  # fmt: skip

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.navigation.navigation",
            ],
        },
    }
]

DATABASES = {"default": parts.database(env, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": parts.cache(env, VAR_DIR)}
REDIS_URL = parts.redis_url(env)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- login protection: django-axes ------------------------------------------------------
# After LOGIN_FAILURE_LIMIT wrong passwords for one username from one address (the login
# page and the API's basic auth alike), that pair is locked for LOGIN_LOCKOUT_MINUTES; staff
# unlock it sooner from "Login lockouts" (audit/admin.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "audit.services.request_ip"
AXES_VERBOSE = False

# --- two-factor login: django-otp (core/two_factor.py) ------------------------------------
# Required for staff and partner admins, optional for everyone else.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Z-API Fleet"
# People enrol on their own page; the admin never shows a key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pt-br", _("Brazilian Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Sao_Paulo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads larger than this are refused with a clear error (media sent by URL is unaffected).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_SIZE = env.int("FILE_UPLOAD_MAX_SIZE", default=16 * 1024 * 1024)
# A body larger than both (an upload and its form) is refused with a 413 before it is read
# (core.middleware.RequestBodyLimitMiddleware): Django checks a file's size only once read.
# How long the signed link of an upload works (Z-API fetches it when the message goes out,
# which the pacer may delay by hours).
MEDIA_LINK_MAX_AGE_SECONDS = env.int("MEDIA_LINK_MAX_AGE_SECONDS", default=7 * 24 * 3600)

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = parts.celery_broker(env, VAR_DIR)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a killed worker's task is delivered again; tasks
# are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = parts.TASK_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = parts.TASK_SOFT_TIME_LIMIT
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Apps add their periodic tasks to this in their own ``beat.py``; see config/celery.py.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Secrets at rest ----------------------------------------------------------------------
# FIELD_ENCRYPTION_KEYS: Fernet keys, comma separated. The first encrypts, all decrypt; to
# rotate, put a new key first and run ``manage.py rotate_encryption_keys``.
FIELD_ENCRYPTION_KEYS: list[str] = []

# --- REST API (api/) -----------------------------------------------------------------------
# An API key first: its 401 answers carry ``WWW-Authenticate`` (DRF takes the header of the
# first class), so a missing or bad key or password is a 401, never a 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        # Basic auth with django-axes' lockout (a locked name and address get a 429).
        "core.api_auth.LockoutBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.HasCapability",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON in, JSON out: one contract (the docs page is where people try calls by hand).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
}
DRF_STANDARDIZED_ERRORS = {"EXCEPTION_HANDLER_CLASS": "api.errors.ExceptionHandler"}
# Requests per API key (or per person), counted in the shared cache: "600/min", "20/s".
API_RATE_PER_KEY = env.str("API_RATE_PER_KEY", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Z-API Fleet",
    "DESCRIPTION": (
        "The REST API of the Z-API Fleet dashboard: what a page can do, an API key can do, "
        "through the same services. Authenticate with `Authorization: Bearer <key>` (keys "
        "are created on the dashboard's API keys page). Lists are cursor-paginated (follow "
        "`next`); every error has one shape: `{type, errors: [{code, detail, attr}]}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MessageStateEnum": "messaging.states.MessageState",
        "WebhookEventStateEnum": "webhooks.models.EventState",
        "FleetStateEnum": "api.resources.instances.FLEET_STATE_CHOICES",
        "CampaignStateEnum": "messaging.campaigns.models.CampaignState",
        "RegisteredNumberStateEnum": "partners.models.RegisteredNumberState",
        "ContactImportStateEnum": "messaging.models.ImportState",
        "SubscriptionStateEnum": "instances.models.SubscriptionState",
        "InstanceKindEnum": "api.resources.provisioning.INSTANCE_KINDS",
        "ComposableKindEnum": "api.resources.messages.COMPOSABLE_KIND_CHOICES",
        **{
            f"{name}Enum": f"drf_standardized_errors.openapi_serializers.{name}Enum.choices"
            for name in (
                "ValidationError",
                "ClientError",
                "ServerError",
                "ErrorCode401",
                "ErrorCode403",
                "ErrorCode404",
                "ErrorCode405",
                "ErrorCode406",
                "ErrorCode415",
                "ErrorCode429",
                "ErrorCode500",
            )
        },
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.filters_need_a_value",
    ],
}
# Outbound webhooks (hooks/): how long one POST to a partner's URL may take.
HOOKS_TIMEOUT_SECONDS = env.float("HOOKS_TIMEOUT_SECONDS", default=10.0)
# How long a stored answer to an ``Idempotency-Key`` is replayed (then the key may be reused).
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fleet@localhost")

# --- Logging: every handler passes through the secret redactor ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "core.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (console in DEBUG, the runserver access log) do not pass
        # through the redactor, and request paths carry webhook secrets: route them here.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- messaging: the outbound pacer (messaging/pacer.py) -----------------------------------
# Default pace of a number: a random gap in [min, max] seconds between two sends. Z-API's own
# queue uses 1-3 s (spec 001, "Queue > Recomendação") and delayMessage allows 1-15 s
# ("Messages > Send plain text"); we default more cautious, since a bot-like cadence and many new
# recipients are what get numbers banned.
MESSAGING_PACE_MIN_SECONDS = env.float("MESSAGING_PACE_MIN_SECONDS", default=5.0)
MESSAGING_PACE_MAX_SECONDS = env.float("MESSAGING_PACE_MAX_SECONDS", default=15.0)
# Distinct never-contacted chats per number per day (spec 001, "Introduction": unique recipients
# are the first ban factor; new numbers are banned after as few as 10).
MESSAGING_DAILY_NEW_RECIPIENTS = env.int("MESSAGING_DAILY_NEW_RECIPIENTS", default=100)
# How long a worker may hold a number's send slot; a killed worker's slot frees after this.
MESSAGING_LEASE_SECONDS = env.float("MESSAGING_LEASE_SECONDS", default=90.0)
# An uncertain send is reconciled (Z-API queue, webhooks) this long after it became so.
MESSAGING_RECONCILE_AFTER_SECONDS = env.float("MESSAGING_RECONCILE_AFTER_SECONDS", default=60.0)
MESSAGING_MAX_SERVER_ERRORS = env.int("MESSAGING_MAX_SERVER_ERRORS", default=5)
# The dispatcher's rounds (messaging/rounds.py): how many may run at once across every worker
# and host (at most 64), how many numbers one round sends for at once (threads of one worker),
# and how long a round runs before it hands over to its successor task. A round keeps a worker
# process for its whole run: 2 leaves half of the Procfile worker's 4 for webhook processing,
# probes and campaigns, and fewer rounds claim bigger batches (bench/README.md, issue 17: 1.57
# against 1.85 ms of CPU per message at the same pace). One round keeps up to BATCH sends in
# flight; raise the lanes with the workers for a fleet that needs more at once.
MESSAGING_DISPATCH_LANES = env.int("MESSAGING_DISPATCH_LANES", default=2)
MESSAGING_DISPATCH_BATCH = env.int("MESSAGING_DISPATCH_BATCH", default=32)
MESSAGING_DISPATCH_ROUND_SECONDS = env.float("MESSAGING_DISPATCH_ROUND_SECONDS", default=5.0)
# Warm-up: new recipients per day by a number's age since pairing, as "day:limit" steps; the
# daily cap above applies as min(cap, ramp) (messaging/campaigns/warmup.py; spec 001 "Blocks
# and Bans (2025)": new numbers reaching many strangers get banned). "0:-" switches it off.
MESSAGING_WARMUP_RAMP = env.str("MESSAGING_WARMUP_RAMP", default="0:10,3:25,7:50,14:100,30:-")

# --- campaigns (messaging/campaigns/) -------------------------------------------------------
# How many campaign messages the feeder keeps queued per sender at a time: small, so a pause,
# a cancel or a failover takes effect within a few sends.
CAMPAIGN_FEED_BATCH = env.int("CAMPAIGN_FEED_BATCH", default=3)
# How often beat runs the feeder (seconds).
CAMPAIGN_FEED_SECONDS = env.float("CAMPAIGN_FEED_SECONDS", default=5.0)
# The progress counts are kept on the campaign and recounted when older than this (the
# feeder recounts a running campaign on each run): the progress page reads one row.
CAMPAIGN_TALLY_SECONDS = env.float("CAMPAIGN_TALLY_SECONDS", default=5.0)
# A sender not connected for this long is taken out (failover "move" hands its waiting
# recipients to the other senders).
CAMPAIGN_FAILOVER_AFTER_SECONDS = env.int("CAMPAIGN_FAILOVER_AFTER_SECONDS", default=300)
# Circuit breaker defaults (per sender, per campaign): rates over what was sent, judged after
# CAMPAIGN_BREAKER_MIN_SENT messages. Spec 001: 3% spam reports ban a number.
CAMPAIGN_BREAKER_MIN_SENT = env.int("CAMPAIGN_BREAKER_MIN_SENT", default=20)
CAMPAIGN_BREAKER_FAILED_RATE = env.float("CAMPAIGN_BREAKER_FAILED_RATE", default=0.10)
CAMPAIGN_BREAKER_OPT_OUT_RATE = env.float("CAMPAIGN_BREAKER_OPT_OUT_RATE", default=0.03)
CAMPAIGN_BREAKER_BLOCKED_RATE = env.float("CAMPAIGN_BREAKER_BLOCKED_RATE", default=0.02)

# --- instances: copying WhatsApp Business labels/catalog/profile to other numbers -------------
# Seconds between two target numbers of a copy (instances/business/copy.py): a fleet of
# numbers all changing their profile in the same second looks like one bot.
BUSINESS_COPY_PACE_SECONDS = env.float("BUSINESS_COPY_PACE_SECONDS", default=3.0)
# How often the labels of business numbers are re-read from Z-API (beat).
BUSINESS_LABELS_SYNC_SECONDS = env.float("BUSINESS_LABELS_SYNC_SECONDS", default=1800.0)

# --- instances: pairing, health probes, queue page -------------------------------------------
# Spec 002: WhatsApp invalidates the QR every 20 s; refresh every 10-20 s, stop after 3.
PAIRING_QR_REFRESH_SECONDS = env.float("PAIRING_QR_REFRESH_SECONDS", default=15.0)
PAIRING_QR_MAX_REFRESHES = 3
PAIRING_STATE_POLL_SECONDS = env.float("PAIRING_STATE_POLL_SECONDS", default=2.0)
HEALTH_PROBE_INTERVAL_SECONDS = env.int("HEALTH_PROBE_INTERVAL_SECONDS", default=300)
ZAPI_QUEUE_REFRESH_SECONDS = env.float("ZAPI_QUEUE_REFRESH_SECONDS", default=5.0)

# --- partners: lifecycle and billing (spec 001, "Partners") --------------------------------
# What the spec fixes: the first integrator token creates 25 instances ("Partners > First token"), a
# trial lasts 2 days ("Partners > Creating an instance"), invoices are due on the 5th
# ("Partners > Invoicing"), a cancelled instance stays active 30 days ("Partners > Invoicing"),
# unpaid instances stop on the 10th and are deleted on the 15th.
PARTNER_FIRST_TOKEN_LIMIT = env.int("PARTNER_FIRST_TOKEN_LIMIT", default=25)
PARTNER_TRIAL_DAYS = env.int("PARTNER_TRIAL_DAYS", default=2)
BILLING_INVOICE_DAY = env.int("BILLING_INVOICE_DAY", default=5)
BILLING_CANCEL_ACTIVE_DAYS = env.int("BILLING_CANCEL_ACTIVE_DAYS", default=30)
BILLING_UNPAID_EXPIRY_DAY = env.int("BILLING_UNPAID_EXPIRY_DAY", default=10)
BILLING_UNPAID_DELETION_DAY = env.int("BILLING_UNPAID_DELETION_DAY", default=15)
# Where the spec is silent (partners/billing.py says why): "until_active_end" bills a
# cancelled instance on each invoice due on or before its active-until date (and at least its
# first); "active_months" also on the invoice of the month its active days end in.
BILLING_CANCELLED_RULE = env.str("BILLING_CANCELLED_RULE", default="until_active_end")
BILLING_CURRENCY = env.str("BILLING_CURRENCY", default="BRL")
# Trial notices: hours left when a notice is raised (spec silent; the issue asks 24 h and 2 h),
# and how long before the end an auto-subscribing partner's trial is subscribed.
PARTNER_TRIAL_NOTICE_HOURS = env.list("PARTNER_TRIAL_NOTICE_HOURS", cast=int, default=[24, 2])
PARTNER_AUTO_SUBSCRIBE_HOURS = env.int("PARTNER_AUTO_SUBSCRIBE_HOURS", default=2)
PARTNER_SYNC_INTERVAL_SECONDS = env.int("PARTNER_SYNC_INTERVAL_SECONDS", default=900)
PARTNER_SYNC_PAGE_SIZE = env.int("PARTNER_SYNC_PAGE_SIZE", default=100)

# --- webhooks -----------------------------------------------------------------------------
# The receiver refuses bodies above this (413); Z-API's largest documented payloads are a
# few kB, media come as URLs.
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=256 * 1024)
# Raw events (and rejects) older than this are deleted by beat; unprocessed ones are kept.
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=30)
# The sweeper processes events still unprocessed this long after receipt (or last failure).
WEBHOOK_SWEEP_AFTER_SECONDS = env.int("WEBHOOK_SWEEP_AFTER_SECONDS", default=60)
# Failures before an event becomes a dead letter.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=3)
# Stored events are processed by a drain task in batches (webhooks/services.py): events per
# transaction, and at most one wake-up task published per this many seconds.
WEBHOOK_DRAIN_BATCH = env.int("WEBHOOK_DRAIN_BATCH", default=100)
WEBHOOK_DRAIN_WAKE_SECONDS = env.float("WEBHOOK_DRAIN_WAKE_SECONDS", default=1.0)

# --- audit log ----------------------------------------------------------------------------
# Entries older than this are deleted by beat (audit.tasks.audit_purge_task).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# --- sandbox ------------------------------------------------------------------------------
# The built-in Z-API emulator at /sandbox/ (and its console). Switch it off where the
# product talks to the real Z-API and nobody needs the emulator.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
# May the sandbox post webhooks to loopback and private addresses (this server, in a demo)?
# Link-local and metadata addresses are refused whatever this says.
SANDBOX_WEBHOOK_ALLOW_PRIVATE = env.bool("SANDBOX_WEBHOOK_ALLOW_PRIVATE", default=True)
