"""``/api/labels/``: WhatsApp Business labels of the partner's numbers, through the same
services as the labels tab (Z-API first, then our copy)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import ZAPI_ERRORS, outcome_body, outcome_raise
from api.fields import CharField, FlatListField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet
from audit.models import AuditAction
from instances.business.labels import (
    chat_labels_apply,
    label_create,
    label_delete,
    label_edit,
    labels_sync,
)
from instances.business.models import Label
from instances.models import Instance
from instances.views.common import audit_outcomes
from partners.roles import Capability
from partners.scoping import user_can


class LabelSerializer(ModelSerializer[Label]):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    chats = serializers.IntegerField(source="chat_count", read_only=True)

    class Meta:
        model = Label
        fields = ["id", "instance", "label_id", "name", "color", "chats", "read_at"]
        read_only_fields = fields


class LabelIn(serializers.Serializer[Any]):
    instance = serializers.IntegerField()
    name = CharField(max_length=100)
    color = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=19)


class LabelChange(serializers.Serializer[Any]):
    name = CharField(max_length=100)
    color = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=19)


class ChatsIn(serializers.Serializer[Any]):
    chat_ids = FlatListField(child=CharField(max_length=100), min_length=1, max_length=500)
    on = serializers.BooleanField(help_text="true: put the label on; false: take it off.")


class SyncIn(serializers.Serializer[Any]):
    instance = serializers.IntegerField()


ChatsOut = inline_serializer(
    "LabelChatsResult",
    {
        "done": serializers.IntegerField(),
        "failed": serializers.ListField(child=CharField()),
    },
)


class LabelFilter(StrictFilterSet):
    instance = IdFilter(field_name="instance_id")

    class Meta:
        model = Label
        fields = ["instance"]


class LabelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    serializer_class = LabelSerializer
    filterset_class = LabelFilter
    ordering_fields = ["name"]
    ordering = ("name",)
    capabilities = {
        "create": Capability.OPERATE, "partial_update": Capability.OPERATE,
        "destroy": Capability.OPERATE, "chats": Capability.OPERATE, "sync": Capability.OPERATE,
    }  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[Label]:
        return (
            Label.objects.for_user(user)
            .select_related("instance__partner")
            .annotate(chat_count=Count("chats"))
        )

    def partner_of(self, obj: Label) -> Any:
        return obj.instance.partner

    def _instance(self, request: Request, pk: int) -> Instance:
        instance = get_object_or_404(Instance.objects.for_user(request.user), pk=pk)
        if not user_can(request.user, Capability.OPERATE, instance.partner):
            self.permission_denied(request)
        return instance

    def _fresh(self, label: Label) -> dict[str, Any]:
        return dict(LabelSerializer(self.queryset_for(self.request.user).get(pk=label.pk)).data)

    @extend_schema(summary="Create a label at Z-API", request=LabelIn,
                   responses={201: LabelSerializer, **ZAPI_ERRORS})  # fmt: skip
    def create(self, request: Request) -> Response:
        body = LabelIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = self._instance(request, body.validated_data["instance"])
        outcome = label_create(instance=instance, name=body.validated_data["name"],
                               color=body.validated_data.get("color"))  # fmt: skip
        audit_outcomes(request._request, instance, AuditAction.LABEL_CREATE, [outcome],
                       label=body.validated_data["name"])  # fmt: skip
        outcome_raise(outcome)
        assert outcome.value is not None
        return Response(self._fresh(outcome.value), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Rename or recolour", request=LabelChange,
                   responses={200: LabelSerializer, **ZAPI_ERRORS})  # fmt: skip
    def partial_update(self, request: Request, pk: str) -> Response:
        label: Label = self.get_object()
        body = LabelChange(data=request.data)
        body.is_valid(raise_exception=True)
        before = label.name
        outcome = label_edit(label=label, name=body.validated_data["name"],
                             color=body.validated_data.get("color"))  # fmt: skip
        audit_outcomes(request._request, label.instance, AuditAction.LABEL_EDIT, [outcome],
                       label=before, name=body.validated_data["name"],
                       color=body.validated_data.get("color"))  # fmt: skip
        outcome_raise(outcome)
        return Response(self._fresh(label))

    @extend_schema(summary="Delete at Z-API and here", responses={204: None, **ZAPI_ERRORS})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        label: Label = self.get_object()
        instance, name = label.instance, label.name
        outcome = label_delete(label=label)
        audit_outcomes(request._request, instance, AuditAction.LABEL_DELETE, [outcome], label=name)
        outcome_raise(outcome)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Put the label on chats, or take it off",
                   request=ChatsIn, responses={200: ChatsOut})  # fmt: skip
    @action(detail=True, methods=["post"])
    def chats(self, request: Request, pk: str) -> Response:
        label: Label = self.get_object()
        body = ChatsIn(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = chat_labels_apply(label=label, chat_ids=body.validated_data["chat_ids"],
                                     on=body.validated_data["on"])  # fmt: skip
        audit_outcomes(request._request, label.instance, AuditAction.CHAT_LABEL, list(outcomes),
                       label=label.name, on=body.validated_data["on"],
                       chats=len(outcomes))  # fmt: skip
        return Response({
            "done": sum(o.ok for o in outcomes),
            "failed": [str(o) for o in outcomes if not o.ok],
        })  # fmt: skip

    @extend_schema(summary="Read the number's labels from Z-API again",
                   request=SyncIn, responses={200: None, **ZAPI_ERRORS})  # fmt: skip
    @action(detail=False, methods=["post"])
    def sync(self, request: Request) -> Response:
        body = SyncIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = self._instance(request, body.validated_data["instance"])
        return Response(outcome_body(labels_sync(instance=instance)))
