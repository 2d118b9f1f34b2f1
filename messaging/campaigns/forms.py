"""The campaign form: audience, variants (the composer's own form, one per variant), senders,
when, rhythm and safety settings. The view turns it into ``campaign_create``'s arguments."""

from __future__ import annotations

import random
from datetime import time
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from instances.business.models import Label
from instances.models import Instance
from messaging.campaigns.models import BreakerScope, Failover
from messaging.campaigns.render import TemplateError, template_check
from messaging.campaigns.window import DEFAULT_TIME_ZONE
from messaging.forms import ComposeForm
from messaging.models import ContactList
from partners.roles import Capability
from partners.scoping import partners_where

VARIANTS = 3
WEEKDAYS = [
    (0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")),
    (6, _("Sun")),
]  # fmt: skip
TIME_ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))


class VariantForm(ComposeForm):
    """One message variant: any kind the composer sends, its text may hold ``{{nome}}`` and
    ``{Olá|Oi}``. The first variant is required; an empty later one is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["chat_id"]
        del self.fields["delay_typing"]
        self.fields["message"].help_text = _(
            "Variables: {{nome}}, {{primeiro_nome}}, any imported column, with a fallback: "
            "{{cidade|sua cidade}}. Spintax: {Olá|Oi|Bom dia}."
        )

    def _template(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "")
        try:
            template_check(value)
        except TemplateError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

    def clean_message(self) -> str:
        return self._template("message")

    def clean_caption(self) -> str:
        return self._template("caption")

    def is_blank(self) -> bool:
        data = self.data
        names = ("message", "url", "caption", "upload", "title", "contact_name", "choices")
        return not any(str(data.get(self.add_prefix(n)) or "").strip() for n in names) and not (
            self.files.get(self.add_prefix("upload"))
        )


class SenderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.phone or '—'} · {obj.get_connection_state_display()}"


class LabelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.instance.name})"


class OwnedCheckboxes(forms.CheckboxSelectMultiple):
    """Label checkboxes that say their number (``data-owner``): fleet.js offers only the
    labels of the ticked senders, live, as they are ticked (a label belongs to one number).
    Every label is rendered, so ticking another sender shows its labels at once; a ticked
    label of a number that is not a sender is refused by ``CampaignForm.clean``."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        label = getattr(option["value"], "instance", None)
        if label is not None:
            option["attrs"]["data-owner"] = str(label.instance_id)
        return option


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    # Drawn when the form is first shown: the preview and the campaign use the same one, so
    # people get exactly what the preview showed.
    seed = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**62)
    senders = SenderChoiceField(
        label=_("Senders"),
        queryset=Instance.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One number or a pool. Each person hears from one of them only."),
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"), queryset=ContactList.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    labels = LabelChoiceField(
        label=_("Labels"), queryset=Label.objects.none(), required=False,
        widget=OwnedCheckboxes,
        help_text=_("Contacts whose chat carries one of these WhatsApp Business labels."),
    )  # fmt: skip
    search = forms.CharField(
        label=_("Contacts matching"), max_length=100, required=False,
        help_text=_("A name or part of a number; with no list, label or file: every contact."),
    )  # fmt: skip
    upload = forms.FileField(
        label=_("…or a file (CSV or XLSX)"), required=False,
        help_text=_("Imported into the contact book as a list: a phone column, a name, any "
                    "other column becomes a variable."),
    )  # fmt: skip
    opt_out = forms.BooleanField(
        label=_("Add the opt-out line"), required=False, initial=True,
        help_text=_("The partner's line in its language (“Responda SAIR para não receber "
                    "mais”); the keywords it names opt people out."),
    )  # fmt: skip
    opt_out_answer = forms.CharField(
        label=_("…or an answer of its own"), max_length=20, required=False,
        help_text=_("A short reply such as “2”: the line then says “Reply 2 to stop”, and a "
                    "recipient answering it to this campaign is opted out (the partner's "
                    "keywords still work)."),
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        label=_("Start at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: as soon as it is started."),
    )  # fmt: skip
    window_start = forms.TimeField(label=_("Send from"), initial=time(9, 0))
    window_end = forms.TimeField(label=_("Send until"), initial=time(20, 0))
    window_weekdays = forms.TypedMultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, coerce=int, initial=[0, 1, 2, 3, 4, 5],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in TIME_ZONES], initial=DEFAULT_TIME_ZONE
    )
    rest_every_min = forms.IntegerField(label=_("Rest after at least (messages)"), min_value=1,
                                        initial=20)  # fmt: skip
    rest_every_max = forms.IntegerField(label=_("…and at most"), min_value=1, initial=30)
    rest_min_minutes = forms.FloatField(label=_("Rest for at least (min)"), min_value=0, initial=5)
    rest_max_minutes = forms.FloatField(label=_("…and at most (min)"), min_value=0, initial=15)
    failover = forms.ChoiceField(
        label=_("When a sender disconnects or is banned"), choices=Failover.choices,
        initial=Failover.MOVE,
    )  # fmt: skip
    breaker_scope = forms.ChoiceField(
        label=_("When a sender passes the failure, block or opt-out limits"),
        choices=BreakerScope.choices, initial=BreakerScope.SENDER,
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seed"].initial = random.randrange(2**62)
        partner_ids = partners_where(user, Capability.OPERATE)
        instances = Instance.objects.for_user(user).select_related("partner")
        lists = ContactList.objects.for_user(user)
        labels = Label.objects.for_user(user).select_related("instance")
        if partner_ids is not None:
            instances = instances.filter(partner_id__in=partner_ids)
            lists = lists.filter(partner_id__in=partner_ids)
            labels = labels.filter(instance__partner_id__in=partner_ids)
        senders = self.fields["senders"]
        assert isinstance(senders, forms.ModelMultipleChoiceField)
        senders.queryset = instances
        list_field = self.fields["lists"]
        assert isinstance(list_field, forms.ModelMultipleChoiceField)
        list_field.queryset = lists
        label_field = self.fields["labels"]
        assert isinstance(label_field, forms.ModelMultipleChoiceField)
        label_field.queryset = labels
        data = args[0] if args else kwargs.get("data")
        files = args[1] if len(args) > 1 else kwargs.get("files")
        self.variants = [
            VariantForm(data, files, prefix=f"v{n}", initial={"kind": "text"})
            for n in range(1, VARIANTS + 1)
        ]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload is not None and upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        senders = list(data.get("senders") or [])
        if len({s.partner_id for s in senders}) > 1:
            self.add_error("senders", _("Choose numbers of one partner."))
        if senders:
            chosen = {s.pk for s in senders}
            for label in data.get("labels") or []:
                if label.instance_id not in chosen:
                    self.add_error(
                        "labels",
                        _("“%(label)s” is a label of %(number)s, which is not a sender.")
                        % {"label": label.name, "number": label.instance.name},
                    )
        for low, high in (("rest_every_min", "rest_every_max"),
                          ("rest_min_minutes", "rest_max_minutes")):  # fmt: skip
            if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
                self.add_error(high, _("The maximum cannot be below the minimum."))
        return data

    def variants_valid(self) -> bool:
        """Validate the variant forms: the first must be filled in; blank later ones are
        skipped."""
        ok = True
        for n, variant in enumerate(self.variants):
            if n > 0 and variant.is_blank():
                continue
            ok = variant.is_valid() and ok
        return ok

    def variant_specs(self, *, preview: bool = False) -> list[dict[str, Any]]:
        """(kind, compose fields) of each filled variant; uploads are saved as URLs, except
        for a preview (which only needs the texts)."""
        out = []
        for n, variant in enumerate(self.variants):
            if n > 0 and variant.is_blank():
                continue
            if preview:
                variant.cleaned_data.pop("upload", None)
            out.append({"kind": variant.cleaned_data["kind"], "fields": variant.compose_fields()})
        return out

    def options(self) -> dict[str, Any]:
        """``campaign_create``'s options from the form."""
        d = self.cleaned_data
        return {
            "starts_at": d.get("starts_at"),
            "window_start": d["window_start"],
            "window_end": d["window_end"],
            "window_weekdays": sorted(d["window_weekdays"]),
            "time_zone": d["time_zone"],
            "rest_every_min": d["rest_every_min"],
            "rest_every_max": d["rest_every_max"],
            "rest_min_seconds": round(d["rest_min_minutes"] * 60),
            "rest_max_seconds": round(d["rest_max_minutes"] * 60),
            "failover": d["failover"],
            "breaker_scope": d["breaker_scope"],
            "opt_out_answer": d.get("opt_out_answer", "").strip() if d.get("opt_out") else "",
        }

    def audience(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "lists": [c.pk for c in d.get("lists") or []],
            "labels": [label.pk for label in d.get("labels") or []],
            "search": d.get("search", ""),
        }
