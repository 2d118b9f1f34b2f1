"""The contact book in the dashboard: contacts (search, filters, bulk actions, export), lists,
imports and the per-partner messaging settings. Imported by ``messaging.admin``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ScopedAdmin, admin_routes
from instances.business.views.contacts import contacts_label_action
from messaging import contact_views
from messaging.consent import contacts_consent_set
from messaging.contact_selectors import contacts_csv, contacts_search
from messaging.contacts import (
    contact_erase,
    contact_list_get_or_create,
    contacts_list_add,
    contacts_list_remove,
)
from messaging.models import (
    ConsentSource,
    Contact,
    ContactList,
    MessagingSettings,
)
from partners.roles import Capability
from partners.scoping import user_can


class OptedOutFilter(admin.SimpleListFilter):
    title = gettext_lazy("opted out")
    parameter_name = "opted_out"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", _("Opted out")), ("no", _("May be written to"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(opted_out_at__isnull=self.value() == "no")
        return queryset


class ListFilter(admin.SimpleListFilter):
    title = gettext_lazy("list")
    parameter_name = "list"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [(str(lst.pk), lst.name) for lst in ContactList.objects.for_user(request.user)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() and self.value().isdigit():  # type: ignore[union-attr]
            return queryset.filter(lists__pk=int(self.value()))  # type: ignore[arg-type]
        return queryset


class LabelFilter(admin.SimpleListFilter):
    """WhatsApp Business labels (the business app's selector) on the contact's chat."""

    title = gettext_lazy("label")
    parameter_name = "label"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        from instances.business.selectors import labels_for_user

        return [
            (str(lb.pk), f"{lb.name} · {lb.instance.name}") for lb in labels_for_user(request.user)
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from instances.business.selectors import contacts_with_label, labels_for_user

        value = self.value()
        if value and value.isdigit():
            # Only a label the user may see: a foreign label id filters to nothing.
            ids = labels_for_user(request.user).filter(pk=int(value)).values_list("pk", flat=True)
            return contacts_with_label(queryset, label_ids=list(ids))
        return queryset


class ContactActionForm(ActionForm):
    list_name = forms.CharField(
        label=gettext_lazy("List"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("list name")}),
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("reason (opt-in needs one)")}),
    )  # fmt: skip


@admin.register(Contact)
class ContactAdmin(ScopedAdmin):
    list_display = ["display_name", "phone_column", "whatsapp", "consent", "created_at"]
    list_filter = [OptedOutFilter, ListFilter, LabelFilter, "has_whatsapp", "created_at"]
    search_fields = ["name"]  # the search itself: ``get_search_results``
    search_help_text = gettext_lazy("Name, phone in any format, or LID.")
    list_per_page = 50
    date_hierarchy = "created_at"
    action_form = ContactActionForm
    actions = [
        "add_to_list", "remove_from_list", "opt_out_selected", "opt_in_selected",
        "export_csv", "check_whatsapp", contacts_label_action, "erase_selected",
    ]  # fmt: skip
    change_list_template = "messaging/contact_changelist.html"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # The import page needs OPERATE somewhere (``contact_views._import_partners``): people
        # who only look (support) are not shown a button that refuses them.
        extra_context = {
            **(extra_context or {}),
            "can_import": user_can(request.user, Capability.OPERATE),
        }
        return super().changelist_view(request, extra_context)

    def get_list_filter(self, request: HttpRequest) -> Any:
        if user_can(request.user, Capability.VIEW) and request.user.is_staff:
            return [*self.list_filter, "partner"]
        return self.list_filter

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return contacts_search(queryset, search_term), False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # One contact by hand, under the import's rules (``contacts.contact_create``).
        return contact_views.contact_add(request, model_admin=self)

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def display_name(self, obj: Contact) -> str:
        return obj.name or "—"

    @admin.display(description=gettext_lazy("phone"), ordering="phone")
    def phone_column(self, obj: Contact) -> str:
        return obj.phone or obj.lid

    @admin.display(description=gettext_lazy("has WhatsApp"), ordering="has_whatsapp")
    def whatsapp(self, obj: Contact) -> str:
        if obj.has_whatsapp is None:
            return _("not checked")
        answer = _("yes") if obj.has_whatsapp else _("no")
        when = timezone.localtime(obj.whatsapp_checked_at).date() if obj.whatsapp_checked_at else ""
        return format_html("{} <span class='quiet'>({})</span>", answer, when)

    @admin.display(description=gettext_lazy("consent"), ordering="opted_out_at")
    def consent(self, obj: Contact) -> str:
        if obj.opted_out_at is None:
            return "✓"
        when = timezone.localtime(obj.opted_out_at).strftime("%Y-%m-%d %H:%M")
        return format_html("<span class='opted-out'>{} {}</span>", _("opted out"), when)

    def _chosen_list(self, request: HttpRequest, queryset: QuerySet[Contact]) -> Any:
        name = request.POST.get("list_name", "")
        partners = set(queryset.values_list("partner_id", flat=True).distinct())
        if len(partners) != 1:
            self.message_user(request, _("Choose contacts of one partner."), messages.ERROR)
            return None
        try:
            return contact_list_get_or_create(partner_id=partners.pop(), name=name)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None

    def _operable(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        from partners.scoping import partners_where

        ids = partners_where(request.user, Capability.OPERATE)
        return queryset if ids is None else queryset.filter(partner_id__in=ids)

    @admin.action(
        description=gettext_lazy("Add to the list named below (created if new)"),
        permissions=["change"],
    )
    def add_to_list(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        queryset = self._operable(request, queryset)
        contact_list = self._chosen_list(request, queryset)
        if contact_list is not None:
            added = contacts_list_add(
                contact_list=contact_list, contact_ids=queryset.values_list("pk", flat=True)
            )
            self.message_user(
                request, _("%(n)d added to %(list)s.") % {"n": added, "list": contact_list}
            )

    @admin.action(
        description=gettext_lazy("Remove from the list named below"), permissions=["change"]
    )
    def remove_from_list(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        queryset = self._operable(request, queryset)
        lists = ContactList.objects.for_user(request.user).filter(
            name=request.POST.get("list_name", "").strip(),
            partner_id__in=queryset.values("partner_id"),
        )
        removed = sum(
            contacts_list_remove(
                contact_list=lst, contact_ids=queryset.values_list("pk", flat=True)
            )
            for lst in lists
        )
        self.message_user(request, _("%(n)d removed.") % {"n": removed})

    @admin.action(
        description=gettext_lazy("Opt out (on every number of the partner)"), permissions=["change"]
    )
    def opt_out_selected(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        changed = contacts_consent_set(
            contact_ids=self._operable(request, queryset).values_list("pk", flat=True),
            opted_out=True,
            source=ConsentSource.OPERATOR,
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
        self._audit(request, contact_views.AUDIT_OPT_OUT, changed)
        self.message_user(request, _("%(n)d opted out.") % {"n": len(changed)})

    @admin.action(
        description=gettext_lazy("Opt in again (give the reason below)"), permissions=["change"]
    )
    def opt_in_selected(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request, _("Say why these contacts may be written to again."), messages.ERROR
            )
            return
        changed = contacts_consent_set(
            contact_ids=self._operable(request, queryset).values_list("pk", flat=True),
            opted_out=False,
            source=ConsentSource.OPERATOR,
            reason=reason,
            user=request.user,
        )
        self._audit(request, contact_views.AUDIT_OPT_IN, changed)
        self.message_user(request, _("%(n)d opted in again.") % {"n": len(changed)})

    @admin.action(
        description=gettext_lazy("Erase (LGPD): forget these people"), permissions=["change"]
    )
    def erase_selected(self, request: HttpRequest, queryset: QuerySet[Contact]) -> Any:
        """Confirm with how many, then the per-contact erase (``contacts.contact_erase``) for
        each contact the user operates for; others in the selection are left alone."""
        contacts = list(self._operable(request, queryset).select_related("partner"))
        if not contacts:
            self.message_user(
                request, _("None of these contacts may be erased by you."), messages.ERROR
            )
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Erase %(n)d contacts") % {"n": len(contacts)},
                "count": len(contacts),
                "contacts": contacts[:20],
                "selected": [c.pk for c in contacts],
                "opts": Contact._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "messaging/contacts_erase.html", context)
        emptied = 0
        for contact in contacts:
            partner, pk = contact.partner, contact.pk
            emptied += contact_erase(contact=contact)
            contact_views.contact_audit(request, contact_views.AUDIT_ERASE, partner, [pk])
        self.message_user(
            request,
            _("%(n)d erased, %(m)d messages emptied; their numbers stay blocked.")
            % {"n": len(contacts), "m": emptied},
        )
        return None

    def _audit(self, request: HttpRequest, action: Any, contact_ids: list[int]) -> None:
        rows = Contact.objects.filter(pk__in=contact_ids).select_related("partner")
        for contact in rows:
            contact_views.contact_audit(request, action, contact.partner, [contact.pk])

    @admin.action(description=gettext_lazy("Export to CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Contact]) -> HttpResponseBase:
        response = StreamingHttpResponse(contacts_csv(queryset), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
        return response

    @admin.action(
        description=gettext_lazy("Check who has WhatsApp (paced, in the background)"),
        permissions=["change"],
    )
    def check_whatsapp(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        from messaging.whatsapp_check import contacts_whatsapp_check_start

        started = contacts_whatsapp_check_start(
            contact_ids=list(self._operable(request, queryset).values_list("pk", flat=True))
        )
        self.message_user(request, started)

    def get_urls(self) -> list[URLPattern]:
        # Ours first: the contact page replaces the admin's change form.
        routes = admin_routes(
            self, contact_views.ROUTES, prefix="", name_prefix="messaging_contact_"
        )
        return [*routes, *super().get_urls()]


class PartnerRowAdmin(ScopedAdmin):
    """A row created for one partner: the partner is chosen among the user's, then fixed."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["partner"] if obj is not None else []


@admin.register(ContactList)
class ContactListAdmin(PartnerRowAdmin):
    list_display = ["name", "size", "partner", "created_at"]
    search_fields = ["name"]
    fields = ["partner", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).annotate(size=Count("contacts"))

    @admin.display(description=gettext_lazy("contacts"), ordering="size")
    def size(self, obj: Any) -> str:
        url = reverse("admin:messaging_contact_changelist") + f"?list={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.size)


class KeywordsField(forms.Field):
    """A JSON list edited as comma-separated words."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        words = [w.strip() for w in str(value or "").replace("\n", ",").split(",")]
        return [w[:40] for w in words if w]


class LinesField(forms.Field):
    """A JSON {language: line} edited one per line as ``pt-br = Responda SAIR...``."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return "\n".join(f"{k} = {v}" for k, v in value.items())
        return value

    def to_python(self, value: Any) -> dict[str, str]:
        lines: dict[str, str] = {}
        for raw in str(value or "").splitlines():
            if not raw.strip():
                continue
            code, sep, line = raw.partition("=")
            if not sep or not code.strip() or not line.strip():
                raise ValidationError(_("Write one per line: language = line."))
            lines[code.strip().lower()] = line.strip()[:300]
        return lines


class MessagingSettingsForm(forms.ModelForm):
    opt_out_keywords = KeywordsField(
        label=gettext_lazy("Opt-out keywords"),
        help_text=gettext_lazy("Comma-separated; case and accents are ignored."),
    )
    opt_out_lines = LinesField(
        label=gettext_lazy("Opt-out line per language"),
        help_text=gettext_lazy("One per line: pt-br = Responda SAIR para não receber mais"),
    )

    class Meta:
        model = MessagingSettings
        fields = ["partner", "opt_out_keywords", "opt_out_lines"]


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(PartnerRowAdmin):
    form = MessagingSettingsForm
    list_display = ["partner", "keywords", "lines"]

    @admin.display(description=gettext_lazy("opt-out keywords"))
    def keywords(self, obj: MessagingSettings) -> str:
        return ", ".join(obj.opt_out_keywords or [])

    @admin.display(description=gettext_lazy("opt-out lines"))
    def lines(self, obj: MessagingSettings) -> str:
        return "; ".join(f"{k}: {v}" for k, v in (obj.opt_out_lines or {}).items())
