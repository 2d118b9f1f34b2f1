"""The webhook event log in a real browser: list, filter, payload, replay; dead letters and
rejects."""

from __future__ import annotations

import httpx
import pytest

from partners.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory
from tests.webhooks.conftest import CLOSED_BROKER, broker_at, spec_example, webhook_path
from tests.webhooks.factories import OutboundMessageFactory
from webhooks.models import EventState, WebhookEvent
from webhooks.services import webhook_event_process

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_support_finds_a_dead_letter_reads_its_payload_and_replays_it(page, live_url, instance):
    support = MembershipFactory(partner=instance.partner, role=Role.SUPPORT).user
    message = OutboundMessageFactory(instance=instance)
    url = live_url + webhook_path(instance)
    bodies = [
        spec_example("l11276_received_text"),
        {"type": "MessageStatusCallback", "status": "READ", "ids": [message.message_id]},
        {"type": "MessageStatusCallback", "status": "PLAYED", "ids": "not-a-list"},
        {"type": "LabelCallback", "label": "VIP"},
        spec_example("l13053_disconnected"),
    ]
    with broker_at(CLOSED_BROKER):  # processed below, in this test, not by a worker
        for body in bodies:
            assert httpx.post(url, json=body, timeout=10).status_code == 200
        assert httpx.post(url, content=b"{broken", timeout=10).status_code == 400
    for event in WebhookEvent.objects.order_by("pk")[:4]:
        webhook_event_process(event_id=event.pk)

    login(page, live_url, support)
    page.goto(f"{live_url}/webhooks/webhookevent/")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 5
    screenshot(page, "webhooks-event-log")

    page.click("#changelist-filter a:text-is('Dead letter')")
    page.wait_for_url("**state__exact=dead**")
    assert page.locator("#result_list tbody tr").count() == 1
    page.click("#result_list tbody tr th a")
    payload = page.locator("pre.webhook-payload").inner_text()
    assert '"ids": "not-a-list"' in payload
    assert page.locator("text=Input should be a valid list").count() >= 1
    screenshot(page, "webhooks-dead-letter")

    page.click("button.replay")
    page.wait_for_selector("text=The event will be processed again.")
    dead = WebhookEvent.objects.get(payload__ids="not-a-list")
    assert (dead.state, dead.replays) == (EventState.PENDING, 1)

    page.goto(f"{live_url}/webhooks/webhookreject/")
    page.wait_for_selector("text={broken")
    screenshot(page, "webhooks-rejects")
