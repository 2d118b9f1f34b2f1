"""Roles and login protection in a real browser (Debian's Chromium): each role's tabs and
navigation, the refusal page, the login lockout, two-factor enrolment, the audit log, and
no Content-Security-Policy violation on the pages that use htmx, QR codes and SVG strips."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import audit_record
from instances.views.common import TABS
from partners.roles import CAPABILITIES, Role
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _csp_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_tabs_and_a_refusal_in_the_layout(
    page, live_url, partner, instance, role
):
    violations = _csp_violations(page)
    user = MembershipFactory(partner=partner, role=role, user__username=f"e2e-{role}").user
    login(page, live_url, user)
    page.goto(f"{live_url}/instances/instance/{instance.pk}/overview/")
    shown = page.locator(".instance-tabs a").all_inner_texts()
    expected = [str(label) for _key, label, needs in TABS
                if any(c in CAPABILITIES[role] for c in needs)]  # fmt: skip
    assert shown == expected
    screenshot(page, f"roles-tabs-{role}")
    if "Pairing" not in shown:
        response = page.goto(f"{live_url}/instances/instance/{instance.pk}/pairing/")
        assert response.status == 403
        assert page.locator("#site-name").is_visible()
        assert "Your role does not allow this" in page.inner_text("#content")
        screenshot(page, f"roles-refusal-{role}")
    assert violations == []


def test_fleet_compose_and_pairing_pages_break_no_csp_rule(page, live_url, operator, instance):
    violations = _csp_violations(page)
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/")
    page.wait_for_selector("text=Sales 1")
    page.goto(f"{live_url}/messaging/message/compose/{instance.pk}/")
    page.select_option("[name=kind]", "image")  # fleet.js shows the kind's fields
    assert page.is_visible("[name=url]") and not page.is_visible("[name=choices]")
    page.select_option("#language-select", "pt-br")  # the switch submits itself
    page.wait_for_selector("html[lang=pt-br]")
    assert violations == []


def test_repeated_wrong_passwords_lock_the_login(page, live_url, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_url}/login/")
        page.fill("#id_username", operator.username)
        page.fill("#id_password", "wrong")
        page.click("input[type=submit]")
    page.wait_for_selector("text=Too many failed logins")
    assert page.locator("#site-name").is_visible()
    screenshot(page, "roles-login-locked")


def test_a_partner_admin_enrols_two_factor_at_first_login(page, live_url, partner, settings):
    settings.TWO_FACTOR_REQUIRED = True
    violations = _csp_violations(page)
    user = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN, user__username="pa").user
    page.goto(f"{live_url}/login/")
    page.fill("#id_username", "pa")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/two-factor/enrol/**")
    qr = page.locator("img.two-factor-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "roles-2fa-enrol")
    device = TOTPDevice.objects.get(user=user)
    page.fill("[name=token]", f"{totp(device.bin_key, device.step, device.t0, 6, 0):06d}")
    page.click("button:text('Confirm')")
    page.wait_for_selector(".backup-codes li")
    assert page.locator(".backup-codes li").count() == 10
    screenshot(page, "roles-2fa-backup-codes")
    page.click("text=Continue")
    page.wait_for_selector("#site-name")
    assert "/two-factor/" not in page.url
    assert violations == []


def test_the_audit_log_page_filters_by_action(page, live_url, partner, instance, operator):
    for action in (AuditAction.INSTANCE_RESTART, AuditAction.PACE_CHANGE):
        audit_record(
            actor=operator, partner=partner, instance=instance, action=action, ip="203.0.113.4"
        )
    admin_user = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN).user
    login(page, live_url, admin_user)
    page.click(".fleet-nav >> text=Audit log")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 2
    screenshot(page, "roles-audit-log")
    page.click("#changelist-filter >> text=Instance restarted")
    page.wait_for_url("**action__exact=instance.restart**")
    assert page.locator("#result_list tbody tr").count() == 1
    screenshot(page, "roles-audit-log-filtered")


def test_an_operator_manages_two_factor_new_codes_then_off(page, live_url, operator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    violations = _csp_violations(page)
    login(page, live_url, operator)
    page.click("#user-tools a:text('Two-factor login')")
    page.wait_for_url("**/two-factor/enrol/**")
    device = TOTPDevice.objects.get(user=operator)
    page.fill("[name=token]", f"{totp(device.bin_key, device.step, device.t0, 6, 0):06d}")
    page.click("button:text('Confirm')")
    page.wait_for_selector(".backup-codes li")
    first = page.locator(".backup-codes li").all_inner_texts()
    page.click("text=Continue")
    page.click("#user-tools a:text('Two-factor login')")
    page.wait_for_url("**/account/two-factor/")
    assert "10 unused backup codes" in page.inner_text("#content-main")
    screenshot(page, "roles-2fa-manage")

    page.fill("[name=codes-password]", "pw-for-tests")
    page.click("button:text('Make new backup codes')")
    page.wait_for_selector(".backup-codes li")
    new = page.locator(".backup-codes li").all_inner_texts()
    assert len(new) == 10 and not set(new) & set(first)
    screenshot(page, "roles-2fa-new-codes")
    page.click("text=Continue")
    page.wait_for_url("**/account/two-factor/")

    page.fill("[name=off-password]", "pw-for-tests")
    page.fill("[name=off-token]", new[0])
    page.click("button:text('Turn off')")
    page.wait_for_selector("text=Two-factor login is off.")
    screenshot(page, "roles-2fa-off")
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert violations == []
