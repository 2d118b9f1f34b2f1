"""A campaign in a real browser (Debian's Chromium): an operator builds it from a list,
previews it, starts it on a pool of sandbox numbers, watches the live progress and the funnel,
pauses and resumes it, and every recipient ends with a clear state. Real workers and beat
(the feeder), the sandbox over real HTTP."""

from __future__ import annotations

import pytest

from messaging.campaigns.models import Campaign, CampaignRecipient, CampaignState, RecipientState
from messaging.models import Contact, ContactList, ContactListMember, Message
from tests.e2e.conftest import login, screenshot
from tests.live import wait_for
from tests.messaging.live import DONE, sandbox_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_operator_runs_a_campaign_and_watches_it_progress(
    page, live_url, celery_workers, partner, operator, monkeypatch
):
    monkeypatch.setenv("CAMPAIGN_FEED_SECONDS", "1")
    numbers = [sandbox_number(partner, name=f"Loja {i}", min_gap=0.3, max_gap=0.6) for i in (1, 2)]
    people = Contact.objects.bulk_create(
        Contact(partner=partner, phone=f"55119876{i:05d}", name=f"Cliente {i}",
                extra={"cidade": "Recife"})
        for i in range(12)
    )  # fmt: skip
    club = ContactList.objects.create(partner=partner, name="Clientes VIP")
    ContactListMember.objects.bulk_create(
        ContactListMember(contact=p, contact_list=club) for p in people
    )
    Contact.objects.filter(pk=people[0].pk).update(opted_out_at="2026-01-01T00:00:00Z")
    celery_workers.start(1, extra=["--pool", "solo", "-B", "--schedule", "var/test-beat-camp"])

    login(page, live_url, operator)
    page.click("nav.fleet-nav >> text=Campaigns")
    page.click("text=New campaign")
    page.fill("[name=name]", "Natal VIP")
    for n in numbers:
        page.check(f"label:has-text('{n.name}') >> input")
    page.check("label:has-text('Clientes VIP') >> input")
    page.fill("[name=v1-message]", "{Oi|Olá} {{primeiro_nome}}! Novidades em {{cidade}}.")
    page.fill("[name=v2-message]", "{Bom dia|Boa tarde}, {{nome}}: temos presentes para você.")
    for day in range(7):
        page.check(f"[name=window_weekdays][value='{day}']")
    page.fill("[name=window_start]", "00:00")
    page.fill("[name=window_end]", "23:59")
    page.fill("[name=rest_every_min]", "4")
    page.fill("[name=rest_every_max]", "5")
    page.fill("[name=rest_min_minutes]", "0.05")
    page.fill("[name=rest_max_minutes]", "0.1")
    page.click("input[name=preview]")
    page.wait_for_selector(".preview-card")
    cards = page.locator(".preview-card")
    assert cards.count() == 3
    assert "Recife" in cards.first.inner_text() or "Cliente" in cards.first.inner_text()
    assert "Cliente 0" not in page.inner_text("#preview")  # opted out
    screenshot(page, "campaign-create-preview")
    page.click("input[type=submit][value='Create campaign']")
    page.wait_for_selector(".campaign-safety")
    screenshot(page, "campaign-draft")
    page.click("button[value=start]")
    page.wait_for_selector(".campaign-state.state-running")
    # The live part refreshes by itself (htmx): some messages go out, then pause.
    campaign = Campaign.objects.get()
    assert campaign.excluded_opted_out == 1
    wait_for(lambda: Message.objects.filter(state__in=["sent", "received", "read"]).count() >= 2,
             timeout=60)  # fmt: skip
    page.wait_for_selector("#campaign-live .campaign-senders td:has-text('Loja 1')")
    screenshot(page, "campaign-progress-live")
    page.click("button[value=pause]")
    page.wait_for_selector(".campaign-state.state-paused")
    page.click("button[value=resume]")
    page.wait_for_selector(".campaign-state.state-running")
    wait_for(
        lambda: Campaign.objects.get(pk=campaign.pk).state == CampaignState.COMPLETED, timeout=150
    )
    page.wait_for_selector("text=ended", timeout=20_000)
    page.reload()
    funnel = page.locator("svg.funnel")
    assert funnel.is_visible() and "Read" in funnel.inner_html()
    screenshot(page, "campaign-progress")
    # Every recipient has one final state; nobody opted out got anything; nobody twice.
    recipients = CampaignRecipient.objects.filter(campaign=campaign).select_related("message")
    assert recipients.count() == 11
    assert all(r.state == RecipientState.QUEUED for r in recipients)
    assert {r.message.state for r in recipients} <= set(DONE)  # accepted or further
    assert not Message.objects.filter(chat_id=people[0].phone).exists()
    chats = list(Message.objects.filter(direction="out").values_list("chat_id", flat=True))
    assert len(chats) == len(set(chats)) == 11
    page.goto(f"{live_url}/messaging/campaign/")
    screenshot(page, "campaign-list")
    assert "Natal VIP" in page.inner_text("#content-main")


