"""The integrator API through the real PartnerClient: create (2-day trial), subscribe,
cancel (active 30 more days), list with page, pageSize, query and middleware."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from sandbox.models import SandboxAccount, SandboxInstance
from tests.sandbox.conftest import BASE, client_for
from zapi import AuthError, PartnerClient, ValidationError

pytestmark = pytest.mark.django_db
DAY_MS = 86_400_000


def test_create_gives_a_two_day_trial_with_the_webhooks_asked_for(partner_client, wsgi_http):
    created = partner_client.create_instance(
        "Shop 1", receivedCallbackUrl="https://hooks.example.com/r", isDevice=True
    )
    due_in = int(created.due) - time.time() * 1000
    assert 2 * DAY_MS - 60_000 < due_in <= 2 * DAY_MS
    instance = SandboxInstance.objects.get(zapi_id=created.id)
    assert (instance.payment_status, instance.middleware) == ("TRIAL", "mobile")
    me = client_for(instance, wsgi_http).me()
    assert me.receivedCallbackUrl == "https://hooks.example.com/r"
    assert me.paymentStatus == "TRIAL"


def test_create_needs_a_name(partner_client):
    with pytest.raises(ValidationError):
        partner_client.call("partner_create_instance", json={"sessionName": "x"})


def test_create_refuses_a_public_plain_http_webhook(partner_client):
    with pytest.raises(ValidationError):
        partner_client.create_instance("Shop", deliveryCallbackUrl="http://example.com/d")


def test_wrong_integrator_token_is_an_auth_error(partner_account, wsgi_http):
    client = PartnerClient(BASE, "WRONG", http=wsgi_http, max_retries=0)
    with pytest.raises(AuthError) as caught:
        client.list_instances()
    assert caught.value.status_code == 401


def test_subscribe_then_cancel_keeps_it_active_thirty_days(partner_client):
    created = partner_client.create_instance("Shop")
    partner_client.subscribe(created.id, created.token)
    instance = SandboxInstance.objects.get(zapi_id=created.id)
    assert instance.payment_status == "PAID"
    partner_client.cancel(created.id, created.token)
    instance.refresh_from_db()
    assert instance.payment_status == "CANCELED"
    assert timedelta(days=29) < instance.due - instance.created_at <= timedelta(days=31)


def test_subscribe_answers_201_ok(partner_client):
    created = partner_client.create_instance("Shop")
    response = partner_client.request(
        "partner_subscribe", path={"instanceId": created.id, "token": created.token}
    )
    assert (response.status_code, response.text) == (201, "OK")


def test_subscribe_someone_elses_instance_is_refused(partner_client, sbx):
    with pytest.raises(AuthError):
        partner_client.subscribe(sbx.zapi_id, sbx.token)


def test_list_pages_and_filters(partner_client, partner_account):
    for n in range(5):
        partner_client.create_instance(f"Shop {n}", isDevice=n == 4)
    SandboxInstance.objects.create(account=SandboxAccount.objects.create(name="X"), name="Shop 9")
    page = partner_client.list_instances(page=2, page_size=2)
    assert (page.total, page.totalPage, page.page, page.pageSize) == (5, 3, 2, 2)
    assert [i.name for i in page.content] == ["Shop 2", "Shop 3"]
    assert [i.name for i in partner_client.list_instances(query="hop 1").content] == ["Shop 1"]
    mobile = partner_client.list_instances(middleware="mobile")
    assert [(i.name, i.middleware) for i in mobile.content] == [("Shop 4", "mobile")]
    assert partner_client.list_instances(page=1, page_size=10).content[0].token
