"""``/api/partners/``: the partners a key sees, and what each will be billed (Z-API's rules,
``partners.billing``), the same projection as the billing page and ``billing_invoice``."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import CharField, ModelSerializer
from api.resources.base import ScopedViewSet
from api.resources.provisioning import PROVISION_CAPABILITIES, PartnerProvisioningMixin
from partners.billing import BillingRules
from partners.management.commands.billing_invoice import invoice_json
from partners.models import Partner
from partners.roles import Capability
from partners.selectors import partner_invoice, partner_invoices_next


class PartnerSerializer(ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["id", "name", "max_instances", "created_at"]
        read_only_fields = fields


class InvoiceSerializer(serializers.Serializer[Any]):
    """``partners`` billing projection, as ``manage.py billing_invoice`` prints it."""

    due_date = serializers.DateField()
    currency = CharField()
    count = serializers.IntegerField()
    total = CharField(allow_null=True)
    revenue = CharField(allow_null=True)
    margin = CharField(allow_null=True)
    lines = serializers.ListField(child=serializers.DictField())


@extend_validation_errors(["invalid"], field_name="count", actions=["invoices"])
@extend_validation_errors(["invalid"], field_name="month", actions=["invoice"])
class PartnerViewSet(
    PartnerProvisioningMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    serializer_class = PartnerSerializer
    ordering_fields = ["name"]
    ordering = ("name",)
    filter_backends: list[Any] = []
    capabilities = {
        "invoices": Capability.PROVISION, "invoice": Capability.PROVISION,
        **PROVISION_CAPABILITIES,
    }  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[Partner]:
        return Partner.objects.for_user(user)

    def partner_of(self, obj: Partner) -> Partner:
        return obj

    @extend_schema(
        summary="The next invoices, as Z-API will bill them",
        parameters=[OpenApiParameter("count", OpenApiTypes.INT, description="1 to 12 (6).")],
        responses={200: InvoiceSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def invoices(self, request: Request, pk: str) -> Response:
        partner: Partner = self.get_object()
        raw = request.query_params.get("count", "6")
        if not raw.isdigit() or not 1 <= int(raw) <= 12:
            raise serializers.ValidationError({"count": [_("A whole number from 1 to 12.")]})
        invoices = partner_invoices_next(partner=partner, count=int(raw))
        return Response([invoice_json(i) for i in invoices])

    @extend_schema(
        summary="The invoice due in one month (YYYY-MM)",
        responses={200: InvoiceSerializer},
    )
    @action(detail=True, methods=["get"], url_path=r"invoices/(?P<month>\d{4}-\d{2})")
    def invoice(self, request: Request, pk: str, month: str) -> Response:
        partner: Partner = self.get_object()
        match = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise serializers.ValidationError({"month": [_("A month like 2027-06.")]})
        rules = BillingRules.from_settings()
        due = rules.due_date(int(match.group(1)), int(match.group(2)))
        return Response(invoice_json(partner_invoice(partner=partner, due=due, rules=rules)))
