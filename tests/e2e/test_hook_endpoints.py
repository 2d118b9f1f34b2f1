"""Webhook endpoints and their deliveries in a real browser, against a real receiver."""

import pytest

from hooks.models import Delivery, Endpoint
from hooks.services import hook_deliveries_due
from tests.e2e.conftest import login, screenshot
from tests.hooks.conftest import receiver  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_an_endpoint_test_it_and_read_the_attempts(
    page,
    live_url,
    partner,
    partner_admin,
    receiver,  # noqa: F811
):
    login(page, live_url, partner_admin)
    page.goto(f"{live_url}/hooks/endpoint/add/")
    page.select_option("#id_partner", label="Acme")
    page.fill("#id_url", receiver.url)
    page.fill("#id_description", "Our CRM")
    page.check("input[value='message.status']")
    page.check("input[value='instance.connection']")
    screenshot(page, "hooks-endpoint-add")
    page.click("input[name=_save]")
    secret = page.locator("#signing-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    screenshot(page, "hooks-endpoint-secret")

    page.goto(f"{live_url}/hooks/endpoint/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "send_test")
    page.click("button[name=index]")
    page.wait_for_selector("text=Test events queued")
    screenshot(page, "hooks-endpoint-list")

    assert hook_deliveries_due() == 1
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    page.goto(f"{live_url}/hooks/delivery/")
    page.wait_for_selector("text=Delivered")
    screenshot(page, "hooks-deliveries")
    page.goto(f"{live_url}/hooks/delivery/{delivery.pk}/change/")
    page.wait_for_selector("text=endpoint.test")
    assert page.locator("td.field-status_code").first.inner_text().strip() == "200"
    screenshot(page, "hooks-delivery-attempts")
    assert str(Endpoint.objects.get().secret) == secret
