"""The API keys page and the API docs in a real browser."""

import re

import pytest

from partners.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_partner_admin_makes_a_key_reads_the_docs_and_revokes_it(page, live_url, partner):
    admin = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN, user__username="pat").user
    login(page, live_url, admin)
    page.goto(f"{live_url}/apikeys/apikey/add/")
    page.fill("#id_name", "CRM")
    page.select_option("#id_partner", label="Acme")
    page.select_option("#id_role", "operator")
    screenshot(page, "api-key-add")
    page.click("input[type=submit]")
    secret = page.locator("#api-key").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", secret)
    screenshot(page, "api-key-created")

    page.goto(f"{live_url}/apikeys/apikey/")
    assert page.locator("text=CRM").first.is_visible()
    assert secret not in page.content()
    screenshot(page, "api-key-list")

    page.click(".fleet-nav >> text=API")
    page.wait_for_url("**/api/docs/")
    page.wait_for_selector("text=/api/messages/")
    screenshot(page, "api-docs")

    page.goto(f"{live_url}/apikeys/apikey/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "revoke_selected")
    page.click("button[name=index]")
    page.wait_for_selector("text=1 key revoked.")
    screenshot(page, "api-key-revoked")
