"""The event log for support: every stored webhook, its payload, its outcome, replay; the
dead letters; the bodies we refused; the latest presence per chat."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from core import admin as core_admin
from instances.models import Instance
from partners.roles import Capability
from partners.scoping import user_can
from webhooks.models import ChatPresence, DeadLetter, EventState, WebhookEvent, WebhookReject
from webhooks.services import webhook_events_replay
from zapi.times import epoch_time

# Payload keys a support person searches by (exact match, spec 001, "Webhooks").
_SEARCH_KEYS = ("messageId", "zaapId", "phone", "participantPhone", "senderLid", "chatLid")

_STATE_BADGES: dict[str, str] = {
    EventState.PROCESSED: "badge-ok",
    EventState.PENDING: "badge-warn",
    EventState.FAILED: "badge-warn",
    EventState.DEAD: "badge-bad",
}


class InstanceFilter(admin.SimpleListFilter):
    """Instances the user may see, not every instance of every partner."""

    title = _("instance")
    parameter_name = "instance"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        rows = Instance.objects.for_user(request.user).values_list("pk", "name")
        return [(pk, name) for pk, name in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # A str from the query string, the lookup itself (an int) when counting facets.
        value = str(self.value() or "")
        return queryset.filter(instance_id=value) if value.isdigit() else queryset


class EventTypeFilter(admin.SimpleListFilter):
    title = _("type")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("event_type", flat=True)
            .distinct()
        )
        return [(t, t or str(_("(no type)"))) for t in sorted(types)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset if value is None else queryset.filter(event_type=value)


class ReadOnlyScopedAdmin(core_admin.ReadOnlyScopedAdmin):
    """Rows written by the receiver only; their partner is their instance's. Operators and
    support read them; partner members (provisioning, billing) do not."""

    view_capability = (Capability.OPERATE, Capability.SUPPORT)

    def _partner_of(self, obj: Any) -> Any:
        return obj.instance.partner if obj is not None else None


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyScopedAdmin):
    # Attempts and replays are on the event's page: the list stays readable on a laptop.
    list_display = [
        "received_at", "instance", "event_type", "state_badge", "summary", "outcome_or_error",
    ]  # fmt: skip
    list_filter = [InstanceFilter, EventTypeFilter, "state", "received_at"]
    list_select_related = ["instance"]
    search_fields = ["dedupe_key", "outcome", "error"]
    search_help_text = _("An id or a phone from the payload (messageId, zaapId, phone...).")
    date_hierarchy = "received_at"
    list_per_page = 50
    actions = ["replay"]
    change_form_template = "webhooks/event_change_form.html"
    change_list_template = "webhooks/event_change_list.html"
    fields = readonly_fields = (
        "instance", "event_type", "state", "event_time", "received_at", "processed_at",
        "last_attempt_at",
        "attempts", "replays", "outcome", "error", "dedupe_key", "pretty_payload",
    )  # fmt: skip

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            in_payload = Q()
            for key in _SEARCH_KEYS:
                in_payload |= Q(**{f"payload__{key}": term})
            found = found | queryset.filter(in_payload)
        return found, distinct

    def has_replay_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_can(request.user, Capability.SUPPORT, self._partner_of(obj))

    @admin.action(description=_("Replay the selected events"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # Only events of partners where the user has the support role.
        allowed = [e.pk for e in queryset.select_related("instance__partner")
                   if self.has_replay_permission(request, e)]  # fmt: skip
        count = webhook_events_replay(event_ids=allowed)
        _audit_replay(request, queryset.filter(pk__in=allowed))
        self.message_user(
            request,
            ngettext(
                "%d event will be processed again.", "%d events will be processed again.", count
            )
            % count,
            messages.SUCCESS,
        )

    def _url_name(self, action: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{action}"

    def get_urls(self) -> list[Any]:
        replay_one = self.admin_site.admin_view(require_POST(self.replay_one_view))
        return [
            path("<int:pk>/replay/", replay_one, name=self._url_name("replay")),
            *super().get_urls(),
        ]

    def replay_one_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(self.get_queryset(request).select_related("instance"), pk=pk)
        if not self.has_replay_permission(request, event):
            raise PermissionDenied
        webhook_events_replay(event_ids=[event.pk])
        _audit_replay(request, [event])
        self.message_user(request, _("The event will be processed again."), messages.SUCCESS)
        # The event log's page: a replayed dead letter is no longer one.
        return HttpResponseRedirect(reverse("admin:webhooks_webhookevent_change", args=[pk]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        event = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if event is not None and self.has_replay_permission(request, event):
            extra_context["replay_url"] = reverse(
                f"admin:{self._url_name('replay')}", args=[event.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: WebhookEvent) -> SafeString:
        badge = _STATE_BADGES.get(obj.state, "badge-muted")
        return format_html('<span class="badge {}">{}</span>', badge, obj.get_state_display())

    @admin.display(description=_("about"))
    def summary(self, obj: WebhookEvent) -> str:
        payload = obj.payload if isinstance(obj.payload, dict) else {}
        keys = ("status", "phone") if obj.event_type != "ReceivedCallback" else ("phone",)
        parts = [str(payload[k]) for k in keys if payload.get(k)]
        ids = payload.get("ids") if isinstance(payload.get("ids"), list) else None
        ident = str(payload.get("messageId") or payload.get("zaapId") or (ids and ids[0]) or "")
        if ident:
            parts.append(ident if len(ident) <= 12 else ident[:11] + "…")
        return " · ".join(parts)

    @admin.display(description=_("outcome"))
    def outcome_or_error(self, obj: WebhookEvent) -> str:
        text = (obj.error or obj.outcome).split("\n", 1)[0]
        return text if len(text) <= 60 else text[:59] + "…"

    @admin.display(description=_("time at Z-API"))
    def event_time(self, obj: WebhookEvent) -> datetime | None:
        """The payload's ``momment`` as a date (Django shows it in local time)."""
        payload = obj.payload if isinstance(obj.payload, dict) else {}
        return epoch_time(payload.get("momment"))

    @admin.display(description=_("payload"))
    def pretty_payload(self, obj: WebhookEvent) -> SafeString:
        return _pretty_json(obj.payload)


