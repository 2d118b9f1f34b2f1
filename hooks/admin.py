"""Webhook endpoints (register, test, enable again, rotate the secret) and the deliveries
with every attempt (replay). Partner admins manage their partner's; staff all."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ScopedAdmin
from hooks.forms import EndpointForm
from hooks.models import Attempt, Delivery, DeliveryState, Endpoint
from hooks.services import (
    endpoint_enable,
    endpoint_save,
    endpoint_secret_rotate,
    endpoint_test_send,
    hook_deliveries_replay,
)
from partners.roles import Capability

_BADGES: dict[str, str] = {
    DeliveryState.SUCCEEDED: "badge-ok",
    DeliveryState.PENDING: "badge-warn",
    DeliveryState.RETRYING: "badge-warn",
    DeliveryState.DEAD: "badge-bad",
}


@admin.register(Endpoint)
class EndpointAdmin(ScopedAdmin):
    form = EndpointForm
    view_capability = Capability.MANAGE_API_KEYS
    change_capability = Capability.MANAGE_API_KEYS
    list_display = ["url", "partner", "events", "status", "last_success_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]
    actions = ["send_test", "enable_again", "rotate_secret"]
    readonly_fields = ["status", "disabled_reason", "last_success_at", "created_at"]

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        data = form.cleaned_data
        endpoint_save(
            partner=data["partner"],
            url=data["url"],
            description=data.get("description", ""),
            event_types=data["event_types"],
            endpoint=obj,  # the form's instance: the secret shown next is the one saved
        )

    def response_add(
        self, request: HttpRequest, obj: Endpoint, post_url_continue: Any = None
    ) -> HttpResponse:
        # The signing secret, once: the receiver needs it to check signatures.
        return self._secret_page(request, obj, str(obj.secret))

    def _secret_page(self, request: HttpRequest, endpoint: Endpoint, secret: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Signing secret"),
            "endpoint": endpoint,
            "secret": secret,
        }
        response = TemplateResponse(request, "hooks/secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.display(description=_("events"))
    def events(self, obj: Endpoint) -> str:
        return ", ".join(obj.event_types)

    @admin.display(description=_("status"))
    def status(self, obj: Endpoint) -> SafeString:
        if obj.is_active:
            return format_html('<span class="badge badge-ok">{}</span>', _("Active"))
        return format_html(
            '<span class="badge badge-bad" title="{}">{}</span>', obj.disabled_reason, _("Disabled")
        )

    @admin.action(description=_("Send a test event"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            endpoint_test_send(endpoint=endpoint)
        self.message_user(request, _("Test events queued: see the deliveries."), messages.SUCCESS)

    @admin.action(description=_("Enable again"))
    def enable_again(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            endpoint_enable(endpoint=endpoint)
        self.message_user(request, _("Enabled."), messages.SUCCESS)

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> Any:
        endpoint = queryset.first()
        if endpoint is None or queryset.count() != 1:
            self.message_user(request, _("Rotate one endpoint at a time."), messages.WARNING)
            return None
        return self._secret_page(request, endpoint, endpoint_secret_rotate(endpoint=endpoint))


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = readonly_fields = ("at", "status_code", "error", "duration_ms", "response_body")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown inside a delivery the person may already see


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    view_capability = Capability.MANAGE_API_KEYS
    change_capability = Capability.MANAGE_API_KEYS
    list_display = [
        "created_at", "endpoint", "event_type", "state_badge", "attempts", "next_attempt_at",
        "delivered_at",
    ]  # fmt: skip
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    search_fields = ["webhook_id", "endpoint__url"]
    actions = ["replay"]
    fields = readonly_fields = (
        "endpoint", "webhook_id", "event_type", "state", "attempts", "next_attempt_at",
        "created_at", "delivered_at", "pretty_payload",
    )  # fmt: skip
    inlines = [AttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _partner_of(self, obj: Any) -> Any:
        return obj.endpoint.partner if obj is not None else None

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: Delivery) -> SafeString:
        badge = _BADGES.get(obj.state, "badge-muted")
        return format_html('<span class="badge {}">{}</span>', badge, obj.get_state_display())

    @admin.display(description=_("payload"))
    def pretty_payload(self, obj: Delivery) -> SafeString:
        text = json.dumps(obj.payload, indent=2, ensure_ascii=False, default=str)
        return format_html('<pre class="webhook-payload">{}</pre>', text)

    @admin.action(description=_("Send the selected again"))
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = hook_deliveries_replay(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", done)
            % {"n": done},
            messages.SUCCESS,
        )
