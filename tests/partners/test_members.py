"""A partner admin manages the partner's members without staff rights (issue 11, finding
10): invite, change a role, remove; never at another partner; never the last admin."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from partners.models import Membership
from partners.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership(partner):
    return MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN, user__username="pat")


@pytest.fixture
def admin_client(admin_membership) -> Client:
    client = Client()
    client.force_login(admin_membership.user)
    return client


def members_url(partner):
    return reverse("admin:partners_partner_members", args=[partner.pk])


def test_a_partner_admin_invites_a_new_person_who_sets_a_password(
    admin_client, partner, django_capture_on_commit_callbacks
):
    assert not admin_membership_is_staff(admin_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            members_url(partner), {"email": "New.Person@Example.com", "role": Role.SUPPORT}
        )
    assert response.status_code == 302
    member = Membership.objects.get(partner=partner, user__email="new.person@example.com")
    assert member.role == Role.SUPPORT and not member.user.has_usable_password()
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = Client().get("/" + path, follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content


def admin_membership_is_staff(client: Client) -> bool:
    return bool(client.get(reverse("admin:index")).context["user"].is_staff)


def test_a_partner_admin_changes_a_role_and_removes_a_member(admin_client, partner):
    other = MembershipFactory(partner=partner, role=Role.OPERATOR)
    admin_client.post(
        reverse("admin:partners_partner_member_role", args=[partner.pk, other.pk]),
        {f"{other.pk}-role": Role.SUPPORT},
    )
    assert Membership.objects.get(pk=other.pk).role == Role.SUPPORT
    admin_client.post(reverse("admin:partners_partner_member_remove", args=[partner.pk, other.pk]))
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_the_last_partner_admin_cannot_be_demoted_or_removed(
    admin_client, partner, admin_membership
):
    role_url = reverse("admin:partners_partner_member_role", args=[partner.pk, admin_membership.pk])
    response = admin_client.post(
        role_url, {f"{admin_membership.pk}-role": Role.OPERATOR}, follow=True
    )
    assert "at least one partner admin" in response.content.decode()
    admin_client.post(
        reverse("admin:partners_partner_member_remove", args=[partner.pk, admin_membership.pk])
    )
    assert Membership.objects.get(pk=admin_membership.pk).role == Role.PARTNER_ADMIN


def test_another_partners_members_are_a_404(admin_client, other_partner):
    foreign = MembershipFactory(partner=other_partner, role=Role.OPERATOR)
    assert admin_client.get(members_url(other_partner)).status_code == 404
    url = reverse("admin:partners_partner_member_remove", args=[other_partner.pk, foreign.pk])
    assert admin_client.post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_a_foreign_membership_id_at_my_partner_is_a_404(admin_client, partner, other_partner):
    foreign = MembershipFactory(partner=other_partner, role=Role.OPERATOR)
    url = reverse("admin:partners_partner_member_remove", args=[partner.pk, foreign.pk])
    assert admin_client.post(url).status_code == 404


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPPORT, Role.PARTNER_MEMBER])
def test_other_roles_get_a_refusal_page(partner, role):
    client = Client()
    client.force_login(MembershipFactory(partner=partner, role=role).user)
    response = client.get(members_url(partner))
    assert response.status_code == 403
    assert b"Your role does not allow this" in response.content
    assert b'id="site-name"' in response.content  # the dashboard's layout, not a bare 403


def test_inviting_an_existing_member_says_so(admin_client, partner):
    UserFactory(username="olga", email="olga@example.com")
    MembershipFactory(partner=partner, role=Role.OPERATOR, user__username="olga")
    response = admin_client.post(
        members_url(partner), {"email": "olga@example.com", "role": Role.SUPPORT}
    )
    assert "already a member" in response.content.decode()
