"""Campaigns in the dashboard: the list, the create form and the progress page are the
Campaign admin's changelist, add and change views (custom views, under the admin shell)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse

from core.admin import ScopedAdmin, admin_routes
from messaging.campaigns import views
from messaging.campaigns.models import Campaign
from partners.roles import Capability


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
        # Another tenant's campaign is a 404 here too, not a redirect that says it exists.
        campaign = views.scoped_campaign(request, int(object_id), Capability.VIEW)
        return HttpResponseRedirect(
            reverse("admin:messaging_campaign_progress", args=[campaign.pk])
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a campaign's record stays; cancel it instead

    def get_urls(self) -> list[URLPattern]:
        return [
            *admin_routes(self, views.ROUTES, prefix="", name_prefix="messaging_campaign_"),
            *super().get_urls(),
        ]
