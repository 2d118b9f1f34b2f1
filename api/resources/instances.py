"""``/api/instances/``: the fleet and what the instance pages do, through their services."""

from __future__ import annotations

import base64
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, ZAPI_ERRORS, Conflict, OutcomeSerializer, outcome_body
from api.fields import CharField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet, operable_partners
from api.resources.business import PROFILE_CAPABILITIES, CompanyProfileMixin
from api.resources.provisioning import PROVISION_CAPABILITIES, InstanceSubscriptionMixin
from audit.models import AuditAction
from instances.models import ConnectionState, Instance, SubscriptionState
from instances.outcome import Outcome
from instances.selectors import FLEET_STATES, connection_badge, fleet_queryset, fleet_state_q
from instances.services import (
    instance_disconnect,
    instance_pairable,
    instance_probe,
    instance_restart,
    instance_settings_update,
    instance_webhooks_point_here,
    pairing_phone_code,
    pairing_qr,
)
from instances.views.common import audit_outcomes
from partners.roles import Capability


class InstanceSerializer(ModelSerializer[Instance]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    partner_name = CharField(source="partner.name", read_only=True)
    state = serializers.SerializerMethodField(help_text="The fleet list's state of the number.")
    webhook_url = serializers.SerializerMethodField(
        help_text="Where Z-API posts this number's events (only for who may operate it)."
    )
    pending_messages = serializers.IntegerField(source="pending_count", read_only=True)

    class Meta:
        model = Instance
        # Tokens and the webhook secret are never serialised (the URL only to operators).
        fields = [
            "id", "partner", "partner_name", "zapi_id", "name", "phone", "state",
            "connection_state", "smartphone_connected", "connection_changed_at",
            "subscription_state", "payment_status", "due_date", "zapi_queue_size",
            "pending_messages", "last_probe_at", "last_event_at", "webhook_url", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: Instance) -> str:
        return connection_badge(obj)[0]

    def get_webhook_url(self, obj: Instance) -> str | None:
        operable = self.context.get("operable_partners", set())
        if operable is None or obj.partner_id in operable:
            return obj.webhook_url
        return None


FLEET_STATE_CHOICES = [(key, label) for key, label in FLEET_STATES.items()]


class InstanceFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=FLEET_STATE_CHOICES, method="filter_state")
    connection_state = django_filters.ChoiceFilter(choices=ConnectionState.choices)
    subscription_state = django_filters.ChoiceFilter(choices=SubscriptionState.choices)
    partner = IdFilter(field_name="partner_id")
    search = django_filters.CharFilter(method="filter_search", label="Name, phone or Z-API id")

    class Meta:
        model = Instance
        fields = ["state", "connection_state", "subscription_state", "partner", "search"]

    def filter_state(self, queryset: QuerySet[Instance], name: str, value: str) -> Any:
        return queryset.filter(fleet_state_q(value))

    def filter_search(self, queryset: QuerySet[Instance], name: str, value: str) -> Any:
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(phone__icontains=value) | Q(zapi_id__icontains=value)
        )


class PhoneCodeIn(serializers.Serializer[Any]):
    phone = CharField(
        max_length=20, help_text="The number with country and area code, digits only."
    )


class WebhooksIn(serializers.Serializer[Any]):
    notify_sent_by_me = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Also notify the messages the number itself sends.",
    )  # fmt: skip


class SettingsSerializer(serializers.Serializer[Any]):
    auto_read_message = serializers.BooleanField()
    auto_read_status = serializers.BooleanField()
    call_reject_auto = serializers.BooleanField()
    call_reject_message = CharField(max_length=500, required=False, allow_blank=True, default="")


StateSerializer = inline_serializer(
    "InstanceState",
    {
        "connected": serializers.BooleanField(),
        "smartphone_connected": serializers.BooleanField(allow_null=True),
        "text": CharField(help_text="Z-API's answer in words."),
        "instance": InstanceSerializer(),
    },
)
QrBase64Serializer = inline_serializer(
    "QrCodeBase64",
    {"image": CharField(help_text="data:image/png;base64,...")},
)
PhoneCodeSerializer = inline_serializer("PhoneCode", {"code": CharField()})


def _settings_of(instance: Instance) -> dict[str, Any]:
    me = (instance.settings_snapshot or {}).get("me", {})
    return {
        "auto_read_message": bool(me.get("autoReadMessage")),
        "auto_read_status": bool(me.get("autoReadStatus")),
        "call_reject_auto": bool(me.get("callRejectAuto")),
        "call_reject_message": me.get("callRejectMessage") or "",
    }


