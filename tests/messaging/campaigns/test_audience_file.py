"""An audience file uploaded in the campaign form: imported by the contact import's task, not
inside the request. The campaign is a draft linked to its import (``audience_import``); its
recipients are written once, in the transaction that closes the import; it cannot start before
(except at a later time, and then it waits); the page shows the import's progress and report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.campaigns.feeder import campaign_feed, campaigns_feed
from messaging.campaigns.models import Campaign, CampaignRecipient, CampaignState
from messaging.campaigns.services import (
    campaign_cancel,
    campaign_start,
    campaigns_import_finished,
)
from messaging.contact_import import contact_import_create, contact_import_run
from messaging.models import ContactImport, ContactList, ImportState, Message
from partners.roles import Role
from tests.factories import MembershipFactory
from tests.messaging.campaigns.conftest import make_campaign, sender
from tests.messaging.campaigns.test_views import form_data

pytestmark = pytest.mark.django_db

# Four sendable people (one opted out by its column), one invalid row, one duplicate.
FILE = (
    "Nome;Celular;Cidade;Sair\n"
    "Ana;(11) 98765-4321;Recife;\n"
    "Bia;11 98765-4322;Olinda;\n"
    "Caio;11987654323;Recife;sim\n"
    "Duda;+55 11 98765-4324;Natal;\n"
    "Zé;abc;Recife;\n"
    "Ana de novo;11 98765-4321;Recife;\n"
).encode()


def upload(content: bytes = FILE, name: str = "clientes.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def post_form(client, senders, *, content=FILE, **extra):
    return client.post(
        reverse("admin:messaging_campaign_add"), form_data(senders, upload=upload(content), **extra)
    )


def file_campaign(
    partner, senders, *, list_name: str = "Do arquivo", **options
) -> tuple[Campaign, ContactImport]:
    """A campaign waiting on a queued import of FILE (what the form makes)."""
    club = ContactList.objects.create(partner=partner, name=list_name)
    job = contact_import_create(
        partner_id=partner.pk, user=None, upload=upload(), contact_list_id=club.pk
    )
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    job.refresh_from_db()
    campaign = make_campaign(
        partner, senders, audience={"lists": [club.pk]}, audience_import=job, **options
    )
    return campaign, job


def test_the_form_queues_the_import_and_creates_a_waiting_draft(
    operator_client, partner, senders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_form(operator_client, senders)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and str(campaign.pk) in response["Location"]
    job = campaign.audience_import
    # Nothing imported inside the request: the job waits for its task, queued on commit.
    assert job.state == ImportState.QUEUED and job.total == 6 and job.processed == 0
    assert len(queued) == 1
    assert campaign.audience_pending and campaign.state == CampaignState.DRAFT
    assert not CampaignRecipient.objects.exists()
    assert campaign.audience["lists"] == [job.contact_list_id]
    assert job.contact_list.name.startswith("Natal (file ")
    assert job.mapping == {"0": "name", "1": "phone", "2": "var:cidade", "3": "opt_out"}


def test_the_finished_import_writes_the_recipients_and_the_page_shows_its_report(
    operator_client, partner, senders
):
    post_form(operator_client, senders)
    campaign = Campaign.objects.get()
    url = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
    waiting = operator_client.get(url).content.decode()
    assert "recipients not written yet" in waiting and "Shown once the audience file" in waiting
    assert "Nobody in this audience" not in waiting
    assert f'hx-get="{url}?part=audience"' in waiting and 'hx-trigger="every 1s"' in waiting
    part = operator_client.get(f"{url}?part=audience", headers={"HX-Request": "true"})
    assert 'id="import-progress"' in part.content.decode() and "HX-Refresh" not in part

    assert contact_import_run(import_id=campaign.audience_import_id).startswith("4 created")
    campaign.refresh_from_db()
    assert not campaign.audience_pending
    assert (campaign.audience_count, campaign.excluded_opted_out, campaign.excluded_invalid) == (
        3, 1, 0,
    )  # fmt: skip
    phones = set(CampaignRecipient.objects.values_list("phone", flat=True))
    assert phones == {"5511987654321", "5511987654322", "5511987654324"}
    assert {r.sender_id for r in CampaignRecipient.objects.all()} == {s.pk for s in senders}
    # The poll now reloads the page, which shows the counts and the import's report: the
    # invalid row with its line and its reason.
    part = operator_client.get(f"{url}?part=audience", headers={"HX-Request": "true"})
    assert part["HX-Refresh"] == "true"
    html = operator_client.get(url).content.decode()
    assert "3 recipients (1 opted out and 0 invalid left out)" in html
    assert "The import's report (1 invalid row)" in html
    assert "<td>6</td><td>abc</td>" in html and "hx-trigger" not in html.split("campaign-live")[0]
    assert reverse("admin:messaging_contact_import", args=[campaign.audience_import_id]) in html
    # ...and it can start.
    campaign_start(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.RUNNING


def test_the_recipients_are_written_exactly_once_even_if_the_task_runs_again(partner, senders):
    campaign, job = file_campaign(partner, senders)
    contact_import_run(import_id=job.pk)
    rows = CampaignRecipient.objects.order_by("pk").values_list("pk", "phone", "sender_id")
    first = list(rows)
    assert len(first) == 3
    # A redelivered task finds the import done and leaves it; one that died after the
    # import's work but before its end (state still running) imports again (idempotent) and
    # closes it again: the campaign is no longer waiting, nothing is written twice.
    assert contact_import_run(import_id=job.pk) == "not queued"
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
    assert contact_import_run(import_id=job.pk).startswith("0 created")
    job.refresh_from_db()
    assert campaigns_import_finished(job=job) == 0
    again = CampaignRecipient.objects.order_by("pk").values_list("pk", "phone", "sender_id")
    assert list(again) == first
    campaign.refresh_from_db()
    assert campaign.audience_count == 3


def test_an_import_failing_at_its_end_writes_nobody(partner, senders, monkeypatch):
    """The recipients and the import's "done" are one transaction: if writing them fails,
    the import is not done either, and the retried task does both."""
    campaign, job = file_campaign(partner, senders)
    from messaging.campaigns import services

    def broken(**kwargs):
        raise services.ValidationError("boom")

    real = services._recipients_write
    monkeypatch.setattr(services, "_recipients_write", broken)
    with pytest.raises(ValidationError):
        contact_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.RUNNING and not CampaignRecipient.objects.exists()
    monkeypatch.setattr(services, "_recipients_write", real)
    contact_import_run(import_id=job.pk)
    assert CampaignRecipient.objects.count() == 3
    assert not Campaign.objects.get(pk=campaign.pk).audience_pending


def test_start_is_refused_while_the_import_runs_and_after_it_failed(partner, senders):
    campaign, job = file_campaign(partner, senders)
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed=2)
    with pytest.raises(ValidationError, match=r"still being imported \(2 of 6 rows\)"):
        campaign_start(campaign=campaign)
    ContactImport.objects.filter(pk=job.pk).update(
        state=ImportState.FAILED, error="The CSV breaks at line 3"
    )
    job.refresh_from_db()
    campaigns_import_finished(job=job)
    with pytest.raises(ValidationError, match="could not be imported: The CSV breaks at line 3"):
        campaign_start(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.DRAFT


def test_a_campaign_scheduled_during_the_import_starts_once_its_recipients_are_written(
    partner, senders, django_capture_on_commit_callbacks
):
    campaign, job = file_campaign(partner, senders, starts_at=timezone.now() + timedelta(hours=1))
    campaign_start(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.SCHEDULED
    # Its time comes while the import still runs: the feeder leaves it scheduled.
    later = timezone.now() + timedelta(hours=2)
    Campaign.objects.filter(pk=campaign.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert campaigns_feed() == {"campaigns": 0, "fed": 0}
    assert campaign_feed(campaign_id=campaign.pk, now=later).state == CampaignState.SCHEDULED
    # The import ends: the recipients are written and the campaign is fed right after.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        contact_import_run(import_id=job.pk)
    assert len(queued) == 1  # the feed task
    result = campaign_feed(campaign_id=campaign.pk)
    assert result.state == CampaignState.RUNNING and result.fed == 3
    assert Message.objects.filter(direction="out").count() == 3


def test_a_scheduled_campaign_whose_import_fails_goes_back_to_a_draft_saying_why(partner, senders):
    campaign, job = file_campaign(partner, senders, starts_at=timezone.now() + timedelta(hours=1))
    campaign_start(campaign=campaign)
    ContactImport.objects.filter(pk=job.pk).update(stored_path="imports/gone/clientes.xlsx",
                                                   file_name="clientes.xlsx")  # fmt: skip
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("imports/gone/clientes.xlsx", ContentFile(b"PK\x03\x04 not a workbook"))
    assert contact_import_run(import_id=job.pk) == "failed"
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT and campaign.audience_pending
    assert campaign.state_reason.startswith("The audience file could not be imported: ")
    assert not CampaignRecipient.objects.exists()


def test_a_campaign_cancelled_during_the_import_gets_no_recipients(partner, senders):
    campaign, job = file_campaign(partner, senders)
    campaign_cancel(campaign=campaign)
    contact_import_run(import_id=job.pk)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CANCELLED and not campaign.audience_pending
    assert not CampaignRecipient.objects.exists()


def test_a_campaign_on_an_import_already_done_is_written_at_once(partner, senders):
    club = ContactList.objects.create(partner=partner, name="Do arquivo")
    job = contact_import_create(
        partner_id=partner.pk, user=None, upload=upload(), contact_list_id=club.pk
    )
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    contact_import_run(import_id=job.pk)
    job.refresh_from_db()
    campaign = make_campaign(partner, senders, audience={"lists": [club.pk]}, audience_import=job)
    assert not campaign.audience_pending and campaign.audience_count == 3


def test_a_file_without_a_phone_column_is_refused_and_leaves_nothing(
    operator_client, partner, senders
):
    response = post_form(operator_client, senders, content=b"Nome;Cidade\nAna;Recife\n")
    assert response.status_code == 200
    assert "No column of clientes.csv is recognised as the phone number" in (
        response.content.decode()
    )
    assert not Campaign.objects.exists() and not ContactImport.objects.exists()
    assert not ContactList.objects.exists()


def test_the_list_says_the_audience_is_being_imported_or_why_it_failed(
    operator_client, partner, senders
):
    """A campaign waiting for its file is not shown as a bare draft with "0 / 0": the list
    says how far its import is, with a bar in the list's own style, or why it failed."""
    _, job = file_campaign(partner, senders)
    ContactImport.objects.filter(pk=job.pk).update(
        state=ImportState.RUNNING, total=3000, processed=1200
    )
    list_url = reverse("admin:messaging_campaign_changelist")
    html = operator_client.get(list_url).content.decode()
    cell = re.search(r'<td class="campaign-importing" data-import-state="running">(.*?)</td>', html)
    assert cell, html
    assert "Importing audience · 1,200 of 3,000 rows" in cell.group(1)
    assert 'class="progress-bar" role="img" aria-label="40%"' in cell.group(1)
    assert 'width="64" height="12" rx="3" fill="#417690"' in cell.group(1)  # 40% of 160
    assert "0 / 0" not in html

    ContactImport.objects.filter(pk=job.pk).update(
        state=ImportState.FAILED, error="The CSV breaks at line 3"
    )
    job.refresh_from_db()
    campaigns_import_finished(job=job)
    html = operator_client.get(list_url).content.decode()
    assert 'data-import-state="failed"' in html
    assert "Audience import failed: The CSV breaks at line 3" in html
    assert 'class="progress-bar bar-failed"' in html and 'fill="#ba2121"' in html

    # Once the import is done the row is the usual one: the recipients' progress.
    _, done = file_campaign(partner, senders, list_name="Outro arquivo")
    contact_import_run(import_id=done.pk)
    html = operator_client.get(list_url).content.decode()
    assert html.count('class="campaign-importing"') == 1  # only the failed one
    assert "0 / 3 · 0%" in html


