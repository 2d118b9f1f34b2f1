"""The API keys page: list, create (the key is shown once), revoke. Partner admins manage
their partner's keys; staff also make personal keys that act as themselves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.forms import ApiKeyCreateForm
from api.models import ApiKey
from api.selectors import api_keys_managed_by
from api.services import api_key_create, api_key_revoke
from partners.roles import Capability
from partners.scoping import user_can


def may_manage_keys(user: Any) -> bool:
    return bool(user.is_active and (user.is_staff or user_can(user, Capability.MANAGE_API_KEYS)))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name", "owner", "role", "prefix_shown", "created", "last_used_at", "expiry_date",
        "status", "created_by",
    ]  # fmt: skip
    list_filter = ["revoked", "role"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]
    fields = readonly_fields = (
        "name", "partner", "role", "user", "prefix", "created", "created_by", "last_used_at",
        "expiry_date", "revoked", "revoked_at",
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return api_keys_managed_by(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_keys(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_keys(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_manage_keys(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key is created and revoked, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked keys stay, so "who called with what" stays readable

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not may_manage_keys(request.user):
            actions.pop("revoke_selected", None)
        return actions

    @admin.display(description=_("belongs to"))
    def owner(self, obj: ApiKey) -> str:
        return str(obj.partner) if obj.partner_id else _("%(user)s (personal)") % {"user": obj.user}

    @admin.display(description=_("key starts with"))
    def prefix_shown(self, obj: ApiKey) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("status"))
    def status(self, obj: ApiKey) -> SafeString:
        if obj.revoked:
            return format_html('<span class="badge badge-bad">{}</span>', _("Revoked"))
        if obj.has_expired:
            return format_html('<span class="badge badge-muted">{}</span>', _("Expired"))
        return format_html('<span class="badge badge-ok">{}</span>', _("Active"))

    @admin.action(description=_("Revoke the selected keys (cannot be undone)"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        done = sum(api_key_revoke(api_key=key) for key in queryset)
        self.message_user(
            request,
            ngettext("%(n)d key revoked.", "%(n)d keys revoked.", done) % {"n": done},
            messages.SUCCESS,
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiKeyCreateForm(request.POST or None, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("New API key"),
            "form": form,
            "docs_url": reverse("api-docs"),
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            expires_at = data.get("expires_at")
            if expires_at is not None and timezone.is_naive(expires_at):
                expires_at = timezone.make_aware(expires_at)
            from django.core.exceptions import ValidationError

            try:
                api_key, secret = api_key_create(
                    by=request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    partner=data.get("partner"),
                    role=data.get("role") or "",
                    expires_at=expires_at,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # Rendered, never redirected: the secret is in this one answer and nowhere
                # else (not in the session, not in a message, not in the database).
                context.update(title=_("API key created"), api_key=api_key, secret=secret)
                response = TemplateResponse(request, "api/key_created.html", context)
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(request, "api/key_add.html", context)
