"""What the admin's stock parts said about other tenants (issue 11, finding 8)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from instances.models import Instance
from messaging.models import Direction, Message
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory
from tests.webhooks.factories import WebhookEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_partner):
    instance = InstanceFactory(partner=other_partner, name="Globex 1")
    message = Message.objects.create(
        instance=instance, direction=Direction.OUTBOUND, kind="text", chat_id="5511999990001"
    )
    return {"instance": instance, "message": message}


def _login(partner, role=Role.OPERATOR) -> Client:
    client = Client()
    client.force_login(MembershipFactory(partner=partner, role=role).user)
    return client


@pytest.mark.parametrize(
    "url", [reverse("admin:instances_instance_changelist"),
            reverse("admin:messaging_message_changelist")]
)  # fmt: skip
def test_list_filters_name_only_the_users_partners(partner, instance, foreign, url):
    body = _login(partner).get(url).content.decode()
    assert "Globex" not in body


@pytest.mark.parametrize("name", ["webhookevent", "deadletter", "webhookreject", "chatpresence"])
def test_show_counts_works_on_every_webhook_list(staff_client, partner, instance, name):
    WebhookEventFactory(instance=instance)
    support = _login(partner, Role.SUPPORT)
    for client in (staff_client, support):
        url = reverse(f"admin:webhooks_{name}_changelist") + "?_facets=True"
        assert client.get(url).status_code == 200, url


def test_view_on_site_says_nothing_about_other_tenants(partner, foreign, settings):
    settings.DEBUG = True
    client = _login(partner)
    ct = ContentType.objects.get_for_model(Instance)
    missing_path, present_path = f"/r/{ct.pk}/999999/", f"/r/{ct.pk}/{foreign['instance'].pk}/"
    missing, present = client.get(missing_path), client.get(present_path)
    assert missing.status_code == present.status_code == 404
    assert missing.content.replace(missing_path[1:].encode(), b"") == present.content.replace(
        present_path[1:].encode(), b""
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [("messaging_message", "message"), ("instances_instance", "instance")],
)
def test_a_foreign_object_is_a_404_not_a_redirect(partner, foreign, name, key):
    client = _login(partner)
    for view in ("change", "history", "delete"):
        url = reverse(f"admin:{name}_{view}", args=[foreign[key].pk])
        assert client.get(url).status_code == 404, url


def test_a_foreign_partner_is_a_404(partner, other_partner):
    client = _login(partner, Role.PARTNER_ADMIN)
    url = reverse("admin:partners_partner_change", args=[other_partner.pk])
    assert client.get(url).status_code == 404


def test_a_foreign_campaign_change_url_is_a_404_not_a_redirect(partner, other_partner):
    # The role matrix found it: the change URL redirected any id to its progress page, so the
    # answer told another tenant's campaign (302) from a missing one.
    from messaging.campaigns.models import Campaign

    theirs = Campaign.objects.create(partner=other_partner, name="Globex sale", seed=1)
    mine = Campaign.objects.create(partner=partner, name="Sale", seed=1)
    client = _login(partner)
    assert (
        client.get(reverse("admin:messaging_campaign_change", args=[theirs.pk])).status_code == 404
    )
    own = client.get(reverse("admin:messaging_campaign_change", args=[mine.pk]))
    assert own.url == reverse("admin:messaging_campaign_progress", args=[mine.pk])