def test_the_list_queries_do_not_grow_with_campaigns_waiting_for_their_file(
    operator_client, partner, senders
):
    """One page of the list costs the same queries with 2 campaigns or 12, whether they wait
    for their file (queued, running, failed, gone), were made from one, or from none."""
    list_url = reverse("admin:messaging_campaign_changelist")

    made = iter(range(100))

    def add_some():
        def one():
            return file_campaign(partner, senders, list_name=f"Arquivo {next(made)}")

        make_campaign(partner, senders)
        _, job = one()
        ContactImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed=2)
        _, job = one()
        ContactImport.objects.filter(pk=job.pk).update(state=ImportState.FAILED, error="x")
        _, job = one()
        contact_import_run(import_id=job.pk)
        _, job = one()
        job.delete()

    def queries():
        operator_client.get(list_url)
        with CaptureQueriesContext(connection) as ctx:
            html = operator_client.get(list_url).content.decode()
        return len(ctx.captured_queries), html

    add_some()
    few, html = queries()
    assert html.count('class="campaign-importing"') == 3
    assert "Audience import gone" in html
    add_some()
    add_some()
    many, html = queries()
    assert html.count('class="campaign-importing"') == 9
    assert few == many


def test_the_import_page_links_back_to_its_campaigns_only_those_the_user_sees(
    operator, operator_client, staff_client, partner, other_partner, senders
):
    campaign, job = file_campaign(partner, senders)
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed=2)
    # A campaign of another partner pointing at this import (the services refuse it; here
    # it is forced) is never shown, not even to someone who sees both partners.
    foreign = make_campaign(other_partner, [sender(other_partner, "Globex 1")])
    Campaign.objects.filter(pk=foreign.pk).update(
        name="Segredo", audience_import=job, audience_pending=True
    )
    MembershipFactory(partner=other_partner, role=Role.OPERATOR, user=operator)
    url = reverse("admin:messaging_contact_import", args=[job.pk])
    campaign_url = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
    for client in (operator_client, staff_client):
        response = client.get(url)
        assert response.status_code == 200, response
        html = response.content.decode()
        assert f'<a href="{campaign_url}">Black Friday</a> · Draft' in html
        assert "waiting for this import: its recipients are written when it is done" in html
        assert "Segredo" not in html
        assert reverse("admin:messaging_campaign_progress", args=[foreign.pk]) not in html
    # The polled part says it too, and once the import is done, the recipients.
    part = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part and campaign_url in part and "waiting for this import" in part
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    contact_import_run(import_id=job.pk)
    part = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Campaign using this file" in part
    assert "Black Friday</a> · Draft · 3 recipients</li>" in part
    assert "waiting" not in part and "Segredo" not in part
    # An import no campaign was made from says nothing about campaigns.
    plain = contact_import_create(partner_id=partner.pk, user=None, upload=upload())
    ContactImport.objects.filter(pk=plain.pk).update(state=ImportState.QUEUED)
    html = operator_client.get(reverse("admin:messaging_contact_import", args=[plain.pk]))
    assert "import-campaigns" not in html.content.decode()


def test_the_import_page_says_a_waiting_campaign_gets_nobody_when_the_file_failed(
    operator_client, partner, senders
):
    _, job = file_campaign(partner, senders)
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.FAILED, error="broken")
    html = operator_client.get(reverse("admin:messaging_contact_import", args=[job.pk]))
    assert "no recipients: this file could not be imported" in html.content.decode()
