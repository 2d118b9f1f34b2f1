"""Campaigns in the dashboard: the list, the create form and the progress page are the
Campaign admin's changelist, add and change views (custom views, under the admin shell)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from core.admin import ScopedAdmin
from messaging.campaigns import views
from messaging.campaigns.models import Campaign


def campaign_routes(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """``views.ROUTES`` behind the admin's login, named ``admin:messaging_campaign_<name>``."""
    wrap = model_admin.admin_site.admin_view
    patterns = []
    for route, view, name in views.ROUTES:

        def bound(request: HttpRequest, _view: Callable[..., Any] = view, **kwargs: Any) -> Any:
            return _view(request, **kwargs, model_admin=model_admin)

        patterns.append(path(route, wrap(bound), name=f"messaging_campaign_{name}"))
    return patterns


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return views.campaign_list(request, model_admin=self)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return views.campaign_add(request, model_admin=self)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not object_id.isdigit():
            return HttpResponseRedirect(reverse("admin:messaging_campaign_changelist"))
        return views.campaign_progress_view(request, int(object_id), model_admin=self)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a campaign's record stays; cancel it instead

    def get_urls(self) -> list[URLPattern]:
        return [*campaign_routes(self), *super().get_urls()]
