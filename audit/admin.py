"""The audit log page: per partner, filtered by person, action, instance and time."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record, request_ip
from core.admin import ReadOnlyScopedAdmin
from partners.roles import Capability


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    view_capability = Capability.AUDIT
    list_display = ["at", "partner", "actor_name", "action", "instance", "target", "ip"]
    list_filter = [
        ("partner", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "action",
        ("instance", admin.RelatedOnlyFieldListFilter),
        "at",
    ]
    list_select_related = ["partner", "instance"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    fields = readonly_fields = (
        "at", "partner", "actor_name", "action", "instance", "target", "ip", "details",
    )  # fmt: skip


# -- login lockouts (django-axes): staff see them and unlock -----------------------------
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """django-axes' failed-login records; deleting one (the "Unlock" action) unlocks that
    username and address at once. Staff only."""

    actions = ["unlock"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Unlock the selected logins"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for attempt in queryset:
            audit_record(
                actor=request.user, partner=None, action=AuditAction.LOGIN_UNLOCK,
                target=attempt.username, ip=request_ip(request),
                details={"address": attempt.ip_address},
            )  # fmt: skip
        count = queryset.delete()[0]
        self.message_user(request, _("%(n)d login(s) unlocked.") % {"n": count})
