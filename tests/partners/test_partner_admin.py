"""The partner's change page: secrets masked for every role, limits and tokens staff-only
(issue 11, findings 1 and 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from partners.models import Partner
from partners.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TOKEN = "INTEGRATOR-0123456789abcdefSECRET"


def _client_for(partner: Partner, role: Role) -> Client:
    user = MembershipFactory(partner=partner, role=role).user
    client = Client()
    client.force_login(user)
    return client


def change_url(partner: Partner) -> str:
    return reverse("admin:partners_partner_change", args=[partner.pk])


@pytest.mark.parametrize("role", list(Role))
def test_no_role_ever_sees_the_integrator_token(partner, role):
    Partner.objects.filter(pk=partner.pk).update(integrator_token=TOKEN)
    response = _client_for(partner, role).get(change_url(partner))
    body = response.content.decode()
    assert TOKEN not in body
    assert response.status_code in (200, 403, 404)


def test_staff_sees_the_token_masked_and_can_set_it(staff_client, partner):
    Partner.objects.filter(pk=partner.pk).update(integrator_token=TOKEN)
    body = staff_client.get(change_url(partner)).content.decode()
    assert TOKEN not in body and "••••CRET" in body


def _post(client: Client, partner: Partner, **data: object):
    form = {
        "name": partner.name,
        "integrator_token": "",
        "max_instances": "",
        "instance_price": "0.00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **data,
    }
    return client.post(change_url(partner), form)


def test_partner_admin_cannot_raise_its_own_limit_or_replace_its_token(partner):
    Partner.objects.filter(pk=partner.pk).update(max_instances=3, integrator_token=TOKEN)
    client = _client_for(partner, Role.PARTNER_ADMIN)
    _post(client, partner, max_instances="500", integrator_token="ATTACKER-TOKEN-0000000000")
    fresh = Partner.objects.get(pk=partner.pk)
    assert (fresh.max_instances, fresh.integrator_token) == (3, TOKEN)


def test_staff_changes_the_limit(staff_client, partner):
    response = _post(staff_client, partner, max_instances="7")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Partner.objects.get(pk=partner.pk).max_instances == 7
