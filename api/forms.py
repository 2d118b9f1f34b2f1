from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from api.selectors import partners_for_api_keys
from partners.roles import Role


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=50, help_text=_("Who uses it: “CRM”, “billing system”…")
    )
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("partner"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for your own staff key, which acts as you."),
    )
    role = forms.ChoiceField(
        label=_("acts as"),
        choices=[("", "—"), *Role.choices],
        required=False,
        help_text=_("The role whose capabilities the key has at its partner."),
    )
    expires_at = forms.DateTimeField(
        label=_("expires"),
        required=False,
        help_text=_("Optional. Format: 2027-01-31 18:00."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["partner"]
        field.queryset = partners_for_api_keys(user)  # type: ignore[attr-defined]
        if not user.is_staff:
            field.required = True
            field.help_text = ""
            self.fields["role"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("partner") is not None and not data.get("role"):
            self.add_error("role", _("Choose the role the key acts as."))
        if data.get("partner") is None and data.get("role"):
            self.add_error("role", _("A personal key acts as you: leave the role empty."))
        return data
