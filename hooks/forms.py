from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hooks.events import EVENT_TYPES
from hooks.models import Endpoint


class EndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("events"),
        choices=list(EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Endpoint
        fields = ["partner", "url", "description", "event_types"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = _(
            "Your system's HTTPS address. Each event is POSTed as JSON with the Standard "
            "Webhooks headers (webhook-id, webhook-timestamp, webhook-signature)."
        )
