"""An audience file on the embedded defaults (SQLite, kombu's filesystem broker, no Redis):
the campaign form's path queues the contact import's task as on PostgreSQL and Redis, a real
``celery worker`` on the same folder runs it, and the campaign's recipients are written by the
import's closing transaction (the portable write)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.embedded import ROOT, embedded_env, embedded_run

pytestmark = pytest.mark.integration


QUEUE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction
    call_command("migrate", verbosity=0)
    from instances.models import ConnectionState, Instance
    from messaging.campaigns.audience import audience_import_queue
    from messaging.campaigns.services import VariantSpec, campaign_create
    from partners.models import Partner

    partner = Partner.objects.create(name="Embedded")
    number = Instance.objects.create(partner=partner, zapi_id="Z1", token="T", name="n1",
                                     connection_state=ConnectionState.CONNECTED)
    rows = ["telefone,nome,sair"] + [f"11 9{i:08d},P{i},{'sim' if i == 3 else ''}"
                                      for i in range(40)] + ["abc,Z,"]
    with transaction.atomic():
        job = audience_import_queue(partner=partner, list_name="Arquivo", upload=SimpleUploadedFile(
            "lista.csv", "\\n".join(rows).encode()))
        campaign = campaign_create(partner=partner, name="C", senders=[number],
                                   variants=[VariantSpec(fields={"message": "Oi {{nome}}"})],
                                   audience={"lists": [job.contact_list_id]}, audience_import=job)
    print(campaign.pk, campaign.audience_pending, campaign.recipients.count())
    """
)

READ = textwrap.dedent(
    """
    import django
    django.setup()
    from messaging.campaigns.models import Campaign
    c = Campaign.objects.get()
    print(c.audience_pending, c.audience_count, c.excluded_opted_out, c.recipients.count(),
          c.audience_import.state, len(c.audience_import.report.get("invalid", [])))
    """
)


def test_the_import_task_writes_the_recipients_on_the_embedded_defaults(tmp_path: Path):
    def run(script: str) -> str:
        return embedded_run(script, tmp_path)

    assert run(QUEUE).split()[1:] == ["True", "0"]  # queued, waiting, no recipients yet
    assert list((tmp_path / "broker" / "queue").iterdir())  # the task is in the broker's folder
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=embedded_env(tmp_path), stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while (state := run(READ)).startswith("True"):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, state
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert state.split() == ["False", "39", "1", "39", "done", "1"]