def test_labels_narrow_to_the_ticked_senders_and_a_file_shows_its_import(
    page, live_url, celery_workers, partner, operator, tmp_path
):
    """The labels offered are those of the ticked senders, as they are ticked (fleet.js); an
    uploaded audience file is imported by the worker while the campaign page shows the
    import's progress, then the page reloads by itself with the counts and the report."""
    from django.utils import timezone

    from instances.business.models import Label

    first, second = (
        sandbox_number(partner, name=f"Balcão {i}", min_gap=0.3, max_gap=0.6) for i in (1, 2)
    )
    now = timezone.now()
    Label.objects.create(instance=first, label_id="1", name="Quente", read_at=now)
    Label.objects.create(instance=second, label_id="1", name="Frio", read_at=now)
    hot, cold = "label:has-text('Quente (Balcão 1)')", "label:has-text('Frio (Balcão 2)')"

    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/campaign/add/")
    assert page.is_visible(hot) and page.is_visible(cold)  # no sender ticked: every label
    page.check("label:has-text('Balcão 1 ·') >> input")
    assert page.is_visible(hot) and not page.is_visible(cold)
    page.check("label:has-text('Balcão 2 ·') >> input")
    assert page.is_visible(hot) and page.is_visible(cold)
    page.uncheck("label:has-text('Balcão 1 ·') >> input")
    assert not page.is_visible(hot) and page.is_visible(cold)
    screenshot(page, "audience-labels")

    rows = ["telefone;nome;sair"] + [f"11 9{i:08d};Pessoa {i};" for i in range(3000)]
    rows += ["11 91234;Curto;", "11 900000007;Pessoa 7 de novo;"]
    csv = tmp_path / "clientes.csv"
    csv.write_text("\n".join(rows))
    page.fill("[name=name]", "Do arquivo")
    page.set_input_files("[name=upload]", str(csv))
    page.fill("[name=v1-message]", "{Oi|Olá} {{nome}}!")
    page.click("input[type=submit][value='Create campaign']")
    # No worker yet: the import waits in the queue, and the page says so with its bar.
    page.wait_for_selector(".campaign-audience-file #import-progress[data-state=queued]")
    assert "recipients not written yet" in page.inner_text(".campaign-head")
    screenshot(page, "audience-import-queued")
    page.click("button[value=start]")
    assert "still being imported" in page.inner_text(".messagelist")
    celery_workers.start(1, extra=["--pool", "solo"])
    # The worker imports; the page polls the import and reloads itself once it is done.
    page.wait_for_selector(".campaign-audience-file[data-pending='0']", timeout=90_000)
    assert "3000 recipients (0 opted out and 0 invalid left out)" in page.inner_text(
        ".campaign-head"
    )
    page.click("summary:has-text('report')")
    invalid = page.inner_text(".import-invalid")
    assert "3002" in invalid and "11 91234" in invalid
    screenshot(page, "audience-import-done")
    campaign = Campaign.objects.get(name="Do arquivo")
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 3000
    page.click("button[value=start]")
    page.wait_for_selector(".campaign-state.state-running")
    page.click("button[value=cancel]")
    page.wait_for_selector(".campaign-state.state-cancelled")


def test_the_list_and_the_import_page_show_a_campaign_waiting_for_its_file(
    page, live_url, partner, other_partner, operator
):
    """The list says how far a campaign's audience file is (or why it failed) with the
    list's bar; the import's own page links back to the campaign waiting on it (never to
    another partner's), and says its recipients once the import is done."""
    from messaging.contact_import import contact_import_run
    from messaging.models import ContactImport, ImportState
    from tests.messaging.campaigns.conftest import make_campaign, sender
    from tests.messaging.campaigns.test_audience_file import file_campaign

    senders = [sender(partner, f"Balcão {i}") for i in (1, 2)]
    make_campaign(partner, senders)  # an ordinary draft, for comparison
    natal, running = file_campaign(partner, senders, list_name="Natal (file)")
    Campaign.objects.filter(pk=natal.pk).update(name="Natal")
    ContactImport.objects.filter(pk=running.pk).update(
        state=ImportState.RUNNING, total=3000, processed=1200
    )
    pascoa, failed = file_campaign(partner, senders, list_name="Páscoa (file)")
    Campaign.objects.filter(pk=pascoa.pk).update(name="Páscoa")
    ContactImport.objects.filter(pk=failed.pk).update(
        state=ImportState.FAILED, error="The CSV breaks at line 3: a quote is never closed."
    )
    foreign = make_campaign(other_partner, [sender(other_partner, "Globex 1")])
    Campaign.objects.filter(pk=foreign.pk).update(name="Segredo", audience_import=running)

    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/campaign/")
    importing = page.inner_text("td.campaign-importing[data-import-state=running]")
    assert "Importing audience · 1,200 of 3,000 rows" in importing
    assert page.is_visible("td.campaign-importing[data-import-state=running] svg.progress-bar")
    why = page.inner_text("td.campaign-importing[data-import-state=failed]")
    assert "Audience import failed: The CSV breaks at line 3" in why
    assert page.locator("td.campaign-importing").count() == 2 and "Segredo" not in page.content()
    screenshot(page, "audience2-list")

    page.goto(f"{live_url}/messaging/contact/import/{running.pk}/")
    links = page.inner_text(".import-campaigns")
    assert "Natal · Draft · waiting for this import" in links and "Segredo" not in links
    screenshot(page, "audience2-import-running")
    # The import ends (here in the test process): the polled part says the recipients.
    ContactImport.objects.filter(pk=running.pk).update(state=ImportState.QUEUED, total=6)
    contact_import_run(import_id=running.pk)
    page.wait_for_selector("#import-progress[data-state=done] .import-campaigns")
    assert "Natal · Draft · 3 recipients" in page.inner_text(".import-campaigns")
    assert "Segredo" not in page.content()
    screenshot(page, "audience2-import-done")
    page.click(".import-campaigns a:has-text('Natal')")
    page.wait_for_selector(".campaign-audience-file[data-pending='0']")

    page.goto(f"{live_url}/messaging/contact/import/{failed.pk}/")
    assert "no recipients: this file could not be imported" in page.inner_text(".import-campaigns")
    screenshot(page, "audience2-import-failed")
