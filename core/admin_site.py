"""The dashboard shell: one admin site, at ``/``, for staff and for partner members."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from partners.scoping import roles_of, sees_every_partner


def may_enter(user: object) -> bool:
    """Staff, and any active user with a membership, may use the dashboard."""
    if not getattr(user, "is_active", False):
        return False
    return sees_every_partner(user) or bool(roles_of(user))  # type: ignore[arg-type]


class FleetAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not may_enter(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class FleetAdminSite(admin.AdminSite):
    site_header = _("Z-API Fleet")
    site_title = _("Z-API Fleet")
    index_title = _("Control room")
    login_form = FleetAuthenticationForm
    site_url = None  # the dashboard is the site: no "view site" link

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter(request.user)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # No model has a page outside the admin, and the stock "view on site" shortcut
        # tells (in DEBUG) whether another tenant's object exists: always a 404.
        urls = super().get_urls()
        return [
            path("r/<path:rest>", _no_view_on_site, name="view_on_site")
            if getattr(url, "name", "") == "view_on_site"
            else url
            for url in urls
        ]


def _no_view_on_site(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404
