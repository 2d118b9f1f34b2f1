"""One scoping helper: a user of partner A sees and reaches nothing of partner B."""

import pytest
from django.contrib.auth.models import AnonymousUser

from instances.models import Instance
from partners.models import Partner
from partners.roles import Capability, Role
from partners.scoping import partners_where, user_can
from tests.factories import InstanceFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(partner, other_partner):
    return {
        "mine": InstanceFactory(partner=partner, name="Mine"),
        "theirs": InstanceFactory(partner=other_partner, name="Theirs"),
    }


def test_member_sees_only_their_partners_instances(operator, fleet):
    assert list(Instance.objects.for_user(operator)) == [fleet["mine"]]
    assert list(Partner.objects.for_user(operator).values_list("name", flat=True)) == ["Acme"]


def test_staff_operator_sees_every_partner(staff_user, fleet):
    assert Instance.objects.for_user(staff_user).count() == 2


def test_anonymous_and_inactive_users_see_nothing(operator, fleet):
    assert not Instance.objects.for_user(AnonymousUser()).exists()
    operator.is_active = False
    operator.save()
    assert not Instance.objects.for_user(operator).exists()


def test_user_without_membership_sees_nothing(fleet):
    assert not Instance.objects.for_user(UserFactory()).exists()


def test_member_of_two_partners_sees_both_once(operator, other_partner, fleet):
    MembershipFactory(user=operator, partner=other_partner, role=Role.SUPPORT)
    assert Instance.objects.for_user(operator).count() == 2


def test_capabilities_follow_the_role_at_that_partner(operator, partner, other_partner):
    MembershipFactory(user=operator, partner=other_partner, role=Role.SUPPORT)
    assert user_can(operator, Capability.OPERATE, partner)
    assert not user_can(operator, Capability.OPERATE, other_partner)
    assert user_can(operator, Capability.SUPPORT, other_partner)
    assert partners_where(operator, Capability.OPERATE) == {partner.pk}


def test_admin_change_page_of_another_partners_instance_is_404(operator_client, fleet):
    theirs = fleet["theirs"]
    response = operator_client.get(f"/instances/instance/{theirs.pk}/change/")
    # The admin redirects an unknown object to the index with a message; both say "not here".
    assert response.status_code in (302, 404)
    assert "Theirs" not in response.content.decode()
    mine = operator_client.get(f"/instances/instance/{fleet['mine'].pk}/change/")
    assert mine.status_code == 200


def test_admin_changelist_lists_only_own_instances(operator_client, fleet):
    body = operator_client.get("/instances/instance/").content.decode()
    assert "Mine" in body
    assert "Theirs" not in body


def test_api_lists_own_instances_and_404s_foreign_ones(operator_client, fleet):
    listing = operator_client.get("/api/instances/").json()
    assert [row["name"] for row in listing["results"]] == ["Mine"]
    assert operator_client.get(f"/api/instances/{fleet['theirs'].pk}/").status_code == 404
    assert operator_client.get(f"/api/instances/{fleet['mine'].pk}/").status_code == 200


def test_support_member_does_not_see_webhook_urls_in_the_api(partner, fleet, client):
    support = MembershipFactory(partner=partner, role=Role.SUPPORT).user
    client.force_login(support)
    row = client.get(f"/api/instances/{fleet['mine'].pk}/").json()
    assert row["webhook_url"] is None


def test_member_without_staff_flag_can_log_in_to_the_dashboard(operator, client):
    response = client.post(
        "/login/", {"username": operator.username, "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1] == ("/", 302)
    assert response.status_code == 200
    assert response.context["user"] == operator


def test_user_without_membership_cannot_log_in(client, db):
    stranger = UserFactory(username="stranger")
    client.post("/login/", {"username": stranger.username, "password": "pw-for-tests"})
    assert client.get("/").status_code == 302
