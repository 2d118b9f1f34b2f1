"""Compose, conversation and our queue in a real browser (Debian's Chromium), against the
live server, a real worker and the sandbox."""

from __future__ import annotations

import pytest

from instances.models import ConnectionState, Instance
from messaging.models import Message
from messaging.states import MessageState
from tests.e2e.conftest import login, screenshot
from tests.messaging.live import enqueue_texts, sandbox_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_compose_a_poll_and_watch_its_ticks_turn_to_read(
    page, live_url, celery_worker, partner, operator
):
    number = sandbox_number(partner, name="Sales 1", min_gap=0.1, max_gap=0.2)
    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/message/compose/{number.pk}/")
    page.select_option("[name=kind]", "poll")
    # Only the poll's fields are shown.
    assert page.is_visible("[name=choices]") and not page.is_visible("[name=url]")
    page.fill("[name=chat_id]", "+55 11 99999-0001")
    page.fill("[name=message]", "Which day suits you?")
    page.fill("[name=choices]", "Monday\nTuesday\nFriday")
    screenshot(page, "messaging-compose")
    page.click("input[type=submit][value='Queue message']")
    page.wait_for_url("**/conversation/**/5511999990001/")
    # The timeline refreshes by itself (htmx) as the webhooks move the message forward.
    page.wait_for_selector(".bubble-out .ticks[data-state=read]", timeout=30_000)
    assert "Tuesday" in page.inner_text("#timeline")
    screenshot(page, "messaging-conversation")
    message = Message.objects.get(instance=number)
    assert message.state == MessageState.READ and message.endpoint == "send_poll"


def test_queue_page_shows_a_disconnected_number_and_cancels_a_message(
    page, live_url, partner, operator
):
    number = sandbox_number(partner, name="Offline 1", min_gap=1, max_gap=2)
    Instance.objects.filter(pk=number.pk).update(connection_state=ConnectionState.DISCONNECTED)
    enqueue_texts(number, ["first", "second"])
    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/message/queue/")
    badge = page.locator(".queue-row [data-reason=disconnected]")
    assert "Disconnected" in badge.inner_text()
    page.click(f"text={number.name}")
    page.wait_for_selector("#queue-messages")
    screenshot(page, "messaging-queue")
    first = Message.objects.get(text="first")
    page.click(f"tr[data-message='{first.pk}'] button:has-text('Cancel')")
    page.wait_for_selector(f"tr[data-message='{first.pk}'][data-state=cancelled]", state="detached")
    first.refresh_from_db()
    assert first.state == MessageState.CANCELLED
