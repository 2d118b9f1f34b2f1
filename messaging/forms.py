"""The composer's form: every kind the dashboard can send, media by URL or by upload."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from messaging.compose import BUSINESS_KINDS, COMPOSABLE_KINDS
from messaging.models import MessageKind
from zapi.bodies import DELAY_SECONDS

MEDIA_KINDS = frozenset(
    {MessageKind.IMAGE, MessageKind.AUDIO, MessageKind.VIDEO, MessageKind.DOCUMENT}
)
UPLOAD_FOLDER = "outbound"


def upload_save(upload: UploadedFile) -> str:
    """Keep an upload under MEDIA_ROOT and return the public URL Z-API will fetch it from:
    an unguessable path under PUBLIC_BASE_URL, signed, valid MEDIA_LINK_MAX_AGE_SECONDS
    (see ``messaging.views.media``)."""
    key = uuid.uuid4().hex
    name = get_valid_filename(Path(upload.name or "file").name) or "file"
    stored = Path(default_storage.save(f"{UPLOAD_FOLDER}/{key}/{name}", upload)).name
    path = reverse("admin:messaging_media", kwargs={"key": key, "name": stored})
    return f"{settings.PUBLIC_BASE_URL}{path}?s={media_signer().sign(f'{key}/{stored}')}"


def media_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt="messaging.media")


class ComposeForm(forms.Form):
    chat_id = forms.CharField(
        label=_("To"),
        max_length=100,
        help_text=_("Phone with country code (digits), a group id or an @lid."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k, MessageKind(k).label)
            for k in COMPOSABLE_KINDS
            if k not in ("sticker", "gif", "ptv")
        ],
        initial=MessageKind.TEXT,
    )
    message = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    url = forms.URLField(
        assume_scheme="https", label=_("Media URL"), required=False, max_length=1000
    )
    upload = forms.FileField(label=_("…or upload a file"), required=False)
    caption = forms.CharField(label=_("Caption"), required=False, max_length=1000)
    file_name = forms.CharField(label=_("File name"), required=False, max_length=200)
    link_url = forms.URLField(
        assume_scheme="https", label=_("Link URL"), required=False, max_length=1000
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    link_description = forms.CharField(label=_("Link description"), required=False, max_length=500)
    image = forms.URLField(
        assume_scheme="https", label=_("Preview image URL"), required=False, max_length=1000
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=10, decimal_places=7
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=10, decimal_places=7
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: list options, buttons or poll answers."),
    )
    button_label = forms.CharField(label=_("List button label"), required=False, max_length=60)
    product_id = forms.ChoiceField(
        label=_("Product"),
        required=False,
        help_text=_("From this number's catalog (Catalog tab; sync it to see new products)."),
    )
    catalog_description = forms.CharField(
        label=_("Catalog description"), required=False, max_length=500
    )
    poll_max_options = forms.IntegerField(label=_("Votes per person"), required=False, min_value=1)
    delay_typing = forms.IntegerField(
        label=_("Show “typing…” for (s)"),
        required=False,
        min_value=DELAY_SECONDS.start,
        max_value=DELAY_SECONDS[-1],
        help_text=_("1 to 15 seconds (delayTyping); Z-API documents it for text, audio and link."),
    )

    # Which fields each kind uses: the page shows only those (see compose.html).
    KIND_FIELDS: dict[str, tuple[str, ...]] = {
        MessageKind.TEXT: ("message",),
        MessageKind.IMAGE: ("url", "upload", "caption"),
        MessageKind.AUDIO: ("url", "upload"),
        MessageKind.VIDEO: ("url", "upload", "caption"),
        MessageKind.DOCUMENT: ("url", "upload", "file_name", "caption"),
        MessageKind.LINK: ("message", "link_url", "title", "link_description", "image"),
        MessageKind.LOCATION: ("title", "address", "latitude", "longitude"),
        MessageKind.CONTACT: ("contact_name", "contact_phone"),
        MessageKind.OPTION_LIST: ("message", "title", "button_label", "choices"),
        MessageKind.BUTTONS: ("message", "choices"),
        MessageKind.POLL: ("message", "choices", "poll_max_options"),
        MessageKind.PRODUCT: ("product_id",),
        MessageKind.CATALOG: ("message", "title", "catalog_description"),
    }

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        """``instance`` is the sending number: its catalog fills the product list, and a
        number that cannot send products (not business, no phone) is not offered them."""
        super().__init__(*args, **kwargs)
        from instances.business.selectors import catalog_sender

        self.catalog = catalog_sender(instance) if instance is not None else None
        if self.catalog is None:
            kind = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] not in BUSINESS_KINDS]  # type: ignore[attr-defined]
        else:
            product = self.fields["product_id"]
            product.choices = [("", "—"), *self.catalog.choices]  # type: ignore[attr-defined]

    def clean_upload(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("upload")
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload is not None and upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest upload accepted is %(limit)s. "
                  "Send a link to it instead."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )  # fmt: skip
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        # A refused upload already says why (too large...): do not also ask for a file.
        refused = "upload" in self.errors
        if kind in MEDIA_KINDS and not data.get("url") and not data.get("upload") and not refused:
            self.add_error("url", _("Give a media URL or upload a file."))
        return data

    def compose_fields(self) -> dict[str, Any]:
        """The fields for ``messaging.compose``; an upload is saved and becomes its URL."""
        data = dict(self.cleaned_data)
        upload = data.pop("upload", None)
        if upload is not None:
            data["url"] = upload_save(upload)
            data.setdefault("file_name", "")
            data["file_name"] = data["file_name"] or Path(upload.name or "").name
        for key in ("latitude", "longitude"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        kind = data["kind"]
        fields = {
            k: data.get(k)
            for k in (*self.KIND_FIELDS.get(kind, ()), "url", "file_name")
            if data.get(k) not in (None, "")
        }
        if kind in BUSINESS_KINDS and self.catalog is not None:
            fields["catalog_phone"] = self.catalog.phone
            fields["product_name"] = self.catalog.names.get(str(data.get("product_id")), "")
        return fields


class PaceForm(forms.Form):
    min_gap_seconds = forms.FloatField(label=_("Minimum gap (s)"), min_value=0)
    max_gap_seconds = forms.FloatField(label=_("Maximum gap (s)"), min_value=0)
    daily_new_recipients = forms.IntegerField(label=_("New recipients per day"), min_value=0)
    paused = forms.BooleanField(label=_("Paused"), required=False)
    paired_since = forms.DateField(
        label=_("Paired since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The warm-up limits new recipients per day by the number's age from this day "
            "(new numbers that reach many strangers get banned)."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_gap_seconds"), data.get("max_gap_seconds")
        if low is not None and high is not None and high < low:
            self.add_error("max_gap_seconds", _("The maximum gap cannot be below the minimum."))
        return data
