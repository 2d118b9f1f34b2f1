"""The ingest process on the embedded defaults (SQLite, no Redis): its pool and batch
statement are PostgreSQL's, so there every request is Django's receiver, as on the web
process (it answered 500 before: no psycopg connection parameters to build a pool from)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.embedded import embedded_lines

SCRIPT = textwrap.dedent(
    """
    import asyncio, json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    import httpx
    from django.urls import reverse
    from instances.models import Instance
    from partners.models import Partner
    from webhooks.ingest import Ingest
    from webhooks.models import WebhookEvent

    instance = Instance.objects.create(partner=Partner.objects.create(name="E"), zapi_id="Z",
                                       token="T", name="n")
    kwargs = {"instance_id": instance.pk, "secret": str(instance.webhook_secret)}
    path = reverse("webhooks:receive", kwargs=kwargs)
    wrong = reverse("webhooks:receive", kwargs={**kwargs, "secret": "x" * 20})
    body = json.dumps({"type": "MessageStatusCallback", "status": "READ", "ids": ["E1"],
                       "momment": 1700000000000, "phone": "5544999999999"})

    async def go():
        app = Ingest()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            headers = {"content-type": "application/json"}
            answers = [await c.post(p, content=body, headers=headers) for p in (path, path, wrong)]
        print("fast", app.fast)
        return answers

    stored, again, refused = asyncio.run(go())
    print("stored", stored.status_code, stored.json()["status"])
    print("again", again.status_code, again.json()["status"])
    print("wrong", refused.status_code)
    print("rows", WebhookEvent.objects.filter(instance=instance).count())
    """
)


def test_the_ingest_process_answers_as_the_receiver_on_the_embedded_defaults(tmp_path: Path):
    lines = embedded_lines(SCRIPT, tmp_path)
    assert lines == {
        "fast": "False",
        "stored": "200 stored",
        "again": "200 duplicate",
        "wrong": "404",
        "rows": "1",
    }
