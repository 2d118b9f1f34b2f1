"""Two-factor login (django-otp): staff and partner admins enrol with a QR code before they
use the dashboard, get backup codes, and give a code at every later login; others may
enrol (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FLEET = reverse("admin:instances_instance_changelist")
ENROL = reverse("two_factor_enrol")
VERIFY = reverse("two_factor_verify")


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(user, ahead: int = 0) -> str:
    # A TOTP code works once: a later login in the same 30 s uses the next step's code
    # (django-otp accepts one step of drift).
    device = TOTPDevice.objects.get(user=user)
    drift = device.drift + ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def _enrol(client: Client, user) -> list[str]:
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b'src="data:image/svg+xml' in page.content  # the QR code
    done = client.post(ENROL, {"token": _code(user), "next": FLEET})
    assert done.status_code == 200
    return re.findall(r"<li><code>([^<]+)</code></li>", done.content.decode())


@pytest.mark.parametrize("kind", ["staff", "partner_admin"])
def test_staff_and_partner_admins_enrol_before_using_the_dashboard(partner, staff_user, kind):
    user = (
        staff_user
        if kind == "staff"
        else MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN).user
    )
    client = Client()
    client.force_login(user)
    first = client.get(FLEET)
    assert first.status_code == 302 and first["Location"].startswith(ENROL)
    codes = _enrol(client, user)
    assert len(codes) == 10
    assert client.get(FLEET).status_code == 200
    # A new login asks for a code; a backup code works once.
    again = Client()
    again.force_login(user)
    assert again.get(FLEET)["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"token": codes[0], "next": FLEET})["Location"] == FLEET
    assert again.get(FLEET).status_code == 200
    third = Client()
    third.force_login(user)
    used = third.post(VERIFY, {"token": codes[0], "next": FLEET})  # a backup code works once
    assert used.status_code == 200 and b"not right" in used.content
    assert third.get(FLEET).status_code == 302


def test_an_operator_may_use_the_dashboard_without_and_enrol_by_choice(operator):
    client = Client()
    client.force_login(operator)
    assert client.get(FLEET).status_code == 200
    _enrol(client, operator)
    later = Client()
    later.force_login(operator)
    assert later.get(FLEET)["Location"].startswith(VERIFY)
    assert later.post(VERIFY, {"token": _code(operator, 1), "next": FLEET}).status_code == 302


def test_an_unverified_session_gets_no_api_answer(staff_user):
    client = Client()
    client.force_login(staff_user)
    assert client.get("/api/instances/").status_code == 403


def test_the_next_target_stays_on_this_site(staff_user):
    client = Client()
    client.force_login(staff_user)
    client.get(ENROL)
    done = client.post(ENROL, {"token": _code(staff_user), "next": "https://evil.example/"})
    assert b"evil.example" not in done.content
