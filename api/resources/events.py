"""``/api/webhook-events/``: what Z-API sent us, as the event log shows it; replay."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import CharField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet, audit
from audit.models import AuditAction
from partners.roles import Capability
from webhooks.models import EventState, WebhookEvent
from webhooks.services import webhook_events_replay


class WebhookEventSerializer(ModelSerializer[WebhookEvent]):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    state_text = CharField(source="get_state_display", read_only=True)

    class Meta:
        model = WebhookEvent
        fields = [
            "id", "instance", "event_type", "state", "state_text", "received_at",
            "processed_at", "attempts", "error", "outcome", "replays",
        ]  # fmt: skip
        read_only_fields = fields


class WebhookEventDetailSerializer(WebhookEventSerializer):
    class Meta(WebhookEventSerializer.Meta):
        fields = [*WebhookEventSerializer.Meta.fields, "payload"]
        read_only_fields = fields


class WebhookEventFilter(StrictFilterSet):
    instance = IdFilter(field_name="instance_id")
    event_type = django_filters.CharFilter()
    state = django_filters.MultipleChoiceFilter(choices=EventState.choices)
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = WebhookEvent
        fields = ["instance", "event_type", "state"]


ReplaySerializer = inline_serializer(
    "WebhookEventReplay",
    {"replayed": serializers.IntegerField(), "event": WebhookEventSerializer()},
)


class WebhookEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Every webhook Z-API sent to the partner's numbers, stored as received."""

    filterset_class = WebhookEventFilter
    ordering_fields = ["received_at"]
    ordering = ("-received_at",)
    capabilities = {"replay": Capability.SUPPORT}

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        if self.action == "retrieve":
            return WebhookEventDetailSerializer
        return WebhookEventSerializer

    def queryset_for(self, user: Any) -> QuerySet[WebhookEvent]:
        return WebhookEvent.objects.for_user(user).select_related("instance__partner")

    def partner_of(self, obj: WebhookEvent) -> Any:
        return obj.instance.partner

    @extend_schema(
        summary="Process the event again (processors are idempotent)",
        request=None,
        responses={200: ReplaySerializer},
    )
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        count = webhook_events_replay(event_ids=[event.pk])
        audit(request, AuditAction.WEBHOOK_REPLAY, partner=event.instance.partner,
              instance=event.instance, target=f"event {event.pk} ({event.event_type})")  # fmt: skip
        event.refresh_from_db()
        return Response({"replayed": count, "event": WebhookEventSerializer(event).data})
