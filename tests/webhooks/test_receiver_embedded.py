"""The receiver's one statement (``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``)
runs on the embedded defaults too (SQLite, no Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from instances.models import Instance
    from partners.models import Partner
    from webhooks.models import WebhookEvent

    setup_test_environment()
    partner = Partner.objects.create(name="Embedded")
    number = Instance.objects.create(partner=partner, zapi_id="Z1", token="T", name="n1")
    def post(secret, body='{"type": "ReceivedCallback", "messageId": "E1"}'):
        url = reverse("webhooks:receive", kwargs={"instance_id": number.pk, "secret": secret})
        return Client().post(url, body, content_type="application/json")
    secret = str(number.webhook_secret)
    print("stored", post(secret).json()["status"])
    print("again", post(secret).json()["status"])
    print("wrong", post(secret[:-1] + "x").status_code)
    print("rows", WebhookEvent.objects.count())
    """
)


def test_the_receiver_stores_once_on_the_embedded_sqlite(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "VAR_DIR")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.dev")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    assert lines == {"stored": "stored", "again": "duplicate", "wrong": "404", "rows": "1"}
