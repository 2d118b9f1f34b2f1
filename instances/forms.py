"""Forms of the instance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import SecretField
from instances.models import Instance
from instances.services import instance_add_check


class InstanceAddForm(forms.ModelForm):
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


class InstanceChangeForm(forms.ModelForm):
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


class RenameForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)


class SettingsForm(forms.Form):
    """Instance settings at Z-API (spec 001, "Instance")."""

    auto_read_message = forms.BooleanField(label=_("Auto-read messages"), required=False)
    auto_read_status = forms.BooleanField(label=_("Auto-read statuses"), required=False)
    call_reject_auto = forms.BooleanField(label=_("Reject calls automatically"), required=False)
    call_reject_message = forms.CharField(
        label=_("Call reject message"), required=False, max_length=500
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Profile name"), required=False, max_length=25)
    description = forms.CharField(
        label=_("Profile description"), required=False, max_length=139, widget=forms.Textarea
    )
    picture_url = forms.URLField(
        label=_("Profile picture URL"), required=False, assume_scheme="https"
    )


class WebhooksForm(forms.Form):
    notify_sent_by_me = forms.BooleanField(
        label=_("Also notify messages sent by me"), required=False
    )


class PhoneCodeForm(forms.Form):
    phone = forms.CharField(label=_("Phone (country and area code, digits only)"), max_length=20)
