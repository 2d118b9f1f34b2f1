"""Forms of the WhatsApp Business tabs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from instances.business.models import PRICE_NOTE
from messaging.phones import chat_id_normalize, recipient_normalize

# Z-API's palette has 20 colours on Android (spec 001, "WhatsApp Business > Label cores"); the
# choices come from the instance's own palette once synced.
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
    """What people type, one chat a line (or comma-separated), through the one normaliser
    (``recipient_normalize``: "(11) 98765-4321", "+55 11 ...", group and @lid ids); any line
    it refuses is an error that names the line and says why, and nothing is applied."""
    ids, problems = [], []
    for line in (v.strip() for v in value.replace(",", "\n").splitlines()):
        if not line:
            continue
        recipient = recipient_normalize(line)
        if recipient.ok:
            ids.append(recipient.chat_id)
        else:
            problems.append(f"{line[:40]}: {recipient.reason}")
    if problems:
        raise forms.ValidationError(
            _("Nothing changed. Fix these lines: %(lines)s"),
            params={"lines": "; ".join(problems[:10])},
        )
    return list(dict.fromkeys(ids))


class ChatLabelForm(forms.Form):
    """Put a label on one chat or take it off (the conversation page)."""

    label = forms.IntegerField(widget=forms.HiddenInput)
    chat_id = forms.CharField(max_length=100)
    on = forms.BooleanField(required=False)

    def clean_chat_id(self) -> str:
        return chat_id_normalize(self.cleaned_data["chat_id"])


class BulkLabelForm(forms.Form):
    label = forms.TypedChoiceField(label=_("Label"), coerce=int)
    chat_ids = forms.CharField(
        label=_("Chats"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Phones as people write them (+55 11 98765-4321, (11) 98765-4321), group "
            "ids or @lid ids: one per line."
        ),
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


class ProductForm(forms.Form):
    """``POST /products`` (spec 001, "WhatsApp Business > Criar/editar Produto"): the price is
    Z-API's integer, sent unchanged (its unit is undocumented: ``PRICE_NOTE``)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.IntegerField(label=_("Price (Z-API's number)"), min_value=0, help_text=PRICE_NOTE)
    sale_price = forms.IntegerField(
        label=_("Sale price (Z-API's number)"),
        min_value=0,
        required=False,
        help_text=_("The same kind of number as the price."),
    )
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        initial="BRL",
        max_length=3,
        error_messages={"invalid": _("Three letters, e.g. BRL or USD.")},
    )
    image_url = forms.URLField(
        assume_scheme="https", label=_("Image URL"), required=False, max_length=1000
    )
    upload = forms.FileField(
        label=_("…or upload an image"),
        required=False,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp", "gif"])],
        help_text=_("Kept here and served to WhatsApp from this dashboard."),
    )
    url = forms.URLField(assume_scheme="https", label=_("Link"), required=False, max_length=1000)
    retailer_id = forms.CharField(label=_("Retailer id"), required=False, max_length=100)
    hidden = forms.BooleanField(label=_("Hidden in the catalog"), required=False)

    def clean_upload(self) -> Any:
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        upload = self.cleaned_data.get("upload")
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload is not None and upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("This image is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def product_fields(self) -> dict[str, Any]:
        """The fields for ``product_save``; an upload is kept here and served by us."""
        from messaging.forms import upload_save

        data = dict(self.cleaned_data)
        upload = data.pop("upload", None)
        image = upload_save(upload) if upload is not None else data.pop("image_url", "")
        data.pop("image_url", None)
        data["images"] = [image] if image else []
        data["currency"] = data["currency"].upper()
        return data


class CollectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    products = forms.MultipleChoiceField(label=_("Products"), required=False)

    def __init__(self, *args: Any, products: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["products"]).choices = list(products or [])


class CollectionProductsForm(forms.Form):
    collection = forms.IntegerField(widget=forms.HiddenInput)
    products = forms.MultipleChoiceField(label=_("Products"))
    add = forms.BooleanField(required=False)

    def __init__(self, *args: Any, products: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["products"]).choices = list(products or [])


class CatalogPhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Business number"),
        max_length=30,
        help_text=_("With country code; its public catalog is read through this number."),
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        digits = "".join(c for c in self.cleaned_data["phone"] if c.isdigit())
        if not 8 <= len(digits) <= 15:
            raise forms.ValidationError(_("Give a phone number with its country code."))
        return digits


def _timezones() -> list[tuple[str, str]]:
    import zoneinfo

    return [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z]


class CompanyProfileForm(forms.Form):
    """The company profile page: one form, sent part by part (``company_profile_save``)."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=512,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    address = forms.CharField(label=_("Address"), required=False, max_length=256)
    website_1 = forms.URLField(
        assume_scheme="https", label=_("Website"), required=False, max_length=255
    )
    website_2 = forms.URLField(
        assume_scheme="https", label=_("Second website"), required=False, max_length=255
    )
    timezone = forms.ChoiceField(label=_("Time zone"), required=False)
    mode = forms.ChoiceField(label=_("Opening"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One to three, found with the search below."),
    )

    def __init__(self, *args: Any, categories: list[dict[str, str]] | None = None, **kw: Any):
        from instances.business.profile import HOURS_MODES, WEEKDAYS

        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["timezone"]).choices = [("", "—"), *_timezones()]
        cast(forms.ChoiceField, self.fields["mode"]).choices = list(HOURS_MODES.items())
        self.weekdays = WEEKDAYS
        for day in WEEKDAYS:
            self.fields[f"{day}_open"] = forms.TimeField(required=False, label=_("opens"))
            self.fields[f"{day}_close"] = forms.TimeField(required=False, label=_("closes"))
        # A category's value carries its name, so the page can show it without asking again.
        choices = [(f"{c['id']}|{c.get('displayName', '')}", c.get("displayName") or c["id"])
                   for c in categories or []]  # fmt: skip
        cast(forms.ChoiceField, self.fields["categories"]).choices = choices

    def day_rows(self) -> list[tuple[Any, Any, Any]]:
        from instances.business.profile import DAY_NAMES

        return [(DAY_NAMES[d], self[f"{d}_open"], self[f"{d}_close"]) for d in self.weekdays]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in self.weekdays:
            opens, closes = data.get(f"{day}_open"), data.get(f"{day}_close")
            if (opens is None) != (closes is None):
                self.add_error(f"{day}_open", _("Give both times, or neither (closed)."))
            elif opens is not None and closes is not None and closes <= opens:
                self.add_error(f"{day}_close", _("Closing comes after opening."))
        if len(data.get("categories") or []) > 3:
            self.add_error("categories", _("At most three categories."))
        days = any(data.get(f"{d}_open") for d in self.weekdays)
        if days and not data.get("timezone"):
            self.add_error("timezone", _("Opening hours need a time zone."))
        return data

    def profile(self) -> Any:
        from instances.business.profile import CompanyProfile

        data = self.cleaned_data
        days = [
            {
                "dayOfWeek": d,
                "openTime": data[f"{d}_open"].strftime("%H:%M"),
                "closeTime": data[f"{d}_close"].strftime("%H:%M"),
            }
            for d in self.weekdays
            if data.get(f"{d}_open") and data.get(f"{d}_close")
        ]
        hours = (
            {"timezone": data["timezone"], "mode": data.get("mode") or "specificHours",
             "days": days}
            if data.get("timezone")
            else {}
        )  # fmt: skip
        categories = []
        for value in data.get("categories") or []:
            cid, _sep, name = value.partition("|")
            categories.append({"id": cid, "displayName": name or cid})
        return CompanyProfile(
            description=data.get("description") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
            websites=[w for w in (data.get("website_1"), data.get("website_2")) if w],
            hours=hours,
            categories=categories,
        )

    @staticmethod
    def initial_of(account: Any) -> dict[str, Any]:
        hours = account.hours or {}
        initial: dict[str, Any] = {
            "description": account.description,
            "email": account.email,
            "address": account.address,
            "website_1": (account.websites or [""])[0],
            "website_2": (account.websites[1:2] or [""])[0] if account.websites else "",
            "timezone": hours.get("timezone", ""),
            "mode": hours.get("mode", "specificHours"),
            "categories": [f"{c['id']}|{c.get('displayName', '')}" for c in account.categories],
        }
        for day in hours.get("days") or []:
            initial[f"{day['dayOfWeek']}_open"] = day.get("openTime")
            initial[f"{day['dayOfWeek']}_close"] = day.get("closeTime")
        return initial


class BusinessCopyForm(forms.Form):
    parts = forms.MultipleChoiceField(
        label=_("Copy"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    targets: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("To these numbers"), widget=forms.CheckboxSelectMultiple, queryset=None
    )

    def __init__(self, *args: Any, source: Any, **kwargs: Any) -> None:
        from instances.business.models import CopyPart
        from instances.models import Instance

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["parts"]).choices = CopyPart.choices
        others = Instance.objects.filter(partner_id=source.partner_id).exclude(pk=source.pk)
        cast(forms.ModelMultipleChoiceField, self.fields["targets"]).queryset = others
