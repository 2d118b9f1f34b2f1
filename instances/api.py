from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from instances.models import Instance
from partners.roles import Capability
from partners.scoping import partners_where


class InstanceSerializer(serializers.ModelSerializer[Instance]):
    partner = serializers.StringRelatedField()
    webhook_url = serializers.SerializerMethodField()

    class Meta:
        model = Instance
        # Tokens and the webhook secret are never serialised.
        fields = [
            "id",
            "partner",
            "zapi_id",
            "name",
            "phone",
            "connection_state",
            "smartphone_connected",
            "subscription_state",
            "due_date",
            "webhook_url",
            "created_at",
        ]

    def get_webhook_url(self, obj: Instance) -> str | None:
        # The URL carries the webhook secret: only people who may operate the instance see it.
        operable = self.context.get("operable_partners", set())
        if operable is None or obj.partner_id in operable:
            return obj.webhook_url
        return None


class InstanceViewSet(viewsets.ReadOnlyModelViewSet[Instance]):
    serializer_class = InstanceSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["operable_partners"] = partners_where(self.request.user, Capability.OPERATE)
        return context

    def get_queryset(self) -> QuerySet[Instance]:
        return Instance.objects.for_user(self.request.user).select_related("partner")
