"""Every instance page renders for an operator, against the in-memory Z-API."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["overview", "pairing", "settings", "webhooks", "queue", "health", "mobile", "change"]


@pytest.mark.parametrize("name", PAGES)
def test_instance_page_renders_for_its_operator(name, operator_client, instance, fake_zapi):
    response = operator_client.get(reverse(f"admin:instances_instance_{name}", args=[instance.pk]))
    assert response.status_code == 200
    assert instance.name in response.content.decode()
    assert "TOKEN" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES[:-1])  # the admin's change view redirects instead
def test_another_partners_instance_is_a_404(name, operator_client, other_partner, fake_zapi):
    from tests.factories import InstanceFactory

    foreign = InstanceFactory(partner=other_partner)
    response = operator_client.get(reverse(f"admin:instances_instance_{name}", args=[foreign.pk]))
    assert response.status_code == 404


def test_fleet_list_renders(operator_client, instance):
    response = operator_client.get(reverse("admin:instances_instance_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sales 1" in body and "<svg" in body and "Never paired" in body
