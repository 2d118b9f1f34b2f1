"""``/api/numbers/``: number registration (spec 003) through ``partners.numbers``, the
Number registration page's service: register (a code by SMS or call), verify the code,
ask again; the same limits (500 waiting, 3 requests then an hour) and reasons in words."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, ZAPI_ERRORS, Conflict
from api.fields import CharField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet, partner_for_write
from instances.outcome import Outcome
from partners.models import RegisteredNumber, RegisteredNumberState, RegistrationMethod
from partners.numbers import (
    CODE_LANGUAGES,
    MAX_CODE_REQUESTS,
    WAITING_LIMIT,
    code_request_wait,
    number_register,
    number_verify,
    waiting_numbers,
)
from partners.roles import Capability


class NumberSerializer(ModelSerializer[RegisteredNumber]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    method = serializers.ChoiceField(choices=RegistrationMethod.choices, read_only=True)
    state_text = CharField(source="get_state_display", read_only=True)
    last_answer = CharField(
        source="last_reason", read_only=True, help_text="Z-API's (or our) last answer, in words."
    )
    next_request_at = serializers.SerializerMethodField(
        help_text="After 3 code requests: when another may be asked (null: now)."
    )  # fmt: skip
    instance = serializers.IntegerField(source="instance_id", read_only=True, allow_null=True,
                                        help_text="The instance it went to.")  # fmt: skip

    class Meta:
        model = RegisteredNumber
        fields = [
            "id", "partner", "whatsapp", "method", "language", "comment", "state", "state_text",
            "code_requests", "last_request_at", "next_request_at", "last_answer", "verified_at",
            "expires_at", "instance", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_next_request_at(self, obj: RegisteredNumber) -> Any:
        now = timezone.now()
        wait = code_request_wait(obj, now=now)
        return None if wait is None else serializers.DateTimeField().to_representation(now + wait)


class RegisterIn(serializers.Serializer[Any]):
    partner = serializers.IntegerField(
        required=False, help_text="Needed only when the key sees several."
    )
    whatsapp = CharField(max_length=20, help_text="With the country code, e.g. 5511987654321.")
    method = serializers.ChoiceField(
        choices=RegistrationMethod.choices, default=RegistrationMethod.SMS
    )
    language = serializers.ChoiceField(choices=[c for c, _l in CODE_LANGUAGES], default="en")
    comment = CharField(max_length=100, required=False, allow_blank=True,
                                    default="")  # fmt: skip


class VerifyIn(serializers.Serializer[Any]):
    code = CharField(max_length=9, help_text="The 6 digits of the SMS or call.")


AnswerSerializer = inline_serializer(
    "NumberRegistrationAnswer",
    {"text": CharField(help_text="What happened, in words."),
     "number": NumberSerializer()},
)  # fmt: skip

LimitsSerializer = inline_serializer(
    "NumberRegistrationLimits",
    {"waiting": serializers.IntegerField(help_text="Numbers waiting (code asked or verified)."),
     "waiting_limit": serializers.IntegerField(),
     "max_code_requests": serializers.IntegerField(help_text="Then an hour's wait.")},
)  # fmt: skip


class NumberFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=RegisteredNumberState.choices)
    partner = IdFilter(field_name="partner_id")

    class Meta:
        model = RegisteredNumber
        fields = ["state", "partner"]


@extend_validation_errors(["invalid"], field_name="partner", actions=["limits"])
class NumberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Numbers registered for new accounts, with their 90-day countdown."""

    serializer_class = NumberSerializer
    filterset_class = NumberFilter
    ordering_fields = ["created_at", "expires_at"]
    ordering = ("-created_at",)
    capabilities = {
        "list": Capability.PROVISION, "retrieve": Capability.PROVISION,
        "create": Capability.PROVISION, "verify": Capability.PROVISION,
        "request_again": Capability.PROVISION, "limits": Capability.PROVISION,
    }  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[RegisteredNumber]:
        return RegisteredNumber.objects.for_user(user).select_related("partner")

    def _answer(self, outcome: Outcome[RegisteredNumber], created: bool = False) -> Response:
        if not outcome.ok:
            if outcome.value is None:  # refused before anything was stored: bad input
                raise serializers.ValidationError({"non_field_errors": [outcome.text]})
            raise Conflict(outcome.text)
        assert outcome.value is not None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response({"text": outcome.text, "number": NumberSerializer(outcome.value).data},
                        status=code)  # fmt: skip

    @extend_schema(
        summary="Register a new number: Z-API sends a 6-digit code by SMS or call",
        description="At most 500 numbers wait per account; 3 code requests for a number, "
        "then an hour's wait (a refusal is a 409 that says until when).",
        request=RegisterIn,
        responses={201: AnswerSerializer, **ZAPI_ERRORS, **CONFLICT},
        examples=[OpenApiExample("By SMS", request_only=True,
                                 value={"whatsapp": "5511987654321", "method": 1,
                                        "language": "pt"})],
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        body = RegisterIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = partner_for_write(request, data.get("partner"), Capability.PROVISION)
        outcome = number_register(partner=partner, whatsapp=data["whatsapp"],
                                  method=int(data["method"]), language=data["language"],
                                  comment=data["comment"])  # fmt: skip
        return self._answer(outcome, created=True)

    @extend_schema(summary="Check the 6-digit code (a verified number waits 90 days)",
                   request=VerifyIn, responses={200: AnswerSerializer, **ZAPI_ERRORS,
                                                **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        number: RegisteredNumber = self.get_object()
        body = VerifyIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(number_verify(number=number, code=body.validated_data["code"]))

    @extend_schema(summary="Ask for another code (same method, language and comment)",
                   request=None, responses={200: AnswerSerializer, **ZAPI_ERRORS,
                                            **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="request-again")
    def request_again(self, request: Request, pk: str) -> Response:
        number: RegisteredNumber = self.get_object()
        return self._answer(number_register(
            partner=number.partner, whatsapp=number.whatsapp, method=number.method,
            language=number.language, comment=number.comment,
        ))  # fmt: skip

    @extend_schema(summary="How many numbers wait, against the account's 500",
                   parameters=[OpenApiParameter("partner", OpenApiTypes.INT, description=(
                       "Needed only when the key sees several partners."))],
                   responses={200: LimitsSerializer})  # fmt: skip
    @action(detail=False, methods=["get"])
    def limits(self, request: Request) -> Response:
        raw = request.query_params.get("partner")
        if raw is not None and not raw.isdigit():
            raise serializers.ValidationError({"partner": [_("A partner's id.")]})
        partner = partner_for_write(request, None if raw is None else int(raw),
                                    Capability.PROVISION)  # fmt: skip
        return Response({"waiting": waiting_numbers(partner=partner).count(),
                         "waiting_limit": WAITING_LIMIT,
                         "max_code_requests": MAX_CODE_REQUESTS})  # fmt: skip
