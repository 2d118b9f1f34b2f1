"""``/api/messages/``: send every kind the composer sends (``Idempotency-Key`` makes a
retried POST send once), read state and history by our id or Z-API's ``messageId``; and
``/api/instances/{id}/conversations/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, Conflict, error_response
from api.fields import CharField, ModelSerializer, URLField
from api.filters import IdFilter, StrictFilterSet
from api.models import ApiKey
from api.pagination import OldestFirstCursorPagination
from api.resources.base import ScopedViewSet, audit
from api.services import IdempotencyMismatch, idempotent, request_fingerprint
from audit.models import AuditAction
from instances.models import Instance
from instances.shortcuts import scoped_instance
from messaging.compose import COMPOSABLE_KINDS
from messaging.models import Direction, Message, MessageKind
from messaging.phones import chat_id_normalize
from messaging.selectors import chats_recent, conversation_messages
from messaging.services import message_cancel, message_enqueue, message_retry
from messaging.states import STATE_TIME_FIELD, MessageState
from partners.roles import Capability
from partners.scoping import user_can
from zapi.bodies import DELAY_SECONDS

# The kinds a message may be sent as (the composer's), named once in the schema.
COMPOSABLE_KIND_CHOICES = [(k, MessageKind(k).label) for k in COMPOSABLE_KINDS]


@extend_schema_field(
    inline_serializer(
        "MessageHistoryItem",
        {"state": serializers.ChoiceField(MessageState.choices), "at": serializers.DateTimeField()},
        many=True,
    )
)
class HistoryField(serializers.ReadOnlyField):
    pass


class MessageSerializer(ModelSerializer[Message]):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    state_text = CharField(source="get_state_display", read_only=True)
    history = HistoryField(source="*")

    class Meta:
        model = Message
        fields = [
            "id", "instance", "direction", "kind", "chat_id", "text", "state", "state_text",
            "zaap_id", "message_id", "error", "attempts", "not_before", "created_at",
            "history",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Message) -> dict[str, Any]:
        data = super().to_representation(instance)
        moments = [
            (state, getattr(instance, field))
            for state, field in STATE_TIME_FIELD.items()
            if getattr(instance, field) is not None
        ]
        moments.sort(key=lambda pair: pair[1])
        data["history"] = [
            {"state": str(state), "at": serializers.DateTimeField().to_representation(at)}
            for state, at in moments
        ]
        return data


@extend_schema_field(
    {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 200}}
)
class ChoicesField(serializers.Field):
    """Options, buttons or poll answers; one error for the whole list (``attr: choices``)."""

    default_error_messages = {
        "invalid": _lazy("A list of at most 50 texts of 1 to 200 characters each."),
    }

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list) or len(data) > 50:
            self.fail("invalid")
        if not all(isinstance(v, str) and 1 <= len(v.strip()) <= 200 for v in data):
            self.fail("invalid")
        return [v.strip() for v in data]

    def to_representation(self, value: Any) -> Any:
        return value


class SendSerializer(serializers.Serializer[Any]):
    """The composer's fields; which ones a kind needs is checked by ``messaging.compose``."""

    instance = serializers.IntegerField(help_text="Our id of the sending number.")
    chat_id = CharField(
        max_length=100, help_text="Phone with country code (digits), a group id or an @lid."
    )
    kind = serializers.ChoiceField(choices=COMPOSABLE_KIND_CHOICES)
    message = CharField(required=False, allow_blank=True, max_length=65536)
    url = URLField(required=False, max_length=1000, help_text="Media URL.")
    caption = CharField(required=False, allow_blank=True, max_length=1000)
    file_name = CharField(required=False, allow_blank=True, max_length=200)
    extension = CharField(required=False, allow_blank=True, max_length=10)
    link_url = URLField(required=False, max_length=1000)
    title = CharField(required=False, allow_blank=True, max_length=200)
    link_description = CharField(required=False, allow_blank=True, max_length=500)
    image = URLField(required=False, max_length=1000)
    latitude = serializers.DecimalField(
        required=False, max_digits=10, decimal_places=7, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        required=False, max_digits=10, decimal_places=7, min_value=-180, max_value=180
    )
    address = CharField(required=False, allow_blank=True, max_length=300)
    contact_name = CharField(required=False, allow_blank=True, max_length=200)
    contact_phone = CharField(required=False, allow_blank=True, max_length=30)
    choices = ChoicesField(required=False, help_text="List options, buttons or poll answers.")
    button_label = CharField(required=False, allow_blank=True, max_length=60)
    poll_max_options = serializers.IntegerField(required=False, min_value=1, max_value=50)
    delay_typing = serializers.IntegerField(
        required=False, min_value=DELAY_SECONDS.start, max_value=DELAY_SECONDS[-1]
    )
    delay_message = serializers.IntegerField(
        required=False, min_value=DELAY_SECONDS.start, max_value=DELAY_SECONDS[-1]
    )
    not_before = serializers.DateTimeField(
        required=False, help_text="Do not send before this time."
    )

    ENVELOPE = ("instance", "chat_id", "kind", "delay_typing", "delay_message", "not_before")

    def compose_fields(self) -> dict[str, Any]:
        return self.compose_fields_of(self.validated_data)

    @classmethod
    def compose_fields_of(cls, data: dict[str, Any]) -> dict[str, Any]:
        """The compose fields of validated data (the envelope and empty values left out)."""
        fields = {k: v for k, v in data.items() if k not in cls.ENVELOPE and v not in ("", None)}
        for key in ("latitude", "longitude"):
            if key in fields:
                fields[key] = str(fields[key])
        return fields


