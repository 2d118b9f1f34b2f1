"""Campaign pages: list, create with preview, progress (constant queries), actions, CSV,
scoping (foreign → 404) and capabilities (OPERATE to run)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from messaging.campaigns.feeder import campaign_feed
from messaging.campaigns.models import Campaign, CampaignRecipient, CampaignState
from messaging.campaigns.services import campaign_start
from messaging.models import ContactList, ContactListMember, Message
from messaging.states import MessageState
from partners.roles import Role
from tests.factories import MembershipFactory
from tests.messaging.campaigns.conftest import contacts, make_campaign, sender

pytestmark = pytest.mark.django_db


def form_data(senders, **extra):
    data = {
        "name": "Natal", "seed": "11", "senders": [s.pk for s in senders],
        "opt_out": "on", "window_start": "00:00", "window_end": "23:59",
        "window_weekdays": [str(d) for d in range(7)], "time_zone": "America/Sao_Paulo",
        "rest_every_min": "20", "rest_every_max": "30", "rest_min_minutes": "5",
        "rest_max_minutes": "15", "failover": "move", "breaker_scope": "sender",
        "v1-kind": "text", "v1-message": "{Oi|Olá} {{primeiro_nome}}, feliz natal!",
        "v2-kind": "text", "v3-kind": "text",
    }  # fmt: skip
    data.update(extra)
    return data


def test_create_form_previews_three_real_recipients_then_creates(operator_client, partner,
                                                                  senders):  # fmt: skip
    people = contacts(partner, 5)
    club = ContactList.objects.create(partner=partner, name="Clube")
    ContactListMember.objects.bulk_create(
        ContactListMember(contact=p, contact_list=club) for p in people[:4]
    )
    url = reverse("admin:messaging_campaign_add")
    assert operator_client.get(url).status_code == 200
    response = operator_client.post(url, form_data(senders, lists=[club.pk], preview="1"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview) == 3
    assert preview[0].text.startswith(("Oi Pessoa", "Olá Pessoa"))
    assert preview[0].text.endswith("Responda SAIR para não receber mais")
    assert not Campaign.objects.exists()
    response = operator_client.post(url, form_data(senders, lists=[club.pk]))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and str(campaign.pk) in response["Location"]
    assert campaign.audience_count == 4 and campaign.seed == 11
    # The draft page shows the same texts the form previewed.
    page = operator_client.get(reverse("admin:messaging_campaign_progress", args=[campaign.pk]))
    assert [p.text for p in page.context["preview"]] == [p.text for p in preview]


def test_create_form_says_what_is_wrong(operator_client, partner, senders):
    response = operator_client.post(
        reverse("admin:messaging_campaign_add"),
        form_data(senders, **{"v1-message": "Oi {Ana", "rest_every_max": "3"}),
    )
    assert response.status_code == 200
    assert "never closed" in response.content.decode()
    assert response.context["form"].errors["rest_every_max"]
    assert not Campaign.objects.exists()


def test_progress_page_queries_do_not_grow_with_recipients(operator_client, partner, senders):
    def queries_for(count, start):
        contacts(partner, count, start=start)
        campaign = make_campaign(partner, senders, audience={"search": f"Pessoa {start}"})
        campaign_start(campaign=campaign)
        campaign_feed(campaign_id=campaign.pk)
        Message.objects.filter(state=MessageState.QUEUED).update(state=MessageState.READ)
        url = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
        operator_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert operator_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(5, 1000) == queries_for(300, 2000)


def test_live_part_and_funnel(operator_client, partner, senders):
    contacts(partner, 6)
    campaign = make_campaign(partner, senders)
    campaign_start(campaign=campaign)
    campaign_feed(campaign_id=campaign.pk)
    url = reverse("admin:messaging_campaign_progress", args=[campaign.pk]) + "?part=live"
    response = operator_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and '<svg class="funnel"' in html
    assert "<html" not in html  # only the live part


def test_actions_pause_resume_cancel_duplicate(operator_client, partner, senders):
    contacts(partner, 4)
    campaign = make_campaign(partner, senders)

    def do(action):
        url = reverse("admin:messaging_campaign_action", args=[campaign.pk, action])
        return operator_client.post(url)

    assert do("start").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.RUNNING
    do("pause")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PAUSED
    do("resume")
    do("cancel")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CANCELLED
    response = do("duplicate")
    copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert copy.state == CampaignState.DRAFT and str(copy.pk) in response["Location"]
    assert do("explode").status_code == 404
    logged = list(AuditEntry.objects.order_by("pk").values_list("action", "actor__username"))
    assert logged == [
        (AuditAction.CAMPAIGN_START, "olga"), (AuditAction.CAMPAIGN_PAUSE, "olga"),
        (AuditAction.CAMPAIGN_RESUME, "olga"), (AuditAction.CAMPAIGN_CANCEL, "olga"),
    ]  # fmt: skip
    url = reverse("admin:messaging_campaign_action", args=[campaign.pk, "pause"])
    assert operator_client.get(url).status_code == 405


def test_csv_export_has_every_recipient_and_why(operator_client, partner, senders):
    people = contacts(partner, 3)
    people[0].name = "=cmd|'/c calc'!A1"
    people[0].save()
    campaign = make_campaign(partner, senders)
    CampaignRecipient.objects.filter(contact=people[1]).update(state="skipped", reason="opted_out")
    url = reverse("admin:messaging_campaign_export", args=[campaign.pk])
    response = operator_client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4 and rows[0][0] == "phone"
    names = {r[1] for r in rows[1:]}
    assert "'=cmd|'/c calc'!A1" in names  # never a formula in a spreadsheet
    assert any(r[4] == "Skipped" and "Opted out" in r[5] for r in rows[1:])


def test_foreign_campaigns_are_404_and_support_cannot_run_one(
    operator_client, partner, other_partner, senders
):
    contacts(other_partner, 2, start=900)
    foreign = make_campaign(other_partner, [sender(other_partner, "Globex 1")])
    for url in (
        reverse("admin:messaging_campaign_progress", args=[foreign.pk]),
        reverse("admin:messaging_campaign_export", args=[foreign.pk]),
    ):
        assert operator_client.get(url).status_code == 404
    assert (
        operator_client.post(
            reverse("admin:messaging_campaign_action", args=[foreign.pk, "start"])
        ).status_code
        == 404
    )
    assert (
        "Globex"
        not in operator_client.get(reverse("admin:messaging_campaign_changelist")).content.decode()
    )
    own = make_campaign(partner, senders)
    support = Client()
    support.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    assert (
        support.get(reverse("admin:messaging_campaign_progress", args=[own.pk])).status_code == 200
    )
    url = reverse("admin:messaging_campaign_action", args=[own.pk, "start"])
    assert support.post(url).status_code == 403
    assert support.get(reverse("admin:messaging_campaign_add")).status_code == 403
    own.refresh_from_db()
    assert own.state == CampaignState.DRAFT


def test_list_shows_state_progress_and_senders(operator_client, partner, senders):
    contacts(partner, 4)
    campaign = make_campaign(partner, senders)
    campaign_start(campaign=campaign)
    campaign_feed(campaign_id=campaign.pk)
    Message.objects.update(state=MessageState.READ)
    campaign_feed(campaign_id=campaign.pk)  # the feeder keeps the counts
    response = operator_client.get(reverse("admin:messaging_campaign_changelist"))
    html = response.content.decode()
    assert response.status_code == 200 and "Black Friday" in html
    assert "4 / 4 · 100%" in html and "Sender 0" in html and "progress-bar" in html


def test_an_answer_of_its_own_goes_into_the_line_and_the_campaign(operator_client, partner,
                                                                  senders):  # fmt: skip
    contacts(partner, 3)
    url = reverse("admin:messaging_campaign_add")
    response = operator_client.post(url, form_data(senders, opt_out_answer="2", preview="1"))
    assert response.context["preview"][0].text.endswith("Responda 2 para não receber mais")
    operator_client.post(url, form_data(senders, opt_out_answer="2"))
    campaign = Campaign.objects.get()
    assert (campaign.opt_out_answer, campaign.opt_out_line) == (
        "2", "Responda 2 para não receber mais",
    )  # fmt: skip
    operator_client.post(url, form_data(senders, opt_out_answer="2", opt_out="", name="Sem"))
    assert (Campaign.objects.get(name="Sem").opt_out_answer, "") == ("", "")


def test_label_choices_say_their_number_and_a_foreign_one_is_refused(operator_client, partner,
                                                                    senders):  # fmt: skip
    """Every label is offered with its number (data-owner), so the page narrows them to the
    ticked senders as they are ticked (fleet.js; tests/e2e/test_campaigns.py); a label of a
    number that is not a sender is refused with both names."""
    from django.utils import timezone

    from instances.business.models import Label

    first, second = senders[0], senders[1]
    mine = Label.objects.create(instance=first, label_id="1", name="Quente", read_at=timezone.now())
    other = Label.objects.create(instance=second, label_id="1", name="Frio", read_at=timezone.now())
    url = reverse("admin:messaging_campaign_add")
    page = operator_client.get(url)
    assert set(page.context["form"].fields["labels"].queryset) == {mine, other}
    html = page.content.decode()
    assert 'data-narrow-by="senders"' in html
    for label, number in ((mine, first), (other, second)):
        assert re.search(rf'name="labels" value="{label.pk}"[^>]* data-owner="{number.pk}"', html)
    # A preview with one sender still renders every label: ticking another shows its own.
    response = operator_client.post(url, {**form_data([first]), "preview": "1"})
    assert set(response.context["form"].fields["labels"].queryset) == {mine, other}
    response = operator_client.post(url, form_data([first], labels=[other.pk]))
    assert response.status_code == 200 and not Campaign.objects.exists()
    errors = response.context["form"].errors["labels"]
    assert errors == [f"“Frio” is a label of {second.name}, which is not a sender."]
