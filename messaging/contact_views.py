"""The contact book's own pages: a contact (details, edit, consent, conversation, erase) and
the import (upload, columns and preview, progress, report). Thin: forms, services, selectors.

Served under the Contact admin through ``ROUTES`` (the pattern of ``messaging.views``);
every lookup goes through ``for_user`` (a foreign contact or import is a 404) and every
write checks OPERATE at the object's partner.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from core.admin import Route
from core.htmx import HtmxHttpRequest
from messaging import consent
from messaging.campaigns.selectors import campaigns_of_import
from messaging.consent import recipient_refusal
from messaging.contact_import import (
    NAME,
    OPT_OUT,
    PHONE,
    VARIABLE,
    ImportFileError,
    contact_import_create,
    contact_import_file,
    contact_import_start,
    table_preview,
    variable_name,
)
from messaging.contact_selectors import contact_consent_history, contact_messages
from messaging.contacts import (
    ContactExists,
    contact_create,
    contact_erase,
    contact_extra_parse,
    contact_list_get_or_create,
    contact_update,
)
from messaging.models import ConsentSource, Contact, ContactImport, ContactList, ImportState
from partners.models import Partner
from partners.roles import Capability
from partners.scoping import partners_where, user_can


def _context(model_admin: Any, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {**model_admin.admin_site.each_context(request), "title": title, **extra}


def _contact(request: HttpRequest, contact_id: int, capability: Capability) -> Contact:
    contact = get_object_or_404(
        Contact.objects.for_user(request.user).select_related("partner"), pk=contact_id
    )
    if not user_can(request.user, capability, contact.partner):
        raise PermissionDenied
    return contact


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("As you like: (11) 98765-4321, +55 11 98765 4321..."),
    )
    variables = forms.CharField(
        label=gettext_lazy("Variables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line: name = value (used to personalise messages)."),
    )
    lists = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Lists"),
        queryset=ContactList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lists"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ContactList.objects.filter(partner_id=partner_id)


class ContactAddForm(ContactForm):
    """A new contact: the edit form's fields, a phone required, and the partner when the
    user operates for more than one."""

    partner = forms.ModelChoiceField(label=gettext_lazy("Partner"), queryset=Partner.objects.none())

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, partner_id=0, **kwargs)
        self.fields["phone"].required = True
        partner = self.fields["partner"]
        lists = self.fields["lists"]
        assert isinstance(partner, forms.ModelChoiceField)
        assert isinstance(lists, forms.ModelMultipleChoiceField)
        partner.queryset = partners
        lists.queryset = ContactList.objects.filter(partner__in=partners).select_related("partner")
        if partners.count() == 1:
            partner.initial = partners.first()
            partner.widget = forms.HiddenInput()
        else:
            lists.label_from_instance = lambda lst: f"{lst.name} · {lst.partner}"  # type: ignore[assignment]


def contact_add(request: HttpRequest, model_admin: Any) -> HttpResponse:
    """Add one contact by hand (the admin's "add" view): the import's rules for one row."""
    partners = _import_partners(request)
    if not partners.exists():
        raise PermissionDenied
    form = ContactAddForm(request.POST or None, partners=partners)
    existing = None
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data["partner"]
        try:
            contact = contact_create(
                partner_id=partner.pk,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                extra=contact_extra_parse(form.cleaned_data["variables"]),
                list_ids=[lst.pk for lst in form.cleaned_data["lists"]],
            )
        except ContactExists as exc:
            existing = exc.contact
            _form_errors(form, exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return HttpResponseRedirect(
                reverse("admin:messaging_contact_change", args=[contact.pk])
            )
    context = _context(
        model_admin, request, _("Add a contact"), form=form, existing=existing,
        opts=Contact._meta,
    )  # fmt: skip
    return TemplateResponse(request, "messaging/contact_add.html", context)


class ConsentForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


def contact_page(request: HttpRequest, contact_id: int, model_admin: Any) -> HttpResponse:
    """A contact: details, edit, lists, labels, consent history, the conversation across the
    partner's numbers; opt out, opt in (with a reason) and erase for operators."""
    contact = _contact(request, contact_id, Capability.VIEW)
    may_change = user_can(request.user, Capability.OPERATE, contact.partner)
    initial = {
        "name": contact.name,
        "phone": contact.phone,
        "variables": "\n".join(f"{k} = {v}" for k, v in (contact.extra or {}).items()),
        "lists": list(contact.lists.all()),
    }
    form = ContactForm(request.POST or None, initial=initial, partner_id=contact.partner_id)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                contact_update(
                    contact=contact,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    extra=contact_extra_parse(form.cleaned_data["variables"]),
                    list_ids=[lst.pk for lst in form.cleaned_data["lists"]],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Contact saved."))
                return HttpResponseRedirect(request.path)
    refusal = recipient_refusal(partner_id=contact.partner_id, value=contact.chat_id)
    context = _context(
        model_admin,
        request,
        str(contact) or _("Contact"),
        contact=contact,
        form=form if may_change else None,
        may_change=may_change,
        consent_form=ConsentForm(),
        refusal=refusal,
        history=list(contact_consent_history(contact)),
        timeline=contact_messages(contact),
        labels=_labels_of(contact),
        opts=Contact._meta,
    )
    return TemplateResponse(request, "messaging/contact.html", context)


# The target is the contact's id, never its name or number: the log outlives an erase.
AUDIT_OPT_OUT = AuditAction.CONTACT_OPT_OUT
AUDIT_OPT_IN = AuditAction.CONTACT_OPT_IN
AUDIT_ERASE = AuditAction.CONTACT_ERASE


def contact_audit(
    request: HttpRequest, action: AuditAction, partner: Any, contact_ids: list[int]
) -> None:
    for pk in contact_ids:
        audit_record(
            actor=request.user, partner=partner, action=action, target=f"contact {pk}",
            ip=request_ip(request),
        )  # fmt: skip


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


def _labels_of(contact: Contact) -> list[Any]:
    """The WhatsApp Business labels on this person's chats (any number of the partner)."""
    from instances.business.models import ChatLabel
    from messaging.contact_selectors import contact_chat_ids

    return list(
        ChatLabel.objects.filter(
            chat_id__in=contact_chat_ids(contact),
            label__instance__partner_id=contact.partner_id,
        ).select_related("label", "label__instance")
    )


@require_POST
def contact_opt_out(request: HttpRequest, contact_id: int, model_admin: Any) -> HttpResponse:
    return _consent(request, contact_id, "opt_out")


@require_POST
def contact_opt_in(request: HttpRequest, contact_id: int, model_admin: Any) -> HttpResponse:
    """Opt in again: an operator must say why."""
    return _consent(request, contact_id, "opt_in")


def _consent(request: HttpRequest, contact_id: int, action: str) -> HttpResponse:
    contact = _contact(request, contact_id, Capability.OPERATE)
    form = ConsentForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "opt_out":
            done = consent.contact_opt_out(
                contact=contact, source=ConsentSource.OPERATOR, reason=reason, user=request.user
            )
        else:
            done = consent.contact_opt_in(
                contact=contact, source=ConsentSource.OPERATOR, reason=reason, user=request.user
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            audit = AUDIT_OPT_OUT if action == "opt_out" else AUDIT_OPT_IN
            contact_audit(request, audit, contact.partner, [contact.pk])
            messages.success(request, _("Consent changed and recorded."))
        else:
            messages.warning(request, _("Nothing to change."))
    return HttpResponseRedirect(reverse("admin:messaging_contact_change", args=[contact.pk]))


def contact_erase_page(request: HttpRequest, contact_id: int, model_admin: Any) -> HttpResponse:
    """Confirm, then erase (LGPD): personal data and message contents go, a hash stays."""
    contact = _contact(request, contact_id, Capability.OPERATE)
    if request.method == "POST":
        partner, pk = contact.partner, contact.pk
        emptied = contact_erase(contact=contact)
        contact_audit(request, AUDIT_ERASE, partner, [pk])
        messages.success(
            request,
            _("Erased. %(n)d messages emptied; the number stays blocked.") % {"n": emptied},
        )
        return HttpResponseRedirect(reverse("admin:messaging_contact_changelist"))
    context = _context(
        model_admin, request, _("Erase %(who)s") % {"who": contact}, contact=contact,
        opts=Contact._meta,
    )  # fmt: skip
    return TemplateResponse(request, "messaging/contact_erase.html", context)


# -- import --------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("CSV or XLSX; the first row holds the column names."),
    )
    list_name = forms.CharField(
        label=gettext_lazy("Also put the contacts in the list"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("An existing list's name, or a new one. Leave empty for none."),
    )
    partner = forms.ModelChoiceField(label=gettext_lazy("Partner"), queryset=Partner.objects.none())

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners
        if partners.count() == 1:
            field.initial = partners.first()
            field.widget = forms.HiddenInput()


def _import_partners(request: HttpRequest) -> Any:
    ids = partners_where(request.user, Capability.OPERATE)
    return Partner.objects.all() if ids is None else Partner.objects.filter(pk__in=ids)


def import_upload(request: HttpRequest, model_admin: Any) -> HttpResponse:
    partners = _import_partners(request)
    if not partners.exists():
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data["partner"]
        try:
            contact_list = (
                contact_list_get_or_create(
                    partner_id=partner.pk, name=form.cleaned_data["list_name"]
                )
                if form.cleaned_data["list_name"].strip()
                else None
            )
            job = contact_import_create(
                partner_id=partner.pk,
                user=request.user,
                upload=form.cleaned_data["file"],
                contact_list_id=contact_list.pk if contact_list else None,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return HttpResponseRedirect(reverse("admin:messaging_contact_import", args=[job.pk]))
    recent = ContactImport.objects.for_user(request.user).select_related("contact_list")[:10]
    context = _context(
        model_admin, request, _("Import contacts"), form=form, recent=recent, opts=Contact._meta
    )
    return TemplateResponse(request, "messaging/import_upload.html", context)


def _job(request: HttpRequest, import_id: int) -> ContactImport:
    job = get_object_or_404(
        ContactImport.objects.for_user(request.user).select_related("partner", "contact_list"),
        pk=import_id,
    )
    if not user_can(request.user, Capability.OPERATE, job.partner):
        raise PermissionDenied
    return job


def _target_choices(headers: list[str]) -> list[tuple[str, str]]:
    choices = [
        ("", _("— ignore —")),
        (PHONE, _("Phone")),
        (NAME, _("Name")),
        (OPT_OUT, _("Opt-out (yes/no)")),
    ]
    for header in headers:
        name = variable_name(header)
        if name:
            choices.append((VARIABLE + name, _("Variable “%(name)s”") % {"name": name}))
    return choices


def import_page(request: HtmxHttpRequest, import_id: int, model_admin: Any) -> HttpResponse:
    """Columns and preview while the import waits for them; then its progress and report."""
    job = _job(request, import_id)
    if job.state != ImportState.MAPPING:
        # A campaign's audience file: the campaigns waiting on it (or made from it), linked
        # back; in the polled part too, so "waiting" turns into their recipients at the end.
        campaigns = list(campaigns_of_import(user=request.user, job=job))
        if request.htmx:
            return TemplateResponse(
                request, "messaging/_import_progress.html", {"job": job, "campaigns": campaigns}
            )
        context = _context(
            model_admin, request, _("Import of %(file)s") % {"file": job.file_name}, job=job,
            campaigns=campaigns, opts=Contact._meta,
        )  # fmt: skip
        return TemplateResponse(request, "messaging/import_progress.html", context)
    try:
        headers, preview, total = table_preview(contact_import_file(job), job.file_name)
    except ImportFileError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("admin:messaging_contact_import_upload"))
    mapping = dict(job.mapping)
    error = ""
    if request.method == "POST":
        mapping = {str(i): request.POST.get(f"column_{i}", "") for i in range(len(headers))}
        try:
            contact_import_start(job=job, mapping=mapping)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return HttpResponseRedirect(request.path)
    columns = [
        {"index": i, "header": h, "target": mapping.get(str(i), "")} for i, h in enumerate(headers)
    ]
    context = _context(
        model_admin,
        request,
        _("Import of %(file)s: columns") % {"file": job.file_name},
        job=job,
        columns=columns,
        choices=_target_choices(headers),
        preview=preview,
        total=total,
        error=error,
        opts=Contact._meta,
    )
    return TemplateResponse(request, "messaging/import_columns.html", context)


# (route under /messaging/contact/, view, url name suffix): "admin:messaging_contact_<suffix>".
ROUTES: list[Route] = [
    ("<int:contact_id>/change/", contact_page, "change"),
    ("<int:contact_id>/opt-out/", contact_opt_out, "opt_out"),
    ("<int:contact_id>/opt-in/", contact_opt_in, "opt_in"),
    ("<int:contact_id>/erase/", contact_erase_page, "erase"),
    ("import/", import_upload, "import_upload"),
    ("import/<int:import_id>/", import_page, "import"),
]
