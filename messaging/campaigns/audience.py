"""Who a campaign writes to: the audience chosen by the operator, resolved to contacts.

The audience is a small dict kept on the campaign (for the record and for "duplicate"):
``{"lists": [ids], "labels": [ids], "search": "ana", "contacts": [ids]}``; an uploaded file
goes through the contact book's import (its Celery task) into a list the audience names, and
the campaign waits for it (``Campaign.audience_import``). Lists and labels are
narrowed to the campaign's partner, so a foreign id names nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from instances.business.selectors import contacts_with_label
from messaging.contact_import import PHONE, contact_import_create, contact_import_start
from messaging.contacts import contact_list_get_or_create
from messaging.models import Contact, ContactImport, ContactList
from partners.models import Partner

# Stored phones passed the one normaliser (messaging.phones) when they were written: digits
# with the country code, at most 15 (E.164). A contact known only by its @lid, or a number a
# webhook gave that the normaliser refused, has no sendable phone: counted as invalid. The
# send itself asks messaging.consent again (message_enqueue).
PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15


def phone_sendable(phone: str) -> bool:
    return phone.isdigit() and PHONE_MIN_DIGITS <= len(phone) <= PHONE_MAX_DIGITS


def _ids(value: Any) -> list[int]:
    return [int(v) for v in value or [] if str(v).isdigit()]


def audience_contacts(*, partner: Partner, audience: Mapping[str, Any]) -> QuerySet[Contact]:
    """The partner's contacts the audience names (opted-out and invalid ones included: the
    caller excludes and counts them). Several sources add up (a contact counts once)."""
    from instances.business.models import Label

    contacts = Contact.objects.filter(partner=partner)
    sources = Q()
    lists = _ids(audience.get("lists"))
    if lists:
        own = ContactList.objects.filter(partner=partner, pk__in=lists)
        sources |= Q(pk__in=Contact.objects.filter(lists__in=own).values("pk"))
    labels = _ids(audience.get("labels"))
    if labels:
        own_labels = Label.objects.filter(instance__partner=partner, pk__in=labels)
        labelled = contacts_with_label(
            Contact.objects.filter(partner=partner),
            label_ids=own_labels.values_list("pk", flat=True),
        )
        sources |= Q(pk__in=labelled.values("pk"))
    ids = _ids(audience.get("contacts"))
    if ids:
        sources |= Q(pk__in=ids)
    if sources:
        contacts = contacts.filter(sources)
    search = str(audience.get("search") or "").strip()
    if search:
        contacts = contacts.filter(Q(name__icontains=search) | Q(phone__contains=search))
    return contacts


def audience_import_queue(*, partner: Partner, upload: Any, list_name: str, user: Any = None
                          ) -> ContactImport:  # fmt: skip
    """An uploaded CSV/XLSX queued for the contact book's import (the contacts work's job and
    Celery task: normalised numbers, opt-out column, variables from the other columns) into a
    new list, with the columns it guesses. The caller names the list in the campaign's
    audience and hands the job to ``campaign_create(audience_import=...)`` in the same
    transaction: the task is queued when that commits. ``ValidationError`` when the file is
    unreadable or has no column recognisable as the phone."""
    contact_list = contact_list_get_or_create(partner_id=partner.pk, name=list_name)
    job = contact_import_create(
        partner_id=partner.pk, user=user, upload=upload, contact_list_id=contact_list.pk
    )
    if PHONE not in job.mapping.values():
        default_storage.delete(job.stored_path)
        raise ValidationError(
            _("No column of %(file)s is recognised as the phone number (name it telefone, "
              "celular, whatsapp or phone), or import the file from the contacts page and "
              "choose its columns there.") % {"file": job.file_name}
        )  # fmt: skip
    contact_import_start(job=job, mapping=job.mapping)
    return job


def audience_describe(*, partner: Partner, audience: Mapping[str, Any]) -> str:
    """The audience in words, for the list and the progress page."""
    parts = []
    lists = ContactList.objects.filter(partner=partner, pk__in=_ids(audience.get("lists")))
    names = [c.name for c in lists]
    if names:
        parts.append(_("lists: %(names)s") % {"names": ", ".join(names)})
    if audience.get("labels"):
        parts.append(_("%(n)d labels") % {"n": len(_ids(audience.get("labels")))})
    if audience.get("search"):
        parts.append(_("matching “%(q)s”") % {"q": audience["search"]})
    if audience.get("contacts"):
        parts.append(_("%(n)d chosen contacts") % {"n": len(_ids(audience.get("contacts")))})
    return "; ".join(parts) or _("all contacts")


def contact_variables(contact: Contact) -> dict[str, str]:
    """What ``{{...}}`` may use: the contact's imported variables (``contact.extra``), its
    name (``nome``, ``primeiro_nome``) and phone (``telefone``), in Portuguese and English."""
    name = (contact.name or "").strip()
    first = name.split()[0] if name else ""
    extra = {str(k): str(v) for k, v in (contact.extra or {}).items() if v is not None}
    return {
        **extra,
        "nome": name,
        "name": name,
        "primeiro_nome": first,
        "first_name": first,
        "telefone": contact.phone,
        "phone": contact.phone,
    }
