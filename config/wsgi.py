"""The WSGI application. gunicorn's master imports this module once and forks every worker
from it (``preload_app`` in ``gunicorn.conf.py``), so what each new worker's first request
would load is loaded here, once: the Redis client library behind the cache (about 0.3 s of
CPU) and Celery's task registry. Neither opens a connection: the workers must share none
(``tests/core/test_web_server.py``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

import redis  # noqa: E402, F401  (the cache's client, imported by its first use otherwise)

from config.celery import app as celery_app  # noqa: E402

celery_app.finalize()
