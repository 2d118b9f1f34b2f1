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


# -- managing one's own second factor ----------------------------------------------------------
MANAGE = reverse("two_factor_manage")
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory


def _enrolled(user) -> tuple[Client, list[str]]:
    client = Client()
    client.force_login(user)
    return client, _enrol(client, user)


def _unthrottle(user) -> None:
    """django-otp refuses every code for a while after a wrong one (1 s, 2 s, ...): a test
    that gives a wrong code then a right one clears that instead of waiting."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def _login_needs_a_code(user, code: str) -> bool:
    """A fresh login: does ``code`` pass the second factor?"""
    client = Client()
    client.force_login(user)
    return client.post(VERIFY, {"token": code, "next": FLEET}).status_code == 302


def test_new_backup_codes_replace_the_old_ones_after_the_password(partner):
    from audit.models import AuditAction, AuditEntry

    user = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN).user
    client, old = _enrolled(user)
    page = client.get(MANAGE).content.decode()
    assert "10 unused backup codes" in page
    wrong = client.post(MANAGE, {"action": "codes", "codes-password": "nope"})
    assert "That is not your password." in wrong.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_CODES).exists()

    done = client.post(MANAGE, {"action": "codes", "codes-password": PASSWORD})
    new = re.findall(r"<li><code>([^<]+)</code></li>", done.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert _login_needs_a_code(user, new[0])
    assert not _login_needs_a_code(user, old[1])  # the old codes stop working
    [row] = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_CODES)
    assert (row.actor, row.partner, row.ip) == (user, partner, "127.0.0.1")
    assert not any(code in str(row.details) + row.target for code in new)


def test_an_operator_turns_two_factor_off_with_password_and_a_code(operator, partner):
    from audit.models import AuditAction, AuditEntry

    client, codes = _enrolled(operator)
    no_code = client.post(MANAGE, {"action": "off", "off-password": PASSWORD})
    assert "This field is required." in no_code.content.decode()
    bad = client.post(MANAGE, {"action": "off", "off-password": PASSWORD, "off-token": "000000"})
    assert "That code is not right" in bad.content.decode()
    assert TOTPDevice.objects.filter(user=operator).exists()
    _unthrottle(operator)

    off = client.post(MANAGE, {"action": "off", "off-password": PASSWORD, "off-token": codes[0]})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=operator).exists()
    later = Client()
    later.force_login(operator)
    assert later.get(FLEET).status_code == 200  # no code asked any more
    [row] = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_OFF)
    assert (row.actor, row.partner) == (operator, partner)
    assert later.get(MANAGE)["Location"] == ENROL  # nothing to manage: set it up again


def test_a_partner_admin_may_not_turn_two_factor_off(partner):
    from audit.models import AuditEntry

    user = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN).user
    client, codes = _enrolled(user)
    page = client.get(MANAGE).content.decode()
    assert "it cannot be turned off" in page and 'name="off-token"' not in page
    refused = client.post(
        MANAGE, {"action": "off", "off-password": PASSWORD, "off-token": codes[0]}
    )
    assert "Your role needs two-factor login: it stays on." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEntry.objects.exists()


def test_the_page_needs_the_second_factor_first(operator):
    _enrolled(operator)
    password_only = Client()
    password_only.force_login(operator)
    assert password_only.get(MANAGE)["Location"].startswith(VERIFY)
    posted = password_only.post(MANAGE, {"action": "codes", "codes-password": PASSWORD})
    assert posted["Location"].startswith(VERIFY)
