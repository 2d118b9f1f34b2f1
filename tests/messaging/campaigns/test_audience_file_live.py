"""An audience file through the campaign form with a real Celery worker: the request only
queues the import; the worker imports the file and writes the recipients; the campaign then
starts from its page and every recipient's message reaches the sandbox once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.campaigns.models import Campaign, CampaignRecipient, CampaignState
from messaging.models import Contact, ImportState
from tests.live import wait_for
from tests.messaging.campaigns.test_views import form_data
from tests.messaging.live import DONE, received_at_sandbox, sandbox_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 1_500


def test_a_file_uploaded_in_the_campaign_form_is_imported_by_the_worker_then_started(
    celery_workers, operator_client, partner, monkeypatch
):
    monkeypatch.setenv("CAMPAIGN_FEED_SECONDS", "1")
    # One worker with beat (the feeder's schedule), started before the upload.
    celery_workers.start(1, concurrency=2, extra=["-B", "--schedule", "var/test-beat-audience"])
    numbers = [sandbox_number(partner, name=f"Arquivo {i}", min_gap=0, max_gap=0) for i in (1, 2)]
    lines = ["telefone,nome,cidade,sair"]
    lines += [f"11 9{i:08d},Pessoa {i},Recife,{'sim' if i % 100 == 0 else ''}" for i in range(ROWS)]
    lines += ["não é número,Zé,Recife,"]
    upload = SimpleUploadedFile("lista.csv", "\n".join(lines).encode())
    response = operator_client.post(
        reverse("admin:messaging_campaign_add"),
        form_data(numbers, upload=upload, **{"v1-message": "{Oi|Olá} {{nome}} de {{cidade}}"}),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.audience_import is not None
    job = campaign.audience_import

    def written():
        campaign.refresh_from_db()
        return not campaign.audience_pending

    wait_for(written, timeout=120)
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.processed == ROWS + 1
    assert job.report["created"] == ROWS and job.report["invalid"][0]["line"] == ROWS + 2
    assert (campaign.audience_count, campaign.excluded_opted_out) == (ROWS - ROWS // 100, 15)
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == campaign.audience_count

    # Started from its page, as an operator does; the worker feeds and sends.
    page = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
    operator_client.post(reverse("admin:messaging_campaign_action", args=[campaign.pk, "start"]))
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.RUNNING
    assert "recipients not written yet" not in operator_client.get(page).content.decode()
    # A few go out (the whole campaign is the bench's job): each from its own sender, once.
    wait_for(
        lambda: (
            CampaignRecipient.objects.filter(campaign=campaign, message__state__in=DONE).count()
            >= 10
        ),
        timeout=120,
    )
    sent = {
        (r.sender_id, r.phone)
        for r in CampaignRecipient.objects.filter(campaign=campaign, message__state__in=DONE)
    }
    at_sandbox = Counter(
        (n.pk, m.payload["phone"]) for n in numbers for m in received_at_sandbox(n)
    )
    assert sent <= set(at_sandbox) and max(at_sandbox.values()) == 1
    opted_out = set(
        Contact.objects.filter(partner=partner, opted_out_at__isnull=False).values_list(
            "phone", flat=True
        )
    )
    assert len(opted_out) == 15 and not opted_out & {p for _n, p in at_sandbox}
    operator_client.post(reverse("admin:messaging_campaign_action", args=[campaign.pk, "cancel"]))
