"""The audit log page: per partner, filtered by person, action, instance and time."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry
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
