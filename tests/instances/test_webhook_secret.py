"""The webhook secret never leaves its encrypted field (issue 11, finding 4): the stored
/me answer keeps "points here" instead of our URLs, and no page shows it to a view-only
role."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from instances.models import Instance
from partners.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, instance):
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_pointing_webhooks_here_stores_no_copy_of_the_secret(operator_client, instance, fake_zapi):
    secret = str(instance.webhook_secret)
    operator_client.post(url("webhooks", instance), {"notify_sent_by_me": "on"})
    fresh = Instance.objects.get(pk=instance.pk)
    assert fake_zapi.me["receivedCallbackUrl"] == instance.webhook_url  # Z-API has it
    assert secret not in json.dumps(fresh.settings_snapshot)
    page = operator_client.get(url("webhooks", instance)).content.decode()
    assert page.count("badge-ok") >= 6  # every row still says "here"


def test_a_url_pointing_elsewhere_is_kept(operator_client, instance, fake_zapi):
    fake_zapi.me = {"receivedCallbackUrl": "https://elsewhere.example/hook"}
    operator_client.post(url("refresh", instance))
    fresh = Instance.objects.get(pk=instance.pk)
    assert fresh.settings_snapshot["me"]["receivedCallbackUrl"] == "https://elsewhere.example/hook"


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.PARTNER_MEMBER, Role.OPERATOR])
def test_no_page_shows_the_secret(operator_client, instance, fake_zapi, partner, role):
    secret = str(instance.webhook_secret)
    operator_client.post(url("webhooks", instance), {"notify_sent_by_me": "on"})
    # A snapshot stored before the fix is shown without the secret too.
    Instance.objects.filter(pk=instance.pk).update(
        settings_snapshot={"me": {"receivedCallbackUrl": instance.webhook_url}}
    )
    user = MembershipFactory(partner=partner, role=role).user
    client = Client()
    client.force_login(user)
    for name in ("overview", "change"):
        response = client.get(url(name, instance))
        assert response.status_code in (200, 403), name
        assert secret not in response.content.decode(), name