class MessageFilter(StrictFilterSet):
    instance = IdFilter(field_name="instance_id")
    chat_id = django_filters.CharFilter(method="filter_chat", validators=[chat_id_normalize])
    state = django_filters.MultipleChoiceFilter(choices=MessageState.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    kind = django_filters.ChoiceFilter(choices=MessageKind.choices)
    message_id = django_filters.CharFilter(
        method="filter_zapi_id", label="Z-API's messageId or zaapId"
    )
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Message
        fields = ["instance", "chat_id", "state", "direction", "kind", "message_id"]

    def filter_chat(self, queryset: QuerySet[Message], name: str, value: str) -> Any:
        return queryset.filter(chat_id=chat_id_normalize(value))

    def filter_zapi_id(self, queryset: QuerySet[Message], name: str, value: str) -> Any:
        return queryset.filter(Q(message_id=value) | Q(zaap_id=value))


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID). A POST retried with the same key sends nothing "
    "again and gets the first answer back (header `Idempotent-Replayed: true`) for 24 h; "
    "the same key with another body is a 422.",
)
ID_PARAM = OpenApiParameter(
    "id", OpenApiTypes.STR, OpenApiParameter.PATH,
    description="Our message id, or Z-API's messageId / zaapId.",
)  # fmt: skip


