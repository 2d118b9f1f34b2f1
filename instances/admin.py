from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin, SecretField
from core.secrets import mask
from instances.models import Instance
from instances.services import instance_add, instance_add_check


class InstanceAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """Add an instance you already have at Z-API: its id, token and client token."""

    token = SecretField(label=_("instance token"))
    client_token = SecretField(label=_("account security token"), required=False)

    class Meta:
        model = Instance
        fields = ["partner", "zapi_id", "token", "client_token", "name", "phone"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("partner") and cleaned.get("zapi_id"):
            try:
                instance_add_check(partner=cleaned["partner"], zapi_id=cleaned["zapi_id"])
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class InstanceChangeForm(forms.ModelForm):  # type: ignore[type-arg]
    token = SecretField(label=_("instance token"), required=False)
    client_token = SecretField(label=_("account security token"), required=False)

    class Meta:
        model = Instance
        fields = ["partner", "name", "phone", "token", "client_token"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An empty secret field keeps the stored secret: it is never sent to the browser.
        for name in ("token", "client_token"):
            if not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(Instance)
class InstanceAdmin(ScopedAdmin):
    list_display = ["name", "zapi_id", "phone", "partner", "connection_state", "due_date"]
    list_filter = ["connection_state", "subscription_state", "partner"]
    search_fields = ["name", "zapi_id", "phone"]
    list_select_related = ["partner"]
    readonly_fields = ["zapi_id", "token_masked", "webhook_url", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("partner")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        kw["form"] = InstanceChangeForm if obj is not None else InstanceAddForm
        form = super().get_form(request, obj, change=change, **kw)
        form.base_fields["partner"].queryset = self.partner_choices(request)
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return list(InstanceAddForm.Meta.fields)
        return [*InstanceChangeForm.Meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Instance, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = instance_add(
            partner=data["partner"],
            zapi_id=data["zapi_id"],
            token=data["token"],
            client_token=data.get("client_token") or "",
            name=data.get("name") or "",
            phone=data.get("phone") or "",
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.display(description=_("instance token"))
    def token_masked(self, obj: Instance) -> str:
        return mask(obj.token)

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, obj: Instance) -> str:
        # The path holds the secret: show it whole only to people who may change the row.
        return obj.webhook_url
