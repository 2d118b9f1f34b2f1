"""Forms of the WhatsApp Business tabs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.phones import chat_id_normalize

# Z-API's palette has 20 colours on Android (spec 001 l.9910); the choices come from the
# instance's own palette once synced.
DEFAULT_COLOR_COUNT = 20


def color_choices(palette: dict[str, str]) -> list[tuple[str, str]]:
    keys = sorted(palette, key=lambda k: int(k) if k.isdigit() else 0) or [
        str(n) for n in range(DEFAULT_COLOR_COUNT)
    ]
    return [(k, palette.get(k) or _("colour %(n)s") % {"n": k}) for k in keys]


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, strip=True)
    color = forms.TypedChoiceField(label=_("Colour"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, palette: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["color"]).choices = color_choices(palette or {})


def _chat_ids(value: str) -> list[str]:
    ids = [chat_id_normalize(v) for v in value.replace(",", "\n").splitlines() if v.strip()]
    return [i for i in ids if i]


class ChatLabelForm(forms.Form):
    """Put a label on one chat or take it off (the conversation page)."""

    label = forms.IntegerField(widget=forms.HiddenInput)
    chat_id = forms.CharField(max_length=100)
    on = forms.BooleanField(required=False)


class BulkLabelForm(forms.Form):
    label = forms.TypedChoiceField(label=_("Label"), coerce=int)
    chat_ids = forms.CharField(
        label=_("Chats"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Phones with country code (digits), group ids or @lid ids: one per line."),
    )
    on = forms.TypedChoiceField(
        label=_("Action"),
        coerce=lambda v: v == "add",
        choices=[("add", _("Add the label")), ("remove", _("Remove the label"))],
    )

    MAX_CHATS = 500

    def __init__(
        self, *args: Any, labels: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["label"]).choices = list(labels or [])

    def clean_chat_ids(self) -> list[str]:
        ids = _chat_ids(self.cleaned_data["chat_ids"])
        if not ids:
            raise forms.ValidationError(_("Give at least one chat."))
        if len(ids) > self.MAX_CHATS:
            raise forms.ValidationError(
                _("At most %(n)d chats at once."), params={"n": self.MAX_CHATS}
            )
        return ids