@extend_validation_errors(["invalid"], field_name="q", actions=["company_categories"])
class InstanceViewSet(
    CompanyProfileMixin,
    InstanceSubscriptionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """The partner's numbers: list with filters, detail, and the actions of its pages."""

    serializer_class = InstanceSerializer
    filterset_class = InstanceFilter
    ordering_fields = ["name", "created_at", "connection_changed_at", "last_event_at"]
    ordering = ("name",)
    capabilities = {
        "restart": Capability.OPERATE,
        "disconnect": Capability.OPERATE,
        "qr_code": Capability.OPERATE,
        "qr_code_base64": Capability.OPERATE,
        "phone_code": Capability.OPERATE,
        "webhooks": Capability.OPERATE,
        "instance_settings": Capability.OPERATE,
        **PROVISION_CAPABILITIES,
        **PROFILE_CAPABILITIES,
    }

    def queryset_for(self, user: Any) -> QuerySet[Instance]:
        return fleet_queryset(Instance.objects.for_user(user))

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["operable_partners"] = operable_partners(self.request)
        return context

    def _instance(self) -> Instance:
        instance: Instance = self.get_object()
        return instance

    def _audited(
        self, instance: Instance, action: AuditAction, outcomes: list[Outcome[Any]], **details: Any
    ) -> None:
        """The page's audit row for what was asked of Z-API (one per attempt)."""
        audit_outcomes(self.request._request, instance, action, outcomes, **details)

    @extend_schema(
        summary="Ask Z-API for the connection state now",
        responses={200: StateSerializer, **ZAPI_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def state(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        # Unreachable: recorded as a probe, no state changed; a retryable outcome (503).
        outcome = instance_probe(instance=instance)
        outcome_body(outcome)
        instance = self.queryset_for(request.user).get(pk=instance.pk)
        status = outcome.value
        return Response(
            {
                "connected": bool(status and status.connected),
                "smartphone_connected": status.smartphoneConnected if status else None,
                "text": outcome.text,
                "instance": self.get_serializer(instance).data,
            }
        )

    @extend_schema(
        summary="Restart the instance at Z-API",
        request=None,
        responses={200: OutcomeSerializer, **ZAPI_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def restart(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        outcome = instance_restart(instance=instance)
        self._audited(instance, AuditAction.INSTANCE_RESTART, [outcome])
        return Response(outcome_body(outcome))

    @extend_schema(
        summary="Disconnect (unpair) the phone",
        request=None,
        responses={200: OutcomeSerializer, **ZAPI_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def disconnect(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        outcome = instance_disconnect(instance=instance)
        self._audited(instance, AuditAction.INSTANCE_DISCONNECT, [outcome])
        return Response(outcome_body(outcome))

    def _qr_png(self) -> bytes:
        instance = self._instance()
        if not instance_pairable(instance=instance):
            raise Conflict(_("The number is connected: there is no QR code to scan."))
        outcome = pairing_qr(instance=instance)
        self._audited(instance, AuditAction.INSTANCE_PAIR, [outcome], by="QR code")
        outcome_body(outcome)
        picture = outcome.value
        if picture is None or picture.already_connected:
            raise Conflict(_("Z-API says the number is connected already."))
        png = picture.png()
        if not png:
            raise Conflict(_("Z-API sent a QR code image that is not a PNG."))
        return png

    @extend_schema(
        summary="The pairing QR code as a PNG",
        description="WhatsApp changes the code every 20 s: fetch it again every 10-20 s, "
        "and stop after 3 (spec 002).",
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="PNG"),
            **ZAPI_ERRORS,
            **CONFLICT,
        },
    )
    @action(detail=True, methods=["get"], url_path="qr-code")
    def qr_code(self, request: Request, pk: str) -> HttpResponse:
        return HttpResponse(self._qr_png(), content_type="image/png")

    @extend_schema(
        summary="The pairing QR code as a base64 data URL",
        responses={200: QrBase64Serializer, **ZAPI_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["get"], url_path="qr-code/base64")
    def qr_code_base64(self, request: Request, pk: str) -> Response:
        data = base64.b64encode(self._qr_png()).decode()
        return Response({"image": f"data:image/png;base64,{data}"})

    @extend_schema(
        summary="A code to type in WhatsApp under 'Link with phone number'",
        request=PhoneCodeIn,
        responses={200: PhoneCodeSerializer, **ZAPI_ERRORS},
        examples=[OpenApiExample("Phone", value={"phone": "5511999998888"}, request_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="phone-code")
    def phone_code(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        body = PhoneCodeIn(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = pairing_phone_code(instance=instance, phone=body.validated_data["phone"])
        self._audited(instance, AuditAction.INSTANCE_PAIR, [outcome], by="phone code")
        if not outcome.ok and not outcome.answer:  # our own check of the digits
            raise serializers.ValidationError({"phone": [outcome.text]})
        outcome_body(outcome)
        return Response({"code": outcome.value.code if outcome.value else ""})

    @extend_schema(
        summary="Point every Z-API webhook of the number at this dashboard",
        request=WebhooksIn,
        responses={200: OutcomeSerializer, **ZAPI_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def webhooks(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        body = WebhooksIn(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = instance_webhooks_point_here(
            instance=instance, notify_sent_by_me=body.validated_data.get("notify_sent_by_me")
        )
        self._audited(instance, AuditAction.INSTANCE_WEBHOOKS, [outcome])
        return Response(outcome_body(outcome))

    @extend_schema(
        methods=["GET"],
        summary="The number's settings, as Z-API last told us",
        responses={200: SettingsSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Change the number's settings at Z-API",
        request=SettingsSerializer,
        responses={200: SettingsSerializer, **ZAPI_ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path="settings")
    def instance_settings(self, request: Request, pk: str) -> Response:
        instance = self._instance()
        if request.method == "GET":
            return Response(_settings_of(instance))
        body = SettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = instance_settings_update(instance=instance, **body.validated_data)
        self._audited(instance, AuditAction.INSTANCE_SETTINGS, outcomes)
        for outcome in outcomes:
            outcome_body(outcome)
        instance.refresh_from_db()
        return Response(_settings_of(instance))
