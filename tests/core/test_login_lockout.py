"""django-axes: repeated failures lock one username at one address, on the login page and on
the API's basic auth; staff unlock it (issue 11)."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from partners.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def olga(partner):
    return MembershipFactory(partner=partner, role=Role.OPERATOR, user__username="olga").user


def _login(password: str, ip: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(
        LOGIN, {"username": "olga", "password": password, "next": "/"}
    )


def test_five_failures_lock_the_name_at_that_address_even_for_the_right_password(olga, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login("wrong").status_code == 200  # the form again, with its error
    locked = _login("wrong")
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content and b'id="site-name"' in locked.content
    assert _login("pw-for-tests").status_code == 429
    # Another address is not locked out by someone else's guesses.
    assert _login("pw-for-tests", ip="203.0.113.50").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_LOCKOUT, target="olga").exists()


def test_staff_unlocks_a_locked_login(olga, settings, staff_client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("wrong")
    attempt = AccessAttempt.objects.get(username="olga")
    page = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and b"olga" in page.content
    staff_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert _login("pw-for-tests").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_UNLOCK, target="olga").exists()


def test_a_member_cannot_see_or_unlock_lockouts(olga):
    client = Client()
    client.force_login(olga)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_api_basic_auth_locks_out_too(olga, settings):
    client = Client(REMOTE_ADDR="198.51.100.9")

    def call(password: str):
        token = base64.b64encode(f"olga:{password}".encode()).decode()
        return client.get("/api/instances/", HTTP_AUTHORIZATION=f"Basic {token}")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert call("wrong").status_code in (401, 403, 429)
    assert call("pw-for-tests").status_code == 429
