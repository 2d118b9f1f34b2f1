"""The partner's day in Chromium against the sandbox: a partner member creates an instance,
pairs it, subscribes it, finds it on next month's invoice with its customer, cancels it and
reads until when it stays billed, and registers a new number. An operator cannot provision."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from instances.models import Instance, SubscriptionState
from partners.billing import BillingRules
from partners.models import Customer, RegisteredNumber, RegisteredNumberState
from partners.roles import Role
from sandbox.models import SandboxAccount, SandboxInstance, SandboxNumber
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reseller(partner):
    account = SandboxAccount.objects.create(name="Reseller account")
    partner.integrator_token = account.integrator_token
    partner.instance_price = Decimal("45.00")
    partner.save()
    Customer.objects.create(partner=partner, name="Bakery", resale_price=Decimal("60.00"))
    return partner


@pytest.fixture
def member(partner):
    return MembershipFactory(partner=partner, role=Role.PARTNER_MEMBER, user__username="paula").user


def test_a_partner_member_runs_the_whole_lifecycle(
    page, live_url, reseller, member, settings, celery_worker
):
    settings.PAIRING_QR_REFRESH_SECONDS = 1
    settings.PAIRING_STATE_POLL_SECONDS = 0.5
    login(page, live_url, member)
    page.click("nav.fleet-nav >> text=Partner")
    page.wait_for_selector("text=Instances by state")
    screenshot(page, "partner-home-empty")

    page.click("ul.instance-tabs >> text=New instance")
    page.fill("#id_name", "Bakery front desk")
    page.fill("#id_session_name", "Bakery")
    page.select_option("#id_customer", label="Bakery")
    page.check("#id_call_reject_auto")
    screenshot(page, "partner-new-instance")
    page.click("text=Create at Z-API")
    page.wait_for_url("**/pairing/")
    assert "Created at Z-API in its trial" in page.inner_text("ul.messagelist")
    instance = Instance.objects.get(name="Bakery front desk")
    box = SandboxInstance.objects.get(zapi_id=instance.zapi_id)
    page.wait_for_selector("#qr svg")
    screenshot(page, "partner-pairing")
    control = f"{live_url}/sandbox/_control/instances/{box.zapi_id}/token/{box.token}/scan"
    assert httpx.post(control, json={}, timeout=10).status_code == 200
    page.wait_for_selector(".connected-banner", timeout=30_000)

    page.goto(f"{live_url}/partners/partner/instance/{instance.pk}/subscription/")
    assert "ends" in page.inner_text("#content-main")  # the trial countdown
    page.click("text=Subscribe…")
    assert "BRL 45.00" in page.inner_text("#content-main")
    screenshot(page, "partner-subscribe-confirm")
    page.click("text=Yes, subscribe")
    page.wait_for_selector("text=Subscribed. It is first billed")
    instance.refresh_from_db()
    assert instance.subscription_state == SubscriptionState.SUBSCRIBED

    first = BillingRules.from_settings().first_invoice(timezone.localdate())
    page.goto(f"{live_url}/partners/partner/{reseller.pk}/invoice/?due={first:%Y-%m}")
    text = page.inner_text("#content-main")
    assert "Bakery front desk" in text and "Bakery · 1" in text
    assert "BRL 15.00" in text  # margin: 60 resale - 45 cost
    screenshot(page, "partner-invoice")

    page.goto(f"{live_url}/partners/partner/instance/{instance.pk}/subscription/")
    page.click("text=Cancel subscription…")
    assert "stays active for 30 days" in page.inner_text("#content-main")
    screenshot(page, "partner-cancel-confirm")
    page.click("text=Yes, cancel it")
    page.wait_for_selector("text=Cancelled, active until")
    screenshot(page, "partner-cancelled")

    page.click("ul.instance-tabs >> text=Number registration")
    page.fill("#id_whatsapp", "5511987654321")
    page.fill("#id_comment", "Front desk 2")
    page.click("button:has-text('Send the code')")
    page.wait_for_load_state()
    screenshot(page, "partner-number-asked")
    page.wait_for_selector("text=A 6-digit code is on its way")
    code = SandboxNumber.objects.get(whatsapp="5511987654321").code
    page.fill("input[name=code]", code)
    page.click("button:has-text('Verify')")
    page.wait_for_selector("text=is verified; it waits until")
    assert "89 days left" in page.inner_text("#content-main") or "90 days left" in page.inner_text(
        "#content-main"
    )
    screenshot(page, "partner-numbers")
    page.click("text=New mobile instance with it")
    page.click("text=Create at Z-API")
    page.wait_for_url("**/mobile/")
    number = RegisteredNumber.objects.get(whatsapp="5511987654321")
    assert number.state == RegisteredNumberState.USED and number.instance is not None
    screenshot(page, "partner-mobile-wizard")

    page.goto(f"{live_url}/partners/partner/{reseller.pk}/home/")
    screenshot(page, "partner-home")
    page.goto(f"{live_url}/partners/partner/{reseller.pk}/sync/")
    page.click("text=Sync now")
    page.wait_for_selector("text=Last sync")
    screenshot(page, "partner-sync")


def test_an_operator_cannot_provision(page, live_url, partner, operator):
    login(page, live_url, operator)
    assert page.locator("nav.fleet-nav >> text=Partner").count() == 0
    response = page.goto(f"{live_url}/partners/partner/{partner.pk}/new-instance/")
    assert response.status == 403
    screenshot(page, "partner-operator-403")


def test_a_partner_member_keeps_the_customers(page, live_url, reseller, member):
    login(page, live_url, member)
    page.goto(f"{live_url}/partners/customer/add/")
    page.select_option("#id_partner", label=reseller.name)
    page.fill("#id_name", "Mercado Azul")
    page.fill("#id_resale_price", "75.50")
    page.click("input[name=_save]")
    page.wait_for_selector("text=Mercado Azul")
    assert Customer.objects.get(name="Mercado Azul").resale_price == Decimal("75.50")
    screenshot(page, "partner-customers")
