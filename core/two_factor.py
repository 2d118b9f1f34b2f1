"""Two-factor login with django-otp: TOTP (an authenticator app, enrolled from a QR code)
and one-time backup codes.

Required for staff and partner admins (``two_factor_required``), optional for everyone else;
someone who enrolled is asked for a code at every login. ``TWO_FACTOR_REQUIRED`` switches
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
from django.contrib import admin
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

from partners.roles import Role
from partners.scoping import roles_of

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
