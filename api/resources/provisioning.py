"""What a reseller does with its integrator token, through ``partners.lifecycle`` (the
services of the New instance and Subscription pages): create an instance on demand,
subscribe, cancel. The answers carry the facts the pages' confirmations show (cost, first
invoice, active-until), and every action writes the pages' audit row (the service does)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, ZAPI_ERRORS, Conflict, outcome_raise
from api.fields import CharField
from audit.services import request_ip
from instances.models import Instance, SubscriptionState
from instances.selectors import billing_of, fleet_queryset
from partners.lifecycle import (
    instance_cancel,
    instance_provision,
    instance_subscribe,
    provision_refusal,
    subscription_quote,
    token_usage,
)
from partners.models import Customer, Partner
from partners.roles import Capability

# Where the Subscription page offers each button (partners/views/subscription.py).
SUBSCRIBABLE = (SubscriptionState.TRIAL, SubscriptionState.CANCELLED, SubscriptionState.UNKNOWN,
                SubscriptionState.EXPIRED)  # fmt: skip


# How a new instance pairs (the on-demand body's kind).
INSTANCE_KINDS = [("web", "web"), ("mobile", "mobile")]


class ProvisionIn(serializers.Serializer[Any]):
    """The New instance form (the on-demand body, spec 001 "Partners")."""

    name = CharField(max_length=120)
    session_name = CharField(max_length=60, required=False, allow_blank=True,
                                         default="")  # fmt: skip
    kind = serializers.ChoiceField(
        choices=INSTANCE_KINDS, default="web",
        help_text="web: pair with a QR code; mobile: register a number on the instance.",
    )  # fmt: skip
    business = serializers.BooleanField(default=True, help_text="WhatsApp Business (or not).")
    call_reject_auto = serializers.BooleanField(default=False)
    call_reject_message = CharField(max_length=500, required=False,
                                                allow_blank=True, default="")  # fmt: skip
    auto_read_message = serializers.BooleanField(default=False)
    customer = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="One of the partner's customers.")  # fmt: skip


UsageSerializer = inline_serializer(
    "ProvisioningUsage",
    {
        "used": serializers.IntegerField(help_text="Instances the integrator token created."),
        "limit": serializers.IntegerField(allow_null=True, help_text="null: no limit."),
        "fleet": serializers.IntegerField(help_text="Every instance of the partner."),
        "fleet_limit": serializers.IntegerField(allow_null=True),
        "left": serializers.IntegerField(allow_null=True, help_text="null: no limit."),
        "refusal": CharField(help_text="Why no instance may be created now, or ''."),
    },
)

QuoteSerializer = inline_serializer(
    "SubscriptionQuote",
    {
        "price": CharField(allow_null=True, help_text="Z-API's price per instance."),
        "currency": CharField(),
        "first_invoice": serializers.DateField(allow_null=True,
                                               help_text="Subscribing today: first billed on."),
        "active_until": serializers.DateField(allow_null=True,
                                              help_text="Cancelling today: active until."),
        "last_invoice": serializers.DateField(allow_null=True,
                                              help_text="Cancelling today: last billed on."),
    },
)  # fmt: skip

SubscriptionSerializer = inline_serializer(
    "Subscription",
    {
        "instance": serializers.IntegerField(),
        "subscription_state": serializers.ChoiceField(choices=SubscriptionState.choices),
        "billing": CharField(help_text="trial, due, expired, or '' (unknown)."),
        "due_date": serializers.DateTimeField(allow_null=True),
        "subscribed_at": serializers.DateTimeField(allow_null=True),
        "cancelled_at": serializers.DateTimeField(allow_null=True),
        "can_subscribe": serializers.BooleanField(),
        "can_cancel": serializers.BooleanField(),
        "quote": QuoteSerializer,
    },
)

DoneSerializer = inline_serializer(
    "SubscriptionChanged",
    {"text": CharField(help_text="What was done, in words."),
     "subscription": SubscriptionSerializer},
)  # fmt: skip


def usage_json(partner: Partner) -> dict[str, Any]:
    usage = token_usage(partner=partner)
    return {"used": usage.used, "limit": usage.limit, "fleet": usage.fleet,
            "fleet_limit": usage.fleet_limit, "left": usage.left,
            "refusal": provision_refusal(partner=partner)}  # fmt: skip


def subscription_json(instance: Instance) -> dict[str, Any]:
    quote = subscription_quote(instance=instance)
    return {
        "instance": instance.pk,
        "subscription_state": instance.subscription_state,
        "billing": billing_of(instance).key,
        "due_date": instance.due_date,
        "subscribed_at": instance.subscribed_at,
        "cancelled_at": instance.cancelled_at,
        "can_subscribe": instance.subscription_state in SUBSCRIBABLE,
        "can_cancel": instance.subscription_state == SubscriptionState.SUBSCRIBED,
        "quote": {
            "price": None if quote.price is None else str(quote.price),
            "currency": quote.currency,
            "first_invoice": quote.first_invoice,
            "active_until": quote.active_until,
            "last_invoice": quote.last_invoice,
        },
    }


class PartnerProvisioningMixin:
    """``/api/partners/{id}/instances/`` and ``/usage/``, on the partner viewset."""

    @extend_schema(summary="How many instances the partner may still create, and why not",
                   responses={200: UsageSerializer})  # fmt: skip
    @action(detail=True, methods=["get"])
    def usage(self, request: Request, pk: str) -> Response:
        partner: Partner = self.get_object()  # type: ignore[attr-defined]
        return Response(usage_json(partner))

    @extend_schema(
        summary="Create an instance at Z-API (2-day trial), webhooks pointing here",
        description="The New instance page's checks run first (integrator token, the first "
        "token's 25, the partner's limit): a refusal is a 409 that says why.",
        request=ProvisionIn,
        responses={201: inline_serializer("Provisioned", {
            "text": CharField(), "instance": serializers.DictField(),
            "trial_ends": serializers.DateTimeField(allow_null=True)}),
            **ZAPI_ERRORS, **CONFLICT},
        examples=[OpenApiExample("Web instance", request_only=True,
                                 value={"name": "Loja Centro", "kind": "web"})],
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="instances")
    def provision(self, request: Request, pk: str) -> Response:
        from api.resources.instances import InstanceSerializer

        partner: Partner = self.get_object()  # type: ignore[attr-defined]
        body = ProvisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        customer = None
        if data.get("customer") is not None:
            customer = get_object_or_404(Customer.objects.filter(partner=partner),
                                         pk=data["customer"])  # fmt: skip
        if refusal := provision_refusal(partner=partner):
            raise Conflict(refusal)
        outcome = instance_provision(
            partner=partner, name=data["name"], session_name=data["session_name"],
            mobile=data["kind"] == "mobile", business=data["business"],
            call_reject_auto=data["call_reject_auto"],
            call_reject_message=data["call_reject_message"],
            auto_read_message=data["auto_read_message"], customer=customer,
            actor=request.user, ip=request_ip(request._request),
        )  # fmt: skip
        outcome_raise(outcome)
        assert outcome.value is not None
        row = fleet_queryset(Instance.objects.filter(pk=outcome.value.pk)).get()
        context = {"operable_partners": None}  # it was just created by this caller
        return Response(
            {"text": outcome.text, "instance": InstanceSerializer(row, context=context).data,
             "trial_ends": row.due_date},
            status=status.HTTP_201_CREATED,
        )  # fmt: skip


class InstanceSubscriptionMixin:
    """``/api/instances/{id}/subscription/``, ``/subscribe/``, ``/cancel/``."""

    def _changed(self, request: Request, service: Any) -> Response:
        instance: Instance = self.get_object()  # type: ignore[attr-defined]
        outcome = service(instance=instance, actor=request.user, ip=request_ip(request._request))
        outcome_raise(outcome)
        instance.refresh_from_db()
        return Response({"text": outcome.text, "subscription": subscription_json(instance)})

    @extend_schema(summary="Subscription state, and what subscribing or cancelling would mean",
                   responses={200: SubscriptionSerializer})  # fmt: skip
    @action(detail=True, methods=["get"])
    def subscription(self, request: Request, pk: str) -> Response:
        return Response(subscription_json(self.get_object()))  # type: ignore[attr-defined]

    @extend_schema(summary="Keep the instance after its trial (billed from the next invoice)",
                   request=None, responses={200: DoneSerializer, **ZAPI_ERRORS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def subscribe(self, request: Request, pk: str) -> Response:
        return self._changed(request, instance_subscribe)

    @extend_schema(summary="Cancel (it stays active, and billed, 30 more days)",
                   request=None, responses={200: DoneSerializer, **ZAPI_ERRORS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._changed(request, instance_cancel)


PROVISION_CAPABILITIES: dict[str, Capability | None] = {
    "usage": Capability.PROVISION, "provision": Capability.PROVISION,
    "subscription": Capability.PROVISION, "subscribe": Capability.PROVISION,
    "cancel": Capability.PROVISION,
}  # fmt: skip
