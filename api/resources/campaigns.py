"""``/api/campaigns/``: what the campaign pages do, through ``messaging.campaigns``' services
and selectors: list, create (audience from lists, labels, a search or chosen contacts; a
file goes through ``/api/contacts/import/`` into a list, as the page imports it), preview
as three recipients, safety checks, start / pause / resume / cancel / duplicate, the
progress page's figures and the recipients table with reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
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
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, Conflict
from api.fields import CharField, FlatListField, LocalTimeField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.pagination import StrictPageSize
from api.resources.base import ScopedViewSet
from api.resources.messages import SendSerializer
from audit.services import request_ip
from instances.models import Instance
from messaging.campaigns.audience import audience_describe
from messaging.campaigns.models import (
    BreakerScope,
    Campaign,
    CampaignRecipient,
    CampaignState,
    Failover,
)
from messaging.campaigns.safety import content_check
from messaging.campaigns.selectors import (
    campaign_figures,
    campaign_preview,
    campaign_progress,
    campaign_safety,
    campaigns_for,
    draft_preview,
    recipient_outcome,
    recipients_filtered,
)
from messaging.campaigns.services import (
    VariantSpec,
    campaign_cancel,
    campaign_create,
    campaign_duplicate,
    campaign_pause,
    campaign_resume,
    campaign_start,
)
from messaging.consent import opt_out_line
from messaging.models import ContactImport, ImportState
from messaging.states import MessageState
from partners.roles import Capability
from partners.scoping import user_can


class VariantIn(SendSerializer):
    """One message variant: any kind the composer sends; its text may hold ``{{nome}}``,
    ``{{cidade|fallback}}`` and spintax ``{Olá|Oi}``."""

    instance = None
    chat_id = None  # type: ignore[assignment]  # DRF drops a field set to None
    delay_typing = None
    delay_message = None
    not_before = None


class CampaignIn(serializers.Serializer[Any]):
    """The campaign form. The audience adds up: lists, labels, chosen contacts; ``search``
    narrows it (alone: every contact matching). A file: import it into a list with
    ``POST /api/contact-imports/`` and name the import in ``audience_import`` (what the page
    does with an upload): the campaign waits for it."""

    name = CharField(max_length=200)
    senders = FlatListField(
        child=serializers.IntegerField(),
        min_length=1,
        max_length=200,
        help_text="Our ids of the sending numbers (one partner).",
    )
    lists = FlatListField(child=serializers.IntegerField(), required=False, default=list)
    labels = FlatListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="WhatsApp Business labels: contacts whose chat has one.",
    )
    contacts = FlatListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=100_000
    )
    search = CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="A name or part of a number.",
    )
    audience_import = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A started contact import into a list: its list joins the audience, and the "
        "campaign's recipients are written when it is done (it cannot start before, except at "
        "a later starts_at).",
    )
    variants = FlatListField(child=VariantIn(), min_length=1, max_length=3)
    opt_out = serializers.BooleanField(default=True, help_text="Add the partner's opt-out line.")
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Same seed, same spintax and variants (preview).",
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    window_start = LocalTimeField(required=False, help_text="In time_zone, e.g. 09:00.")
    window_end = LocalTimeField(required=False, help_text="In time_zone, e.g. 20:00.")
    window_weekdays = FlatListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        min_length=1,
        max_length=7,
        help_text="0 Monday … 6 Sunday.",
    )
    time_zone = CharField(max_length=64, required=False)
    rest_every_min = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    rest_every_max = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    rest_min_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    rest_max_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    failover = serializers.ChoiceField(choices=Failover.choices, required=False)
    breaker_scope = serializers.ChoiceField(choices=BreakerScope.choices, required=False)

    OPTIONS = ("starts_at", "window_start", "window_end", "window_weekdays", "time_zone",
               "rest_every_min", "rest_every_max", "rest_min_seconds", "rest_max_seconds",
               "failover", "breaker_scope")  # fmt: skip

    def audience(self) -> dict[str, Any]:
        """As ``Campaign.audience`` keeps it (``messaging.campaigns.audience``)."""
        data = self.validated_data
        audience = {key: data[key] for key in ("lists", "labels", "search")}
        if data["contacts"]:
            audience["contacts"] = data["contacts"]
        return audience

    def variant_specs(self) -> list[VariantSpec]:
        return [VariantSpec(kind=v["kind"], fields=VariantIn.compose_fields_of(v))
                for v in self.validated_data["variants"]]  # fmt: skip

    def options(self) -> dict[str, Any]:
        data = self.validated_data
        options = {k: data[k] for k in self.OPTIONS if k in data}
        if "window_weekdays" in options:
            options["window_weekdays"] = sorted(set(options["window_weekdays"]))
        if not data["opt_out"]:
            options["opt_out_line"] = ""
        return options


class CampaignSerializer(ModelSerializer[Campaign]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    state_text = CharField(source="get_state_display", read_only=True)
    senders = serializers.SerializerMethodField()
    window_start = LocalTimeField(read_only=True)
    window_end = LocalTimeField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "partner", "name", "state", "state_text", "state_reason", "audience",
            "audience_count", "excluded_opted_out", "excluded_invalid", "audience_import",
            "audience_pending", "senders",
            "opt_out_line", "starts_at", "window_start", "window_end", "window_weekdays",
            "time_zone", "failover", "breaker_scope", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_senders(self, obj: Campaign) -> list[int]:
        return [s.instance_id for s in obj.senders.all()]


PreviewRowSerializer = inline_serializer(
    "CampaignPreviewRow",
    {"name": CharField(), "phone": CharField(),
     "sender": CharField(), "variant": serializers.IntegerField(),
     "kind": CharField(), "text": CharField()},
)  # fmt: skip
FindingSerializer = inline_serializer(
    "CampaignSafetyFinding",
    {"code": CharField(), "level": serializers.ChoiceField(["blocker", "warning"]),
     "message": CharField()},
)  # fmt: skip
PreviewSerializer = inline_serializer(
    "CampaignPreview",
    {"recipients": PreviewRowSerializer, "safety": FindingSerializer},
)
FIGURES = {
    "state": serializers.ChoiceField(choices=CampaignState.choices),
    "state_reason": CharField(),
    **{name: serializers.IntegerField() for name in (
        "audience", "excluded_opted_out", "excluded_invalid", "pending", "queued", "waiting",
        "capped", "sent", "delivered", "read", "replied", "failed", "skipped", "percent",
        "read_rate", "reply_rate")},
    "skipped_by_reason": serializers.DictField(child=serializers.IntegerField()),
}  # fmt: skip
TallySerializer = inline_serializer(
    "CampaignSliceTally",
    {name: serializers.IntegerField() for name in (
        "audience", "sent", "delivered", "read", "replied", "failed", "waiting")},
)  # fmt: skip
ProgressSerializer = inline_serializer(
    "CampaignProgress",
    {
        **FIGURES,
        "audience_text": CharField(help_text="The audience in words."),
        "estimated_end": serializers.DateTimeField(allow_null=True),
        "senders": inline_serializer("CampaignSenderProgress", {
            "instance": serializers.IntegerField(), "name": CharField(),
            "state": CharField(), "state_reason": CharField(),
            "new_today": serializers.IntegerField(), "limit_today": serializers.IntegerField(),
            "tally": TallySerializer}, many=True),
        "variants": inline_serializer("CampaignVariantProgress", {
            "position": serializers.IntegerField(), "tally": TallySerializer}, many=True),
    },
)  # fmt: skip


class RecipientSerializer(ModelSerializer[CampaignRecipient]):
    contact = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.SerializerMethodField()
    sender = serializers.PrimaryKeyRelatedField(read_only=True)
    variant = serializers.SerializerMethodField()
    message = serializers.PrimaryKeyRelatedField(read_only=True)
    outcome = serializers.SerializerMethodField(help_text="Waiting, Skipped, or the message's.")
    reason = serializers.SerializerMethodField(help_text="Why it did not go, in words.")

    class Meta:
        model = CampaignRecipient
        fields = ["id", "contact", "name", "phone", "sender", "variant", "state", "outcome",
                  "reason", "message", "queued_at", "replied_at"]  # fmt: skip
        read_only_fields = fields

    def get_name(self, obj: CampaignRecipient) -> str:
        return obj.contact.name if obj.contact else ""

    def get_variant(self, obj: CampaignRecipient) -> int | None:
        return obj.variant.position if obj.variant else None

    def get_outcome(self, obj: CampaignRecipient) -> str:
        return recipient_outcome(obj)[0]

    def get_reason(self, obj: CampaignRecipient) -> str:
        return recipient_outcome(obj)[1]


OUTCOMES = ["pending", "skipped", "replied", *[str(s) for s in MessageState]]


class RecipientPagination(StrictPageSize, CursorPagination):
    ordering = "pk"
    page_size = 50


class CampaignFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=CampaignState.choices)
    partner = IdFilter(field_name="partner_id")

    class Meta:
        model = Campaign
        fields = ["state", "partner"]


def _tally(t: Any) -> dict[str, int]:
    return {"audience": t.audience, "sent": t.sent, "delivered": t.delivered, "read": t.read,
            "replied": t.replied, "failed": t.failed, "waiting": t.waiting}  # fmt: skip


def _findings(report: Any) -> list[dict[str, str]]:
    return [{"code": f.code, "level": str(f.level), "message": str(f.message)}
            for f in report.findings]  # fmt: skip


def _rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"name": r.name, "phone": r.phone, "sender": r.sender, "variant": r.variant,
             "kind": r.kind, "text": r.text} for r in rows]  # fmt: skip


ACTIONS: dict[str, Callable[..., Any]] = {
    "start": campaign_start, "pause": campaign_pause, "resume": campaign_resume,
    "cancel": campaign_cancel,
}  # fmt: skip


def _audience_import(request: Request, pk: int | None, partner: Any) -> ContactImport | None:
    """The contact import a new campaign waits for: one of the senders' partner the key sees,
    started, into a list (its list is how the audience names the imported people)."""
    if pk is None:
        return None
    job = ContactImport.objects.for_user(request.user).filter(pk=pk, partner=partner).first()
    problem = None
    if job is None:
        problem = _("No contact import %(pk)d of this partner.") % {"pk": pk}
    elif job.contact_list_id is None:
        problem = _("This import has no list: import the file into a list.")
    elif job.state == ImportState.MAPPING:
        problem = _("Start this import first (its columns are not chosen).")
    elif job.state == ImportState.FAILED:
        problem = _("This import failed: %(error)s") % {"error": job.error}
    if problem:
        raise serializers.ValidationError({"audience_import": [problem]})
    return job


@extend_validation_errors(["invalid"], field_name="outcome", actions=["recipients"])
@extend_validation_errors(["invalid"], field_name="sender", actions=["recipients"])
@extend_validation_errors(["invalid"], field_name="variant", actions=["recipients"])
@extend_validation_errors(["invalid"], field_name="page_size", actions=["recipients"])
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Campaigns of the partner: many people, numbers kept alive."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ["created_at", "name"]
    ordering = ("-created_at",)
    capabilities = {
        "create": Capability.OPERATE, "draft_preview": Capability.OPERATE,
        "start": Capability.OPERATE, "pause": Capability.OPERATE,
        "resume": Capability.OPERATE, "cancel": Capability.OPERATE,
        "duplicate": Capability.OPERATE,
    }  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[Campaign]:
        return campaigns_for(user=user)

    def _body(self, request: Request) -> tuple[CampaignIn, list[Instance]]:
        """The checked body and its senders: numbers the key sees (else 404), of one
        partner, where it may operate (else 403)."""
        body = CampaignIn(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["senders"]))
        found = {i.pk: i for i in Instance.objects.for_user(request.user).filter(pk__in=ids)
                 .select_related("partner")}  # fmt: skip
        if len(found) != len(ids):
            raise NotFound  # a number the key does not see
        senders = [found[pk] for pk in ids]
        if len({s.partner_id for s in senders}) > 1:
            raise serializers.ValidationError({"senders": [_("Choose numbers of one partner.")]})
        if not user_can(request.user, Capability.OPERATE, senders[0].partner):
            raise PermissionDenied
        return body, senders

    @extend_schema(
        summary="Create a draft campaign (the audience is resolved now, opted-out and invalid "
        "contacts counted out)",
        request=CampaignIn, responses={201: CampaignSerializer},
        examples=[OpenApiExample("Text to a list", request_only=True, value={
            "name": "Black Friday", "senders": [1, 2], "audience": {"lists": [3]},
            "variants": [{"kind": "text", "message": "{Oi|Olá} {{nome}}, 20% off hoje!"}]})],
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        body, senders = self._body(request)
        data = body.validated_data
        audience = body.audience()
        job = _audience_import(request, data.get("audience_import"), senders[0].partner)
        if job is not None:
            audience["lists"] = [*audience["lists"], job.contact_list_id]
        try:
            campaign = campaign_create(
                partner=senders[0].partner, name=data["name"], variants=body.variant_specs(),
                senders=senders, audience=audience, user=request.user,
                seed=data.get("seed"), audience_import=job, **body.options(),
            )  # fmt: skip
        except ValueError as exc:  # the rest bounds, in words
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from None
        row = self.queryset_for(request.user).get(pk=campaign.pk)
        return Response(CampaignSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Preview before creating: three real recipients of the audience",
                   request=CampaignIn, responses={200: PreviewSerializer})  # fmt: skip
    @action(detail=False, methods=["post"], url_path="preview")
    def draft_preview(self, request: Request) -> Response:
        body, senders = self._body(request)
        partner = senders[0].partner
        seed = body.validated_data.get("seed", 0)
        line = opt_out_line(partner_id=partner.pk) if body.validated_data["opt_out"] else ""
        specs = body.variant_specs()
        rows = draft_preview(partner=partner, audience=body.audience(),
                             variants=[{"kind": v.kind, "fields": dict(v.fields)} for v in specs],
                             opt_out_line=line, seed=seed,
                             sender_names=[s.name for s in senders])  # fmt: skip
        report = content_check([str(v.fields.get("message") or v.fields.get("caption") or "")
                                for v in specs], opt_out_line=bool(line))  # fmt: skip
        return Response({"recipients": _rows(rows), "safety": _findings(report)})

    @extend_schema(summary="A draft as its first three recipients will get it, and the safety "
                   "checks before start", responses={200: PreviewSerializer})  # fmt: skip
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        campaign: Campaign = self.get_object()
        return Response({"recipients": _rows(campaign_preview(campaign=campaign)),
                         "safety": _findings(campaign_safety(campaign=campaign))})  # fmt: skip

    @extend_schema(summary="The progress page's figures: funnel, per sender, per variant, "
                   "estimated end", responses={200: ProgressSerializer})  # fmt: skip
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        campaign: Campaign = self.get_object()
        progress = campaign_progress(campaign=campaign)
        return Response({
            **campaign_figures(campaign=campaign),
            "audience_text": audience_describe(partner=campaign.partner,
                                               audience=campaign.audience),
            "estimated_end": progress.estimated_end,
            "senders": [{"instance": r.sender.instance_id, "name": r.sender.instance.name,
                         "state": r.sender.state, "state_reason": r.sender.state_reason,
                         "new_today": r.new_today, "limit_today": r.limit_today,
                         "tally": _tally(r.tally)} for r in progress.senders],
            "variants": [{"position": v.variant.position, "tally": _tally(v.tally)}
                         for v in progress.variants],
        })  # fmt: skip

    @extend_schema(
        summary="The recipients table: each one's outcome and why it did not go",
        parameters=[
            OpenApiParameter("outcome", OpenApiTypes.STR, enum=OUTCOMES),
            OpenApiParameter("sender", OpenApiTypes.INT), OpenApiParameter("variant",
                                                                           OpenApiTypes.INT),
            OpenApiParameter("phone", OpenApiTypes.STR, description="Part of the number."),
        ],
        responses={200: RecipientSerializer(many=True)},
    )  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=[],
            pagination_class=RecipientPagination)  # fmt: skip
    def recipients(self, request: Request, pk: str) -> Response:
        campaign: Campaign = self.get_object()
        params = request.query_params
        errors = {}
        if "outcome" in params and params["outcome"] not in OUTCOMES:
            errors["outcome"] = [_("One of: %(names)s.") % {"names": ", ".join(OUTCOMES)}]
        for name in ("sender", "variant"):
            if name in params and not params[name].isdigit():
                errors[name] = [_("A whole number.")]
        if errors:
            raise serializers.ValidationError(errors)
        rows = recipients_filtered(campaign=campaign, params=params.dict())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)

    def _act(self, request: Request, name: str) -> Response:
        campaign: Campaign = self.get_object()
        ip = request_ip(request._request)
        try:
            done = ACTIONS[name](campaign=campaign, user=request.user, ip=ip)
        except DjangoValidationError as exc:  # a safety check blocks the start
            raise Conflict(" ".join(exc.messages)) from None
        if not done:
            raise Conflict(_("The campaign is %(state)s: nothing to do.")
                           % {"state": campaign.get_state_display().lower()})  # fmt: skip
        campaign.refresh_from_db()
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(summary="Start now (or at starts_at); refused while a safety check blocks",
                   request=None, responses={200: CampaignSerializer, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._act(request, "start")

    @extend_schema(summary="Pause: stop feeding, hold what is queued",
                   request=None, responses={200: CampaignSerializer, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        return self._act(request, "pause")

    @extend_schema(summary="Resume a paused campaign",
                   request=None, responses={200: CampaignSerializer, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._act(request, "resume")

    @extend_schema(summary="Cancel: queued messages cancelled, waiting recipients skipped",
                   request=None, responses={200: CampaignSerializer, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._act(request, "cancel")

    @extend_schema(summary="A new draft with the same audience (resolved again), variants, "
                   "senders and settings", request=None,
                   responses={201: CampaignSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        copy = campaign_duplicate(campaign=self.get_object(), user=request.user)
        row = self.queryset_for(request.user).get(pk=copy.pk)
        return Response(CampaignSerializer(row).data, status=status.HTTP_201_CREATED)
