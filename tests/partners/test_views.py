"""The partner pages: what a partner member can do, what an operator cannot, and a foreign
partner's pages and instances are 404. Provisioning posts go to the sandbox over HTTP."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from instances.models import Instance, SubscriptionState
from partners.models import Customer, RegisteredNumber, RegisteredNumberState
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"admin:partners_partner_{name}", args=args)


PAGES = ["home", "provision", "invoice", "numbers", "sync"]


@pytest.mark.parametrize("page", PAGES)
def test_a_partner_member_sees_every_partner_page(member_client, reseller, page):
    response = member_client.get(url(page, reseller.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_an_operator_may_not_use_partner_pages(operator_client, partner, page):
    assert operator_client.get(url(page, partner.pk)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_another_partners_pages_are_404(member_client, other_partner, page):
    assert member_client.get(url(page, other_partner.pk)).status_code == 404


def test_another_partners_instance_subscription_is_404(member_client, other_partner):
    theirs = InstanceFactory(partner=other_partner)
    assert member_client.get(url("subscription", theirs.pk)).status_code == 404
    assert member_client.post(url("cancel", theirs.pk)).status_code == 404


def test_the_nav_shows_partner_pages_only_to_who_may_use_them(member_client, operator_client,
                                                              partner):  # fmt: skip
    home = url("home", partner.pk)
    assert home in member_client.get(reverse("admin:index")).content.decode()
    assert home not in operator_client.get(reverse("admin:index")).content.decode()
    assert member_client.get(url("mine")).url == home


@pytest.mark.django_db(transaction=True)
def test_new_instance_goes_to_pairing_and_mobile_to_the_wizard(live_url, member_client,
                                                               reseller):  # fmt: skip
    form = {"name": "Web one", "kind": "web", "business": "business"}
    response = member_client.post(url("provision", reseller.pk), form)
    web = Instance.objects.get(name="Web one")
    assert response.url == reverse("admin:instances_instance_pairing", args=[web.pk])
    assert member_client.get(response.url).status_code == 200  # members pair what they create
    form = {"name": "Mobile one", "kind": "mobile", "business": "standard"}
    response = member_client.post(url("provision", reseller.pk), form)
    mobile = Instance.objects.get(name="Mobile one")
    assert response.url == reverse("admin:instances_instance_mobile", args=[mobile.pk])


def test_the_provision_page_says_why_it_cannot_create(member_client, partner):
    body = member_client.get(url("provision", partner.pk)).content.decode()
    assert "no Z-API integrator token" in body
    assert "Create at Z-API" not in body


def test_confirmations_say_the_cost_and_the_dates(member_client, reseller):
    trial = InstanceFactory(partner=reseller, subscription_state=SubscriptionState.TRIAL)
    body = member_client.get(url("subscribe", trial.pk)).content.decode()
    assert "BRL 45.00" in body and "first on the invoice due" in body
    subscribed = InstanceFactory(partner=reseller, subscription_state=SubscriptionState.SUBSCRIBED,
                                 subscribed_at=timezone.now())  # fmt: skip
    body = member_client.get(url("cancel", subscribed.pk)).content.decode()
    assert "stays active for 30 days, until" in body


def test_the_customer_of_an_instance_is_set_within_the_partner(member_client, reseller,
                                                               other_partner):  # fmt: skip
    instance = InstanceFactory(partner=reseller)
    mine = Customer.objects.create(partner=reseller, name="Bakery")
    theirs = Customer.objects.create(partner=other_partner, name="Spy")
    member_client.post(url("customer", instance.pk), {"customer": theirs.pk})
    instance.refresh_from_db()
    assert instance.customer is None
    member_client.post(url("customer", instance.pk), {"customer": mine.pk})
    instance.refresh_from_db()
    assert instance.customer == mine


@pytest.fixture
def billed(reseller):
    bakery = Customer.objects.create(partner=reseller, name="=Bakery", resale_price=Decimal("60"))
    at = timezone.make_aware(datetime(2027, 5, 10, 12))
    InstanceFactory(partner=reseller, name="B1", customer=bakery, subscribed_at=at,
                    subscription_state=SubscriptionState.SUBSCRIBED)  # fmt: skip
    InstanceFactory(partner=reseller, name="Loose", subscribed_at=at,
                    subscription_state=SubscriptionState.SUBSCRIBED)  # fmt: skip
    return bakery


def test_the_invoice_page_breaks_down_per_customer_and_says_its_choices(member_client, reseller,
                                                                         billed):  # fmt: skip
    response = member_client.get(url("invoice", reseller.pk), {"due": "2027-06"})
    body = response.content.decode()
    assert response.context["invoice"].count == 2
    assert [name for name, _ in response.context["groups"]] == ["=Bakery", ""]
    assert "BILLING_CANCELLED_RULE" in body and "<svg" in body
    assert "Margin" in body


def test_a_bad_due_month_is_said_not_a_500(member_client, reseller):
    response = member_client.get(url("invoice", reseller.pk), {"due": "June"})
    assert response.status_code == 200 and "is not a month like" in response.content.decode()


def test_the_csv_holds_one_customers_lines(member_client, reseller, billed, other_partner):
    response = member_client.get(url("invoice_csv", reseller.pk),
                                 {"due": "2027-06", "customer": billed.pk})  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["due_date", "instance", "customer"]
    assert [r[1] for r in rows[1:]] == ["B1"]
    assert rows[1][2] == "'=Bakery"  # no formula in a spreadsheet
    assert rows[1][5:8] == ["45.00", "60.00", "15.00"]
    loose = member_client.get(url("invoice_csv", reseller.pk), {"due": "2027-06"})
    assert [r[1] for r in csv.reader(io.StringIO(loose.content.decode()))][1:] == ["Loose"]
    foreign = Customer.objects.create(partner=other_partner, name="X")
    assert member_client.get(url("invoice_csv", reseller.pk),
                             {"customer": foreign.pk}).status_code == 404  # fmt: skip


def test_only_a_verified_number_goes_to_a_new_mobile_instance(member_client, reseller):
    waiting = RegisteredNumber.objects.create(partner=reseller, whatsapp="5511900000001")
    verified = RegisteredNumber.objects.create(partner=reseller, whatsapp="5511900000002",
                                               state=RegisteredNumberState.VERIFIED)  # fmt: skip
    assert member_client.get(url("number_provision", reseller.pk, waiting.pk)).status_code == 404
    response = member_client.get(url("number_provision", reseller.pk, verified.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == "mobile"


def test_the_numbers_page_says_step_2_is_not_documented(member_client, reseller):
    body = member_client.get(url("numbers", reseller.pk)).content.decode()
    assert "Step 2: Create account" in body and "not documented" in body


@pytest.mark.django_db(transaction=True)
def test_register_a_number_from_the_page(live_url, member_client, reseller):
    form = {"whatsapp": "5511987654321", "method": "1", "language": "en", "comment": "Desk 2"}
    response = member_client.post(url("numbers", reseller.pk), form, follow=True)
    body = response.content.decode()
    assert "A 6-digit code is on its way" in body, body[-3000:]


@pytest.mark.parametrize("zapi_id", ["", "   "])
def test_import_without_an_id_says_why_not_a_500(member_client, reseller, zapi_id):
    response = member_client.post(url("import", reseller.pk), {"zapi_id": zapi_id}, follow=True)
    assert response.status_code == 200
    assert "Say which instance to import." in response.content.decode()


def test_import_without_an_integrator_token_says_why_not_a_500(member_client, partner):
    # The role matrix found it: a partner with no integrator token made the import 500.
    assert not str(partner.integrator_token)
    response = member_client.post(url("import", partner.pk), {"zapi_id": "abc"}, follow=True)
    assert response.status_code == 200
    assert "No integrator token." in response.content.decode()
