"""/api/campaigns/: the campaign pages' services through the API — create from a list,
preview, safety, start/pause/resume/cancel with audit rows, progress figures, recipients
with reasons, and the ``campaign.progress`` webhook when state or counts move."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from hooks.models import Delivery, Endpoint
from hooks.selectors import subscriptions_forget
from messaging.campaigns.models import Campaign, CampaignState
from messaging.models import Contact, ContactList
from tests.factories import InstanceFactory
from tests.messaging.campaigns.conftest import ALL_DAY, contacts, sender

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(partner):
    leads = ContactList.objects.create(partner=partner, name="Leads")
    people = contacts(partner, 5)
    Contact.objects.filter(pk=people[0].pk).update(opted_out_at=timezone.now())
    leads.contacts.add(*people)
    return leads


@pytest.fixture
def pool(partner):
    return [sender(partner, "Loja 1"), sender(partner, "Loja 2")]


def body(pool, leads, **extra):
    return {
        "name": "Black Friday", "senders": [s.pk for s in pool], "lists": [leads.pk],
        "variants": [{"kind": "text", "message": "{Oi|Olá} {{nome}}, 20% hoje!"}],
        "seed": 7, "window_start": str(ALL_DAY["window_start"]),
        "window_end": str(ALL_DAY["window_end"]), **extra,
    }  # fmt: skip


@pytest.fixture
def hooked(partner):
    Endpoint.objects.create(partner=partner, url="https://crm.example/in",
                            event_types=["campaign.progress"])  # fmt: skip
    subscriptions_forget()
    yield
    subscriptions_forget()


def test_create_preview_and_the_safety_checks(api, pool, audience):
    preview = api.post("/api/campaigns/preview/", body(pool, audience), format="json")
    assert preview.status_code == 200, preview.content
    rows = preview.json()["recipients"]
    assert len(rows) == 3 and all("{" not in r["text"] for r in rows)
    assert rows[0]["text"].split()[1].startswith("Pessoa")
    assert Campaign.objects.count() == 0  # a preview saves nothing

    made = api.post("/api/campaigns/", body(pool, audience), format="json")
    assert made.status_code == 201, made.content
    campaign = made.json()
    assert (campaign["state"], campaign["audience_count"]) == ("draft", 4)
    assert campaign["excluded_opted_out"] == 1 and sorted(campaign["senders"]) == sorted(
        s.pk for s in pool
    )
    draft = api.get(f"/api/campaigns/{campaign['id']}/preview/").json()
    # The same render as before creating: same seed, same variants, same people.
    assert [r["text"] for r in draft["recipients"]] == [r["text"] for r in rows]
    assert all(f["level"] in ("blocker", "warning") for f in draft["safety"])


def test_bad_input_is_a_400_that_says_why(api, pool, audience):
    broken = body(pool, audience, variants=[{"kind": "text", "message": "Oi {{nome"}])
    answer = api.post("/api/campaigns/", broken, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"][0]["attr"] == "variants"
    no_text = body(pool, audience, variants=[{"kind": "image"}])
    assert api.post("/api/campaigns/", no_text, format="json").status_code == 400
    assert Campaign.objects.count() == 0


def test_another_partners_sender_is_a_404(api, pool, audience, other_partner):
    theirs = InstanceFactory(partner=other_partner)
    answer = api.post("/api/campaigns/", body([pool[0], theirs], audience), format="json")
    assert answer.status_code == 404
    assert Campaign.objects.count() == 0


def test_start_pause_resume_cancel_are_audited_and_hooked(api, pool, audience, hooked):
    pk = api.post("/api/campaigns/", body(pool, audience), format="json").json()["id"]
    for step, state in (("start", "running"), ("pause", "paused"), ("resume", "running"),
                        ("cancel", "cancelled")):  # fmt: skip
        answer = api.post(f"/api/campaigns/{pk}/{step}/")
        assert answer.status_code == 200, (step, answer.content)
        assert answer.json()["state"] == state
    again = api.post(f"/api/campaigns/{pk}/cancel/")
    assert again.status_code == 409 and "nothing to do" in again.json()["errors"][0]["detail"]
    rows = AuditEntry.objects.order_by("pk")
    assert [r.action for r in rows] == [
        AuditAction.CAMPAIGN_START,
        AuditAction.CAMPAIGN_PAUSE,
        AuditAction.CAMPAIGN_RESUME,
        AuditAction.CAMPAIGN_CANCEL,
    ]
    assert all(r.actor_name.startswith("API key CRM (") for r in rows)
    payloads = [d.payload for d in Delivery.objects.order_by("pk")]
    assert [p["type"] for p in payloads] == ["campaign.progress"] * len(payloads)
    states = [p["data"]["state"] for p in payloads if p["data"]["state"] != "running"
              or p is payloads[0]]  # fmt: skip
    assert states[0] == "running" and "paused" in states and states[-1] == "cancelled"
    last = payloads[-1]["data"]
    assert (last["campaign"], last["audience"], last["skipped"]) == (pk, 4, 4)


def test_progress_figures_and_recipients_with_reasons(api, pool, audience):
    pk = api.post("/api/campaigns/", body(pool, audience), format="json").json()["id"]
    progress = api.get(f"/api/campaigns/{pk}/progress/").json()
    assert (progress["audience"], progress["pending"], progress["excluded_opted_out"]) == (4, 4, 1)
    assert progress["audience_text"] == "lists: Leads"
    assert {s["name"] for s in progress["senders"]} == {"Loja 1", "Loja 2"}
    assert sum(s["tally"]["audience"] for s in progress["senders"]) == 4
    page = api.get(f"/api/campaigns/{pk}/recipients/?page_size=3").json()
    assert len(page["results"]) == 3 and page["next"]
    assert page["results"][0]["outcome"] == "Waiting"
    rest = api.get(page["next"]).json()["results"]
    assert len(rest) == 1
    api.post(f"/api/campaigns/{pk}/cancel/")
    skipped = api.get(f"/api/campaigns/{pk}/recipients/?outcome=skipped").json()["results"]
    assert len(skipped) == 4 and skipped[0]["reason"] == "Campaign cancelled"
    bad = api.get(f"/api/campaigns/{pk}/recipients/?outcome=sideways")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "outcome"


def test_a_support_key_reads_but_may_not_start(partner, partner_admin, pool, audience):
    from tests.api.conftest import key_client, make_key

    operator = key_client(make_key(partner_admin, partner, "operator"))
    pk = operator.post("/api/campaigns/", body(pool, audience), format="json").json()["id"]
    support = key_client(make_key(partner_admin, partner, "support"))
    assert support.get(f"/api/campaigns/{pk}/progress/").status_code == 200
    assert support.post(f"/api/campaigns/{pk}/start/").status_code == 403
    assert Campaign.objects.get(pk=pk).state == CampaignState.DRAFT


def test_a_campaign_on_a_contact_import_waits_for_it(api, pool, audience, partner,
                                                     other_partner):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from messaging.contact_import import contact_import_create, contact_import_run
    from messaging.models import ContactImport, ImportState

    into = ContactList.objects.create(partner=partner, name="Arquivo")
    job = contact_import_create(
        partner_id=partner.pk, user=None, contact_list_id=into.pk,
        upload=SimpleUploadedFile("a.csv", b"telefone,nome\n11987650001,Ana\n11987650002,Bia\n"),
    )  # fmt: skip
    refused = api.post("/api/campaigns/", body(pool, audience, audience_import=job.pk),
                       format="json")  # fmt: skip
    assert refused.status_code == 400 and "Start this import first" in refused.content.decode()
    theirs = ContactImport.objects.create(partner=other_partner, file_name="x.csv",
                                          stored_path="x", state=ImportState.QUEUED)  # fmt: skip
    foreign = api.post("/api/campaigns/", body(pool, audience, audience_import=theirs.pk),
                       format="json")  # fmt: skip
    assert foreign.status_code == 400 and "No contact import" in foreign.content.decode()
    ContactImport.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    made = api.post("/api/campaigns/", body(pool, audience, audience_import=job.pk), format="json")
    assert made.status_code == 201, made.content
    campaign = made.json()
    assert (campaign["audience_import"], campaign["audience_pending"]) == (job.pk, True)
    assert campaign["audience_count"] == 0
    pk = campaign["id"]
    early = api.post(f"/api/campaigns/{pk}/start/")
    assert early.status_code == 409 and "still being imported" in early.content.decode()
    contact_import_run(import_id=job.pk)
    campaign = api.get(f"/api/campaigns/{pk}/").json()
    assert (campaign["audience_pending"], campaign["audience_count"]) == (False, 6)  # 4 + 2
    assert api.post(f"/api/campaigns/{pk}/start/").json()["state"] == "running"
