"""``/api/audit-log/``: who did what, when, to which object (read-only), scoped per partner
as the audit page is (``Capability.AUDIT``), with the page's filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers

from api.fields import CharField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet
from audit.models import AuditAction, AuditEntry
from partners.roles import Capability
from partners.scoping import partners_where


class AuditEntrySerializer(ModelSerializer[AuditEntry]):
    partner = serializers.IntegerField(source="partner_id", read_only=True, allow_null=True)
    instance = serializers.IntegerField(source="instance_id", read_only=True, allow_null=True)
    actor = CharField(source="actor_name", read_only=True,
                                  help_text="The person, or the API key that acted.")  # fmt: skip
    action_text = CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "partner", "actor", "action", "action_text", "instance", "target",
                  "ip", "details"]  # fmt: skip
        read_only_fields = fields


class AuditFilter(StrictFilterSet):
    partner = IdFilter(field_name="partner_id")
    instance = IdFilter(field_name="instance_id")
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains",
                                      label="Part of the person's or key's name")  # fmt: skip
    target = django_filters.CharFilter(lookup_expr="icontains")
    after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["partner", "instance", "action", "actor", "target", "after", "before"]


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The audit log of the partners where the key may read it."""

    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter
    ordering_fields = ["at"]
    ordering = ("-at", "-pk")
    capabilities = {"list": Capability.AUDIT, "retrieve": Capability.AUDIT}

    def queryset_for(self, user: Any) -> QuerySet[AuditEntry]:
        rows = AuditEntry.objects.for_user(user)
        ids = partners_where(user, Capability.AUDIT)  # the page's scope: only where it may
        return rows if ids is None else rows.filter(partner_id__in=ids)
