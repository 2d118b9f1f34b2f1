"""Messages in the dashboard: the changelist, and the compose, conversation and queue pages
wired through ``MessageAdmin.get_urls``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from core.admin import ScopedAdmin, admin_routes
from messaging import views
from messaging.campaigns import admin as campaigns_admin  # noqa: F401  (registers Campaign)
from messaging.models import Message
from messaging.services import message_cancel, message_retry
from messaging.templatetags.messaging_tags import conversation_url
from partners.roles import Capability
from partners.scoping import user_can


@admin.register(Message)
class MessageAdmin(ScopedAdmin):
    list_display = ["created_at", "instance", "direction", "kind", "chat_link", "state", "short"]
    list_filter = [
        "state", "direction", "kind", ("instance__partner", admin.RelatedOnlyFieldListFilter)
    ]  # fmt: skip
    search_fields = ["chat_id", "text", "zaap_id", "message_id"]
    list_select_related = ["instance"]
    date_hierarchy = "created_at"
    actions = ["cancel_selected", "retry_selected"]
    readonly_fields = [f.name for f in Message._meta.fields]
    # Operators and support work with messages; partner members provision, they do not.
    view_capability = (Capability.OPERATE, Capability.SUPPORT)
    change_capability = Capability.SUPPORT

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # messages are composed on the compose page, through the pacer

    def _partner_of(self, obj: Any) -> Any:
        return obj.instance.partner if obj is not None else None

    @admin.display(description=_("chat"), ordering="chat_id")
    def chat_link(self, obj: Message) -> str:
        url = conversation_url(obj.instance_id, obj.chat_id)
        return format_html('<a href="{}">{}</a>', url, obj.chat_id) if url else obj.chat_id

    @admin.display(description=_("text"))
    def short(self, obj: Message) -> str:
        return (obj.text or "")[:60]

    # Who may cancel or retry: the same capabilities as the single-message views.
    fix_capabilities = (Capability.SUPPORT, Capability.OPERATE)

    def has_fix_permission(self, request: HttpRequest) -> bool:
        return any(user_can(request.user, c) for c in self.fix_capabilities)

    def _fixable(self, request: HttpRequest, queryset: QuerySet[Message]) -> QuerySet[Message]:
        allowed = Message.objects.where_user_can(request.user, *self.fix_capabilities)
        return queryset.filter(pk__in=allowed.values("pk")).select_related("instance__partner")

    @admin.action(
        description=_("Cancel the selected messages (if still waiting)"), permissions=["fix"]
    )
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        done = [m for m in self._fixable(request, queryset) if message_cancel(message=m)]
        _audit(request, AuditAction.MESSAGE_CANCEL, done)
        self.message_user(request, _("%(n)d cancelled.") % {"n": len(done)})

    @admin.action(description=_("Retry the selected failed messages"), permissions=["fix"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        done = [m for m in self._fixable(request, queryset) if message_retry(message=m)]
        _audit(request, AuditAction.MESSAGE_RETRY, done)
        self.message_user(request, _("%(n)d queued again.") % {"n": len(done)})

    def get_urls(self) -> list[URLPattern]:
        return [
            *admin_routes(self, views.ROUTES, prefix="", name_prefix="messaging_"),
            # Public (Z-API fetches uploads without a session); the key is unguessable.
            path("media/<str:key>/<str:name>", views.media, name="messaging_media"),
            *super().get_urls(),
        ]


def _audit(request: HttpRequest, action: AuditAction, done: list[Message]) -> None:
    for message in done:
        audit_record(
            actor=request.user, partner=message.instance.partner, instance=message.instance,
            action=action, target=f"message {message.pk}", ip=request_ip(request),
        )  # fmt: skip


from messaging import admin_contacts  # noqa: E402, F401  (contacts, lists, settings)
