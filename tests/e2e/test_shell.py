"""The dashboard shell in a real browser: login, the index, the language switch."""

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_operator_logs_in_and_sees_the_control_room(page, live_url, operator, instance):
    login(page, live_url, operator)
    assert page.locator("#site-name").inner_text() == "Z-API Fleet"
    assert page.locator("h1").first.inner_text() == "Control room"
    screenshot(page, "shell-index")
    page.click("th[scope=row] a:text-is('Instances')")
    screenshot(page, "shell-instances")
    page.wait_for_selector("text=Sales 1")
    screenshot(page, "shell-instances")


def test_language_switch_turns_the_dashboard_portuguese(page, live_url, operator):
    login(page, live_url, operator)
    page.select_option("#language-select", "pt-br")
    page.wait_for_selector("text=Sala de controle")
    assert page.locator("html").get_attribute("lang") == "pt-br"
    screenshot(page, "shell-pt-br")


def test_healthz_in_the_browser_is_json(page, live_url):
    page.goto(f"{live_url}/healthz")
    assert '"status": "ok"' in page.content()


def test_main_navigation_reaches_fleet_our_queue_and_event_log(page, live_url, operator, instance):
    login(page, live_url, operator)
    assert not page.locator(".fleet-nav >> text=Sandbox").count()  # staff only
    for link, url_part in (
        ("Fleet", "/instances/instance/"),
        ("Our queue", "/messaging/message/queue/"),
        ("Event log", "/webhooks/webhookevent/"),
    ):
        page.click(f".fleet-nav >> text={link}")
        page.wait_for_url(f"**{url_part}")
        assert page.locator("#content h1, #content h2").first.is_visible()
    page.goto(f"{live_url}/instances/instance/{instance.pk}/overview/")
    page.click(".instance-tabs >> text=Send a message")
    page.wait_for_url(f"**/messaging/message/compose/{instance.pk}/")
    screenshot(page, "shell-compose-from-tab")
