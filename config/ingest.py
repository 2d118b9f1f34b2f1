"""The ingest server's ASGI application (``webhooks.ingest``): the Procfile's ``ingest``
process serves it with uvicorn, and ``WEBHOOK_BASE_URL`` points Z-API at it."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup(set_prefix=False)

from webhooks.ingest import Ingest  # noqa: E402

application = Ingest()
