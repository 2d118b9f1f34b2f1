"""The WhatsApp Business tabs in a real browser (Debian's Chromium) against the live server
and the sandbox: labels, catalog, company profile, copy to numbers, and the disabled state."""

from __future__ import annotations

import pytest

from instances.business.models import Label
from sandbox.models import SandboxChat, SandboxTag
from tests.e2e.conftest import login, screenshot
from tests.instances.conftest import make_pair

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CUSTOMER = "5511988887777"


def test_labels_tab_sync_create_and_label_a_chat_from_the_conversation(
    page, live_url, partner, operator
):
    ours, box = make_pair(partner, connected=True)
    vip = SandboxTag.objects.create(instance=box, name="VIP", color=1)
    SandboxTag.objects.create(instance=box, name="Paid", color=5)
    SandboxChat.objects.create(instance=box, phone=CUSTOMER, tags=[str(vip.pk)])
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/labels/")
    page.click("button:has-text('Sync from Z-API')")
    page.wait_for_selector("text=2 labels read from Z-API")
    assert page.inner_text(f"#label-{Label.objects.get(name='VIP').pk} .label-count") == "1"
    page.fill("#id_name", "New lead")
    page.check(".palette input[name=color][value='2']")
    page.click("button:has-text('Create at Z-API')")
    page.wait_for_selector("td.label-name:has-text('New lead')")
    assert SandboxTag.objects.filter(instance=box, name="New lead", color=2).exists()
    screenshot(page, "business-labels")

    page.goto(f"{live_url}/messaging/message/conversation/{ours.pk}/{CUSTOMER}/")
    page.select_option("#id_add_label", label="New lead")
    page.click(".label-add button")
    page.wait_for_selector(".label-chip:has-text('New lead')")
    new = Label.objects.get(name="New lead")
    assert str(new.label_id) in SandboxChat.objects.get(instance=box, phone=CUSTOMER).tags
    screenshot(page, "business-conversation-labels")


def test_business_tabs_are_disabled_on_a_non_business_number(page, live_url, partner, operator):
    ours, _box = make_pair(partner, connected=True)
    ours.settings_snapshot = {"device": {"isBusiness": False}}
    ours.save()
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/overview/")
    tab = page.locator(".instance-tabs .tab-disabled", has_text="Labels")
    assert tab.get_attribute("aria-disabled") == "true"
    assert "multi-device" in tab.get_attribute("title")
    assert page.is_visible(".tabs-note")
    screenshot(page, "business-disabled-tabs")