def idempotency_owner(request: Request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    return f"user:{request.user.pk}"


class IdempotencyKeyReused(Conflict):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Messages of the partner's numbers, both directions."""

    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    ordering_fields = ["created_at"]
    ordering = ("-created_at",)
    lookup_value_regex = "[^/]+"
    capabilities = {
        "create": Capability.OPERATE,
        "cancel": None,  # operators and support: checked in ``_fix``
        "retry": None,
    }

    def queryset_for(self, user: Any) -> QuerySet[Message]:
        return Message.objects.for_user(user).select_related("instance__partner")

    def partner_of(self, obj: Message) -> Any:
        return obj.instance.partner

    def get_object(self) -> Message:
        value = str(self.kwargs["pk"])
        queryset = self.get_queryset()
        if value.isdigit() and len(value) < 19:
            lookup = Q(pk=int(value)) | Q(message_id=value) | Q(zaap_id=value)
        else:
            lookup = Q(message_id=value) | Q(zaap_id=value)
        message: Message | None = queryset.filter(lookup).order_by("pk").first()
        if message is None:
            from django.http import Http404

            raise Http404
        self.check_object_permissions(self.request, message)
        return message

    @extend_schema(parameters=[ID_PARAM])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Send a message (queued, then sent at the number's pace)",
        request=SendSerializer,
        responses={
            201: MessageSerializer,
            422: error_response("The Idempotency-Key was used for another request."),
        },
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "Text",
                value={
                    "instance": 1,
                    "chat_id": "5511999998888",
                    "kind": "text",
                    "message": "Hello! Reply STOP to opt out.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Image",
                value={
                    "instance": 1,
                    "chat_id": "5511999998888",
                    "kind": "image",
                    "url": "https://example.com/p.png",
                    "caption": "New in store",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Poll",
                value={
                    "instance": 1,
                    "chat_id": "5511999998888",
                    "kind": "poll",
                    "message": "Which day?",
                    "choices": ["Monday", "Friday"],
                },
                request_only=True,
            ),
        ],
    )
    def create(self, request: Request) -> Response:
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        instance = scoped_instance(request, body.validated_data["instance"], Capability.OPERATE)

        def send() -> tuple[int, dict[str, Any]]:
            message = message_enqueue(
                instance=instance,
                chat_id=body.validated_data["chat_id"],
                kind=body.validated_data["kind"],
                fields=body.compose_fields(),
                delay_typing=body.validated_data.get("delay_typing"),
                delay_message=body.validated_data.get("delay_message"),
                not_before=body.validated_data.get("not_before"),
            )
            return status.HTTP_201_CREATED, dict(MessageSerializer(message).data)

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            code, data = send()
            return Response(data, status=code)
        if len(key) > 255:
            raise serializers.ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        fingerprint = request_fingerprint(method="POST", path=request.path, data=request.data)
        try:
            code, data, replayed = idempotent(
                owner=idempotency_owner(request), key=key, fingerprint=fingerprint, work=send
            )
        except IdempotencyMismatch:
            raise IdempotencyKeyReused(
                _("This Idempotency-Key was used for another request.")
            ) from None
        response = Response(data, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        summary="Cancel a message still waiting on our side",
        request=None,
        parameters=[ID_PARAM],
        responses={200: MessageSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        message = self._checked(request)
        if not message_cancel(message=message):
            raise Conflict(_("The message is %(state)s: it cannot be cancelled.")
                           % {"state": message.get_state_display()})  # fmt: skip
        self._audited(message, AuditAction.MESSAGE_CANCEL)
        message.refresh_from_db()
        return Response(MessageSerializer(message).data)

    @extend_schema(
        summary="Queue a failed (or uncertain) message again",
        request=None,
        parameters=[ID_PARAM],
        responses={200: MessageSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        message = self._checked(request)
        if not message_retry(message=message):
            raise Conflict(_("The message is %(state)s: there is nothing to retry.")
                           % {"state": message.get_state_display()})  # fmt: skip
        self._audited(message, AuditAction.MESSAGE_RETRY)
        message.refresh_from_db()
        return Response(MessageSerializer(message).data)

    def _audited(self, message: Message, action: AuditAction) -> None:
        audit(self.request, action, partner=message.instance.partner, instance=message.instance,
              target=f"message {message.pk}")  # fmt: skip

    def _checked(self, request: Request) -> Message:
        message = self.get_object()
        if not any(
            user_can(request.user, c, message.instance.partner)
            for c in (Capability.SUPPORT, Capability.OPERATE)
        ):
            self.permission_denied(request)
        return message


class ConversationSerializer(serializers.Serializer[Any]):
    chat_id = CharField()
    last = serializers.DateTimeField(help_text="Last message, either direction.")
    count = serializers.IntegerField()


@extend_validation_errors(["invalid"], field_name="limit", actions=["list"])
class ConversationViewSet(ScopedViewSet):
    """The chats of one number, newest activity first (``/api/instances/{id}/...``)."""

    serializer_class = ConversationSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def queryset_for(self, user: Any) -> QuerySet[Message]:
        return Message.objects.for_user(user)

    def queryset_for_schema(self) -> QuerySet[Any]:
        return Message.objects.none()

    @extend_schema(
        operation_id="instances_conversations_list",
        summary="The number's chats, newest activity first",
        parameters=[
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description="How many chats (default 30).",
                required=False,
            ),
        ],
    )
    def list(self, request: Request, instance_pk: str) -> Response:
        instance = instance_in_scope(request, instance_pk)
        raw = request.query_params.get("limit", "30")
        if not raw.isdigit() or not 1 <= int(raw) <= 200:
            raise serializers.ValidationError({"limit": [_("A whole number from 1 to 200.")]})
        rows = chats_recent(user=request.user, instance=instance, limit=int(raw))
        return Response(ConversationSerializer(rows, many=True).data)


def instance_in_scope(request: Request, instance_pk: str) -> Instance:
    return scoped_instance(request, int(instance_pk), Capability.VIEW)


class ConversationTimelineViewSet(mixins.ListModelMixin, ScopedViewSet):
    """One chat's timeline, oldest first (cursor-paginated)."""

    serializer_class = MessageSerializer
    pagination_class = OldestFirstCursorPagination
    filter_backends: list[Any] = []

    def queryset_for(self, user: Any) -> QuerySet[Message]:
        instance = instance_in_scope(self.request, self.kwargs["instance_pk"])
        try:
            chat_id = chat_id_normalize(self.kwargs["chat_id"])
        except DjangoValidationError:
            raise NotFound() from None
        return conversation_messages(user=user, instance=instance, chat_id=chat_id)

    @extend_schema(
        operation_id="instances_conversations_messages",
        summary="One chat's timeline, oldest first",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
