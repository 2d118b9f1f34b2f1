"""The dashboard shell: one admin site, at ``/``, for staff and for partner members."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
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

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        # Every ModelAdmin, ours and the libraries' (auth, axes, otp...), through one mixin.
        base = admin_class or admin.ModelAdmin
        wrapped = type(base.__name__, (NotFoundIs404, base), {"__module__": base.__module__})
        super().register(model_or_iterable, wrapped, **options)

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


class NotFoundIs404:
    """The stock admin answers a missing object with a redirect ("doesn't exist. Perhaps it
    was deleted?"), and its history page does so before checking the permission: a person
    without the right could tell which objects exist. A 404 instead, after the permission."""

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str):
        raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        if not self.has_view_or_change_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]


def _no_view_on_site(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404