@admin.register(DeadLetter)
class DeadLetterAdmin(WebhookEventAdmin):
    """The dead letters alone: events that failed too often or can never succeed."""

    list_filter = [InstanceFilter, EventTypeFilter, "received_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(state=EventState.DEAD)


@admin.register(WebhookReject)
class WebhookRejectAdmin(ReadOnlyScopedAdmin):
    list_display = ["received_at", "instance", "reason", "content_type", "body_start"]
    list_filter = [InstanceFilter, "received_at"]
    list_select_related = ["instance"]
    date_hierarchy = "received_at"
    fields = readonly_fields = ("instance", "received_at", "reason", "content_type", "body_block")

    @admin.display(description=_("body"))
    def body_start(self, obj: WebhookReject) -> str:
        return obj.body[:80]

    @admin.display(description=_("body"))
    def body_block(self, obj: WebhookReject) -> SafeString:
        return format_html('<pre class="webhook-payload">{}</pre>', obj.body)


@admin.register(ChatPresence)
class ChatPresenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["chat_id", "instance", "status", "last_seen", "at"]
    list_filter = [InstanceFilter, "status"]
    list_select_related = ["instance"]
    search_fields = ["chat_id"]


def _pretty_json(value: Any) -> SafeString:
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    return SafeString(render_to_string("webhooks/payload.html", {"payload": text}))


def _audit_replay(request: HttpRequest, events: Any) -> None:
    for event in events:
        audit_record(
            actor=request.user, partner=event.instance.partner, instance=event.instance,
            action=AuditAction.WEBHOOK_REPLAY, target=f"event {event.pk} ({event.event_type})",
            ip=request_ip(request),
        )  # fmt: skip
