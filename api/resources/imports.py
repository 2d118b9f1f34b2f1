"""``/api/contact-imports/``: a CSV or XLSX file into the contact book, the way the import
page does it (``messaging.contact_import``): the file is kept and its columns guessed
(``contact_import_create``: the same size limit), then imported by the same Celery task
(``contact_import_start``), whose progress and report (invalid rows with line, value and
reason) are read here. A body over the upload limit is a 413 before anything reads it."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, Conflict, error_response
from api.fields import CharField, FlatDictField, ModelSerializer
from api.resources.base import ScopedViewSet, partner_for_write
from messaging.contact_import import (
    ImportFileError,
    contact_import_create,
    contact_import_file,
    contact_import_start,
    mapping_check,
    table_preview,
)
from messaging.contacts import contact_list_get_or_create
from messaging.models import ContactImport, ContactList, ImportState
from partners.roles import Capability

MAPPING_HELP = (
    'Column index (as text, from 0) → "phone", "name", "opt_out", "var:<name>" or "" '
    "(ignored). Left out: the columns guessed from the header row."
)


REPORT = inline_serializer(
    "ContactImportFileReport",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "duplicates": serializers.IntegerField(),
        "invalid": serializers.ListField(child=serializers.DictField()),
    },
    allow_null=True,
)


class ContactImportSerializer(ModelSerializer[ContactImport]):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    list = serializers.IntegerField(source="contact_list_id", read_only=True, allow_null=True)
    state_text = CharField(source="get_state_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    mapping = serializers.DictField(child=CharField(allow_blank=True), read_only=True,
                                    help_text=MAPPING_HELP)  # fmt: skip
    report = serializers.SerializerMethodField(
        help_text="When done: counts, and invalid rows with line, value and reason."
    )

    class Meta:
        model = ContactImport
        fields = ["id", "partner", "list", "file_name", "state", "state_text", "mapping",
                  "total", "processed", "percent", "report", "error", "created_at",
                  "finished_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(REPORT)
    def get_report(self, obj: ContactImport) -> dict[str, Any] | None:
        return obj.report or None


class UploadedSerializer(ContactImportSerializer):
    start_refused = CharField(
        read_only=True, help_text="Why it did not start (the guessed columns will not do: "
        "choose them and POST /start/), or ''."
    )  # fmt: skip

    class Meta(ContactImportSerializer.Meta):
        fields = [*ContactImportSerializer.Meta.fields, "start_refused"]
        read_only_fields = fields


class UploadIn(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="A .csv or .xlsx: a phone column, a name, any other "
                                 "column becomes a variable.")  # fmt: skip
    partner = serializers.IntegerField(
        required=False, help_text="Needed only when the key may write at several."
    )
    list = serializers.IntegerField(required=False, help_text="Put every row in this list.")
    list_name = CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="…or in the list of this name (made if new).",
    )
    mapping = CharField(required=False, help_text="JSON. " + MAPPING_HELP)
    start = serializers.BooleanField(default=True, help_text="false: only read the columns; "
                                     "start later with /start/.")  # fmt: skip


class StartIn(serializers.Serializer[Any]):
    mapping = FlatDictField(child=CharField(allow_blank=True, max_length=60),
                            required=False, help_text=MAPPING_HELP)  # fmt: skip


def _mapping(raw: str | None) -> dict[str, str] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise serializers.ValidationError({"mapping": [_("A JSON object of texts.")]})
    return {str(k): v for k, v in value.items()}


class ContactImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Imports of contact files, their progress and their reports."""

    serializer_class = ContactImportSerializer
    ordering_fields = ["created_at"]
    ordering = ("-created_at",)
    filter_backends: list[Any] = []
    parser_classes = [MultiPartParser, FormParser]
    capabilities = {"list": Capability.OPERATE, "retrieve": Capability.OPERATE,
                    "create": Capability.OPERATE, "start": Capability.OPERATE,
                    "columns": Capability.OPERATE}  # fmt: skip

    def queryset_for(self, user: Any) -> QuerySet[ContactImport]:
        return ContactImport.objects.for_user(user).select_related("partner", "contact_list")

    def _start(self, job: ContactImport, mapping: dict[str, str] | None) -> None:
        contact_import_start(job=job, mapping=job.mapping if mapping is None else mapping)

    @extend_schema(
        summary="Upload a CSV or XLSX of contacts and import it (a job: poll its progress)",
        request=UploadIn,
        responses={202: UploadedSerializer,
                   413: error_response("The file is over the upload limit.")},
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        body = UploadIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = partner_for_write(request, data.get("partner"), Capability.OPERATE)
        mapping = _mapping(data.get("mapping"))
        list_id = data.get("list")
        if list_id is not None:
            get_object_or_404(ContactList.objects.filter(partner=partner), pk=list_id)
        elif (data.get("list_name") or "").strip():
            list_id = contact_list_get_or_create(partner_id=partner.pk,
                                                 name=data["list_name"]).pk  # fmt: skip
        if mapping is not None:
            try:
                mapping_check(mapping)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"mapping": exc.messages}) from None
        try:
            job = contact_import_create(
                partner_id=partner.pk,
                user=request.user,
                upload=data["file"],
                contact_list_id=list_id,
            )
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from None
        refused = ""
        if data["start"]:
            try:
                self._start(job, mapping)
            except DjangoValidationError as exc:  # the guessed columns will not do
                refused = " ".join(exc.messages)
        job.refresh_from_db()
        answer = dict(ContactImportSerializer(job).data)
        answer["start_refused"] = refused
        return Response(answer, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Start an import uploaded with start=false (its columns chosen)",
        request=StartIn,
        responses={202: ContactImportSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def start(self, request: Request, pk: str) -> Response:
        job: ContactImport = self.get_object()
        body = StartIn(data=request.data)
        body.is_valid(raise_exception=True)
        if job.state != ImportState.MAPPING:
            raise Conflict(_("This import is %(state)s already.")
                           % {"state": job.get_state_display().lower()})  # fmt: skip
        try:
            self._start(job, body.validated_data.get("mapping"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"mapping": exc.messages}) from None
        job.refresh_from_db()
        return Response(ContactImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The file's header row and first rows (to choose the columns)",
        responses={
            200: inline_serializer(
                "ContactImportColumns",
                {
                    "headers": serializers.ListField(child=CharField()),
                    "rows": serializers.ListField(
                        child=serializers.ListField(child=CharField(allow_blank=True))
                    ),
                },
            ),
            **CONFLICT,
        },
    )
    @action(detail=True, methods=["get"])
    def columns(self, request: Request, pk: str) -> Response:
        job: ContactImport = self.get_object()
        try:
            headers, rows, _total = table_preview(contact_import_file(job), job.file_name)
        except (ImportFileError, OSError) as exc:
            raise Conflict(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        return Response({"headers": headers, "rows": rows})
