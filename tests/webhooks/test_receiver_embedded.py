"""The receiver's one statement (``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``)
runs on the embedded defaults too (SQLite, no Redis)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.embedded import embedded_lines

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
    lines = embedded_lines(SCRIPT, tmp_path)
    assert lines == {"stored": "stored", "again": "duplicate", "wrong": "404", "rows": "1"}
