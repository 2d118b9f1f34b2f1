"""Each role sees only what it can use: the main navigation and the instance tabs read the
capability table, and every tab shown opens (issue 10's bug: tabs that answered 403 or 500)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.navigation import NAV
from instances.views.common import TAB_URL_NAMES, TABS
from partners.roles import CAPABILITIES, Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPECTED_NAV = {
    Role.OPERATOR: {"fleet", "queue", "contacts", "campaigns", "events", "api"},
    Role.SUPPORT: {"fleet", "queue", "contacts", "campaigns", "events", "audit", "api"},
    Role.PARTNER_ADMIN: {
        "fleet",
        "queue",
        "contacts",
        "campaigns",
        "events",
        "partners",
        "members",
        "audit",
        "api",
    },
    # Partner members read contacts and campaigns (VIEW), as their home page lists them.
    Role.PARTNER_MEMBER: {"fleet", "contacts", "campaigns", "partners", "api"},
}


def _client(partner, role) -> Client:
    client = Client()
    client.force_login(MembershipFactory(partner=partner, role=role).user)
    return client


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_what_the_role_can_use(partner, instance, role):
    response = _client(partner, role).get(reverse("admin:instances_instance_changelist"))
    shown = {item["key"] for item in response.context["fleet_nav"]}
    assert shown == EXPECTED_NAV[role]
    for item in response.context["fleet_nav"]:
        assert _client(partner, role).get(item["url"]).status_code == 200, item["key"]


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_and_the_home_page_list_the_same_models(partner, instance, role):
    home = _client(partner, role).get(reverse("admin:index"))
    listed = {
        f"{app['app_label']}.{model['object_name']}".lower()
        for app in home.context["app_list"]
        for model in app["models"]
    }
    shown = {item["key"] for item in home.context["fleet_nav"]}
    for item in NAV:
        if item.model:
            assert (item.key in shown) == (item.model.lower() in listed), (role, item.key)


def test_staff_sees_the_sandbox_and_no_members_shortcut(staff_client):
    response = staff_client.get(reverse("admin:instances_instance_changelist"))
    shown = {item["key"] for item in response.context["fleet_nav"]}
    assert {"fleet", "queue", "campaigns", "events", "partners", "audit", "sandbox"} <= shown
    assert "members" not in shown
    assert {item.key for item in NAV} >= shown


@pytest.mark.parametrize("role", list(Role))
def test_every_tab_shown_opens_and_hidden_ones_are_refused_in_the_layout(partner, instance, role):
    client = _client(partner, role)
    overview = client.get(reverse("admin:instances_instance_overview", args=[instance.pk]))
    assert overview.status_code == 200
    shown = {tab["url"] for tab in overview.context["tabs"]}
    caps = CAPABILITIES[role]
    for key, _label, needs in TABS:
        url = reverse(TAB_URL_NAMES.get(key, f"admin:instances_instance_{key}"), args=[instance.pk])
        allowed = any(c in caps for c in needs)
        assert (url in shown) == allowed, (role, key)
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, (role, key, response.status_code)
        elif key != "edit":  # the edit page is read-only for view roles, never a 500
            assert response.status_code == 403, (role, key, response.status_code)
            assert b'id="site-name"' in response.content  # the dashboard's layout
        else:
            assert response.status_code == 200, (role, key)
