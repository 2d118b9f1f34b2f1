"""The Z-API queue page in a real browser against the sandbox: count, paging, delete one,
live refresh, delete all with a confirmation."""

from __future__ import annotations

import pytest

from instances.zapi import instance_client
from partners.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory
from tests.instances.conftest import make_pair

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_support_inspects_and_cleans_the_queue(page, live_url, partner, settings):
    settings.ZAPI_QUEUE_REFRESH_SECONDS = 1
    support = MembershipFactory(partner=partner, role=Role.SUPPORT, user__username="sam").user
    ours, _box = make_pair(partner, connected=False)
    client = instance_client(ours)
    ids = [
        client.send("send_text", phone="5511988887777", message=f"promo {n:02d}").zaapId
        for n in range(25)
    ]

    login(page, live_url, support)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/queue/?page_size=10")
    page.wait_for_selector("#queue-count:text-is('25')")
    assert page.locator(".queue-table tbody tr").count() == 10
    assert "promo 00" in page.inner_text(".queue-table")
    screenshot(page, "queue-page-1")

    page.click(".paginator a:has-text('Next')")
    page.wait_for_selector("text=promo 10")
    assert "promo 09" not in page.inner_text(".queue-table")

    page.click(f"button[aria-label='Delete {ids[10]}']")
    page.wait_for_selector(f"text=Message {ids[10]} deleted from Z-API's queue.")
    page.wait_for_selector("#queue-count:text-is('24')")

    # Something else queues a message: the page shows it without a reload (htmx polling).
    client.send("send_text", phone="5511988887777", message="late one")
    page.wait_for_selector("#queue-count:text-is('25')", timeout=10_000)

    page.click("text=Delete all…")
    page.wait_for_selector("text=25 messages will be deleted")
    screenshot(page, "queue-clear-confirm")
    page.click("text=Yes, delete them all")
    page.wait_for_selector("text=Z-API's queue is now empty.")
    page.wait_for_selector("#queue-count:text-is('0')")
    page.wait_for_selector("text=The queue is empty.")
    screenshot(page, "queue-empty")
    assert client.queue_count().count == 0
