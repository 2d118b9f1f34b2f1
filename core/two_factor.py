"""Two-factor login with django-otp: TOTP (an authenticator app, enrolled from a QR code)
and one-time backup codes.

Required for staff and partner admins (``two_factor_required``), optional for everyone else;
someone who enrolled is asked for a code at every login. On ``manage`` (behind a verified
session) a person regenerates the backup codes or, where the role does not require it,
turns two-factor login off; both ask for the password (and turning off, a code) again and
leave an audit row. ``TWO_FACTOR_REQUIRED`` switches
the requirement off (the test settings do, so ``force_login`` keeps working; the tests of
this module switch it on). Demo data enrols nobody: the first login of a demo staff or
partner admin lands on the enrolment page.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from partners.roles import Role
from partners.scoping import memberships_of, roles_of

BACKUP_CODES = 10
# Paths that work before the second factor: our own pages, logging out, and what is not the
# dashboard (machines: webhooks, the sandbox's API, health, static files).
_OPEN_PREFIXES = (
    "/two-factor/", "/logout/", "/static/", "/healthz", "/webhooks/", "/i18n/",
    "/sandbox/instances/", "/sandbox/api/", "/sandbox/_control/", "/accounts/reset/",
)  # fmt: skip


def two_factor_required(user: Any) -> bool:
    return bool(user.is_staff or Role.PARTNER_ADMIN in roles_of(user))


def _pending(user: Any) -> str:
    """ "" when the user may go on; else "verify" or "enrol": the page they must pass."""
    if not user.is_authenticated or user.is_verified():
        return ""
    if user_has_device(user):
        return "verify"
    if settings.TWO_FACTOR_REQUIRED and two_factor_required(user):
        return "enrol"
    return ""


class TwoFactorMiddleware:
    """After ``OTPMiddleware``: a logged-in person who owes a second factor goes to the
    page that takes it, then back where they were going."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES):
            step = _pending(request.user)
            if step and request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor login needed.")}, status=403)
            if step:
                target = reverse(f"two_factor_{step}")
                return HttpResponseRedirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("admin:index")
    return target


def _page(request: HttpRequest, template: str, title: str, **extra: Any) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, "next": _next(request)}
    return TemplateResponse(request, template, {**context, **extra})


def backup_codes_new(user: Any) -> list[str]:
    """A fresh set of one-time backup codes (the old ones stop working)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a QR code of a new TOTP key; the first right code confirms it, logs the second
    factor in and shows the backup codes once."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            return _page(
                request, "two_factor/backup_codes.html", _("Backup codes"),
                codes=backup_codes_new(user),
            )  # fmt: skip
        form.add_error("token", _("That code is not right (or has expired): try the next one."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return _page(
        request, "two_factor/enrol.html", _("Set up two-factor login"),
        form=form, qr=qr, key=b32encode(device.bin_key).decode(),
        required=two_factor_required(user),
    )  # fmt: skip


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second factor at login: a code from the app, or one backup code."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        form.add_error("token", _("That code is not right: try the current one, or a backup code."))
    return _page(request, "two_factor/verify.html", _("Two-factor login"), form=form)


class ReauthForm(forms.Form):
    """Who asks is the person logged in: the password again (and, to turn 2FA off, a code)."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=gettext_lazy("A code from your app (or a backup code)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, need_code: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.request, self.need_code = request, need_code
        self.fields["token"].required = need_code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = self.request.user
        # Through authenticate(), so axes counts a wrong password here as at the login.
        if (
            "password" in data
            and authenticate(self.request, username=user.get_username(), password=data["password"])
            is None
        ):
            self.add_error("password", _("That is not your password."))
        elif (
            self.need_code
            and "token" in data
            and match_token(user, data["token"].replace(" ", "")) is None
        ):
            self.add_error("token", _("That code is not right: try the current one."))
        return data


def _audit(request: HttpRequest, action: AuditAction) -> None:
    """One row per partner the person belongs to (each partner's log shows it), or one
    without a partner for staff who belong to none."""
    from partners.models import Partner

    partners: list[Any] = list(Partner.objects.filter(pk__in=list(memberships_of(request.user))))
    for partner in partners or [None]:
        audit_record(
            actor=request.user, partner=partner, action=action,
            target=request.user.get_username(), ip=request_ip(request),
        )  # fmt: skip


def _may_turn_off(user: Any) -> bool:
    return not (settings.TWO_FACTOR_REQUIRED and two_factor_required(user))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The person's own second factor: its state, new backup codes, turning it off."""
    user = request.user
    if not user_has_device(user):
        return HttpResponseRedirect(reverse("two_factor_enrol"))
    may_turn_off = _may_turn_off(user)
    action = request.POST.get("action", "")
    codes_form = ReauthForm(
        request.POST if action == "codes" else None, request=request, need_code=False,
        prefix="codes",
    )  # fmt: skip
    # Never bound where it may not be used: checking it would spend a backup code.
    off_form = ReauthForm(
        request.POST if action == "off" and may_turn_off else None,
        request=request, need_code=True, prefix="off",
    )  # fmt: skip
    if action == "codes" and codes_form.is_valid():
        codes = backup_codes_new(user)
        _audit(request, AuditAction.TWO_FACTOR_CODES)
        return _page(
            request, "two_factor/backup_codes.html", _("Backup codes"), codes=codes,
            next=reverse("two_factor_manage"),
        )  # fmt: skip
    if action == "off" and not may_turn_off:
        messages.error(request, _("Your role needs two-factor login: it stays on."))
    elif action == "off" and off_form.is_valid():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _audit(request, AuditAction.TWO_FACTOR_OFF)
        messages.success(
            request, _("Two-factor login is off. “Two-factor login” at the top sets it up again.")
        )
        return HttpResponseRedirect(reverse("admin:index"))
    unused = StaticToken.objects.filter(device__user=user, device__name="backup").count()
    return _page(
        request, "two_factor/manage.html", _("Two-factor login"), codes_form=codes_form,
        off_form=off_form, may_turn_off=may_turn_off, unused=unused,
        required=two_factor_required(user),
    )  # fmt: skip
