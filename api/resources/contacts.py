"""``/api/contacts/`` and ``/api/lists/``: the contact book through the services its pages
use (the one phone normaliser, the import, the consent history, erasing)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import CharField, FlatDictField, FlatListField, ModelSerializer
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet, audit, partner_for_write
from audit.models import AuditAction
from instances.business.selectors import contacts_with_label, labels_for_user
from messaging.consent import contact_opt_in, contact_opt_out
from messaging.contact_import import NAME, PHONE, VARIABLE, contacts_import, variable_name
from messaging.contacts import (
    contact_erase,
    contact_list_get_or_create,
    contact_update,
    contacts_list_add,
    contacts_list_remove,
)
from messaging.models import ConsentSource, Contact, ContactList
from messaging.phones import recipient_normalize
from partners.roles import Capability


class ContactSerializer(ModelSerializer[Contact]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    variables = serializers.DictField(source="extra", read_only=True)
    lists = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "partner", "phone", "lid", "name", "variables", "has_whatsapp",
            "whatsapp_checked_at", "opted_out_at", "lists", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ContactIn(serializers.Serializer[Any]):
    partner = serializers.IntegerField(
        required=False, help_text="Needed only when the key may write at several partners."
    )
    phone = CharField(max_length=40, help_text="Any format; country code or BR.")
    name = CharField(max_length=200, required=False, allow_blank=True, default="")
    variables = FlatDictField(
        child=CharField(max_length=500), required=False, default=dict,
        help_text="Personalisation variables, e.g. {\"city\": \"Campinas\"}.",
    )  # fmt: skip
    lists = FlatListField(child=serializers.IntegerField(), required=False, default=list)


class ContactChange(serializers.Serializer[Any]):
    phone = CharField(max_length=40, required=False, allow_blank=True)
    name = CharField(max_length=200, required=False, allow_blank=True)
    variables = FlatDictField(child=CharField(max_length=500), required=False)
    lists = FlatListField(child=serializers.IntegerField(), required=False)


class ImportRow(serializers.Serializer[Any]):
    phone = CharField(max_length=40)
    name = CharField(max_length=200, required=False, allow_blank=True, default="")
    variables = FlatDictField(child=CharField(max_length=500), required=False, default=dict)


class ImportIn(serializers.Serializer[Any]):
    partner = serializers.IntegerField(required=False)
    list = serializers.IntegerField(required=False, help_text="Put every row in this list.")
    rows = FlatListField(child=ImportRow(), min_length=1, max_length=5000)


ImportReportSerializer = inline_serializer(
    "ContactImportReport",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "duplicates": serializers.IntegerField(),
        "invalid": serializers.ListField(child=serializers.DictField()),
    },
)


class ReasonIn(serializers.Serializer[Any]):
    reason = CharField(max_length=500, required=False, allow_blank=True, default="")


class ContactFilter(StrictFilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name or phone")
    opted_out = django_filters.BooleanFilter(field_name="opted_out_at", lookup_expr="isnull",
                                             exclude=True)  # fmt: skip
    has_whatsapp = django_filters.BooleanFilter()
    list = IdFilter(field_name="lists")
    label = IdFilter(method="filter_label", label="A WhatsApp Business label")
    partner = IdFilter(field_name="partner_id")

    class Meta:
        model = Contact
        fields = ["search", "opted_out", "has_whatsapp", "list", "label", "partner"]

    def filter_search(self, queryset: QuerySet[Contact], name: str, value: str) -> Any:
        return queryset.filter(Q(name__icontains=value.strip()) | Q(phone__contains=value.strip()))

    def filter_label(self, queryset: QuerySet[Contact], name: str, value: int) -> Any:
        labels = labels_for_user(self.request.user).filter(pk=value).values_list("pk", flat=True)
        return contacts_with_label(queryset, label_ids=list(labels))


def _import_rows(rows: list[dict[str, Any]]) -> tuple[list[list[str]], dict[str, str]]:
    """Rows as the importer reads a file: phone, name, then one column per variable."""
    names = sorted({variable_name(k) for row in rows for k in row.get("variables", {})} - {""})
    mapping = {"0": PHONE, "1": NAME, **{str(i + 2): VARIABLE + n for i, n in enumerate(names)}}
    table = []
    for row in rows:
        variables = {variable_name(k): v for k, v in row.get("variables", {}).items()}
        table.append([row["phone"], row.get("name", ""), *(variables.get(n, "") for n in names)])
    return table, mapping


class ContactViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """The partner's contacts (one per person, whatever number wrote to them)."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ("-created_at",)
    capabilities = {
        "create": Capability.OPERATE, "partial_update": Capability.OPERATE,
        "destroy": Capability.OPERATE, "opt_out": Capability.OPERATE,
        "opt_in": Capability.OPERATE, "bulk_import": Capability.OPERATE,
    }  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[Contact]:
        return Contact.objects.for_user(user).prefetch_related("lists")

    @extend_schema(
        summary="Add a contact (or update the one with that number)",
        request=ContactIn,
        responses={201: ContactSerializer, 200: ContactSerializer},
        examples=[
            OpenApiExample(
                "Contact",
                request_only=True,
                value={
                    "phone": "+55 11 99999-8888",
                    "name": "Ana",
                    "variables": {"city": "Campinas"},
                },
            )
        ],
    )
    def create(self, request: Request) -> Response:
        body = ContactIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = partner_for_write(request, data.get("partner"), Capability.OPERATE)
        recipient = recipient_normalize(data["phone"])
        if not recipient.ok:
            raise serializers.ValidationError({"phone": [recipient.reason]})
        table, mapping = _import_rows([data])
        report = contacts_import(partner_id=partner.pk, rows=table, mapping=mapping)
        if report.invalid:
            raise serializers.ValidationError({"phone": [str(report.invalid[0].get("reason"))]})
        contact = Contact.objects.get(partner=partner, phone=recipient.chat_id)
        if data["lists"]:
            lists = ContactList.objects.filter(partner=partner, pk__in=data["lists"])
            for contact_list in lists:
                contacts_list_add(contact_list=contact_list, contact_ids=[contact.pk])
        code = status.HTTP_201_CREATED if report.created else status.HTTP_200_OK
        return Response(ContactSerializer(self.queryset_for(request.user).get(pk=contact.pk)).data,
                        status=code)  # fmt: skip

    @extend_schema(summary="Change a contact", request=ContactChange,
                   responses={200: ContactSerializer})  # fmt: skip
    def partial_update(self, request: Request, pk: str) -> Response:
        contact: Contact = self.get_object()
        body = ContactChange(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contact_update(
            contact=contact,
            name=data.get("name", contact.name),
            phone=data.get("phone", contact.phone),
            extra=data.get("variables", contact.extra),
            list_ids=data.get("lists", list(contact.lists.values_list("pk", flat=True))),
        )
        return Response(ContactSerializer(self.queryset_for(request.user).get(pk=contact.pk)).data)

    @extend_schema(summary="Erase the person (LGPD): contact, history, message contents")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contact: Contact = self.get_object()
        partner, pk = contact.partner, contact.pk
        contact_erase(contact=contact)
        audit(request, AuditAction.CONTACT_ERASE, partner=partner, target=f"contact {pk}")
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _consent_change(self, request: Request, change: Any, action: Any) -> Response:
        """Opt-out or opt-in with the reason given; an audit row only when it changed."""
        contact: Contact = self.get_object()
        body = ReasonIn(data=request.data)
        body.is_valid(raise_exception=True)
        if change(contact=contact, source=ConsentSource.API, reason=body.validated_data["reason"]):
            audit(request, action, partner=contact.partner, target=f"contact {contact.pk}")
        return Response(ContactSerializer(self.queryset_for(request.user).get(pk=contact.pk)).data)

    @extend_schema(summary="Opt the contact out (every number of the partner)",
                   request=ReasonIn, responses={200: ContactSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="opt-out")
    def opt_out(self, request: Request, pk: str) -> Response:
        return self._consent_change(request, contact_opt_out, AuditAction.CONTACT_OPT_OUT)

    @extend_schema(summary="Opt the contact back in (say why)",
                   request=ReasonIn, responses={200: ContactSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="opt-in")
    def opt_in(self, request: Request, pk: str) -> Response:
        return self._consent_change(request, contact_opt_in, AuditAction.CONTACT_OPT_IN)

    @extend_schema(summary="Import many contacts at once (the import page's rules)",
                   request=ImportIn, responses={200: ImportReportSerializer})  # fmt: skip
    @action(detail=False, methods=["post"], url_path="import")
    def bulk_import(self, request: Request) -> Response:
        body = ImportIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = partner_for_write(request, data.get("partner"), Capability.OPERATE)
        list_id = data.get("list")
        if list_id is not None:
            get_object_or_404(ContactList.objects.filter(partner=partner), pk=list_id)
        table, mapping = _import_rows(data["rows"])
        report = contacts_import(
            partner_id=partner.pk, rows=table, mapping=mapping, contact_list_id=list_id,
            source_name=_("API import"),
        )  # fmt: skip
        return Response(report.as_dict())


class ContactListSerializer(ModelSerializer[ContactList]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    size = serializers.IntegerField(read_only=True, source="member_count")

    class Meta:
        model = ContactList
        fields = ["id", "partner", "name", "size", "created_at"]
        read_only_fields = fields


class ContactListIn(serializers.Serializer[Any]):
    partner = serializers.IntegerField(required=False)
    name = CharField(max_length=120)


class MembersIn(serializers.Serializer[Any]):
    add = FlatListField(child=serializers.IntegerField(), required=False, default=list)
    remove = FlatListField(child=serializers.IntegerField(), required=False, default=list)


MembersOut = inline_serializer(
    "ContactListMembersChanged",
    {"added": serializers.IntegerField(), "removed": serializers.IntegerField()},
)


class ContactListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Static audiences: lists of contacts."""

    serializer_class = ContactListSerializer
    ordering_fields = ["name", "created_at"]
    ordering = ("name",)
    capabilities = {"create": Capability.OPERATE, "members": Capability.OPERATE}

    def queryset_for(self, user: Any) -> QuerySet[ContactList]:
        from django.db.models import Count

        return ContactList.objects.for_user(user).annotate(member_count=Count("contacts"))

    @extend_schema(summary="Make a list (or get the one with that name)",
                   request=ContactListIn, responses={201: ContactListSerializer})  # fmt: skip
    def create(self, request: Request) -> Response:
        body = ContactListIn(data=request.data)
        body.is_valid(raise_exception=True)
        partner = partner_for_write(request, body.validated_data.get("partner"),
                                    Capability.OPERATE)  # fmt: skip
        made = contact_list_get_or_create(partner_id=partner.pk, name=body.validated_data["name"])
        row = self.queryset_for(request.user).get(pk=made.pk)
        return Response(ContactListSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Put contacts in the list or take them out",
                   request=MembersIn, responses={200: MembersOut})  # fmt: skip
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        contact_list: ContactList = self.get_object()
        body = MembersIn(data=request.data)
        body.is_valid(raise_exception=True)
        added = contacts_list_add(contact_list=contact_list, contact_ids=body.validated_data["add"])
        removed = contacts_list_remove(
            contact_list=contact_list, contact_ids=body.validated_data["remove"]
        )
        return Response({"added": added, "removed": removed})
