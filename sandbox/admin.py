"""The sandbox in the dashboard, for staff only: its instances (with a console page that
plays the phone, its contacts and the faults), accounts and webhook log.

Sandbox rows belong to no partner, so these admins are not ``ScopedAdmin``s: only staff
may see them at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.secrets import mask
from sandbox import console
from sandbox.models import SandboxAccount, SandboxInstance, SandboxWebhook


class StaffOnlyAdmin(admin.ModelAdmin):
    def _staff(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)


@admin.register(SandboxAccount)
class SandboxAccountAdmin(StaffOnlyAdmin):
    list_display = ("name", "requires_client_token", "instance_count", "created_at")
    fields = ("name", "client_token", "integrator_token")

    @admin.display(boolean=True, description=_("requires Client-Token"))
    def requires_client_token(self, obj: SandboxAccount) -> bool:
        return bool(obj.client_token)

    @admin.display(description=_("instances"))
    def instance_count(self, obj: SandboxAccount) -> int:
        return obj.instances.count()


@admin.register(SandboxInstance)
class SandboxInstanceAdmin(StaffOnlyAdmin):
    list_display = (
        "name",
        "zapi_id",
        "state",
        "phone",
        "smartphone_connected",
        "payment_status",
        "console_link",
    )
    list_filter = ("state", "payment_status", "middleware", "account")
    search_fields = ("name", "zapi_id", "phone")
    list_select_related = ("account",)
    fields = (
        "account",
        "name",
        "phone",
        "middleware",
        "payment_status",
        "due",
        "webhooks",
        "timings",
        "faults",
    )

    @admin.display(description=_("console"))
    def console_link(self, obj: SandboxInstance) -> str:
        url = reverse("admin:sandbox_console", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open console"))

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/console/", wrap(self.console_view), name="sandbox_console"),
            path("<int:pk>/console/live/", wrap(self.live_view), name="sandbox_console_live"),
            *super().get_urls(),
        ]

    def _instance(self, request: HttpRequest, pk: int) -> SandboxInstance:
        if not self._staff(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return get_object_or_404(SandboxInstance, pk=pk)

    def console_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = self._instance(request, pk)
        if request.method == "POST":
            error = console.console_action(instance, request.POST)
            if error:
                messages.error(request, error)
            else:
                messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            **console.console_context(instance),
            "title": _("Sandbox console: %(name)s") % {"name": instance.name},
            "opts": self.model._meta,
            "token_masked": mask(instance.token),
        }
        return TemplateResponse(request, "sandbox/console.html", context)

    def live_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = self._instance(request, pk)
        return TemplateResponse(request, "sandbox/_live.html", console.console_context(instance))


@admin.register(SandboxWebhook)
class SandboxWebhookAdmin(StaffOnlyAdmin):
    list_display = ("created_at", "instance", "kind", "state", "attempts", "last_status")
    list_filter = ("state", "kind")
    list_select_related = ("instance",)
    readonly_fields = (
        "instance",
        "kind",
        "url",
        "payload",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "delivered_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
