"""Who a campaign writes to: the audience chosen by the operator, resolved to contacts.

The audience is a small dict (kept on the campaign for the record and for "duplicate"):
``{"search": "ana", "contacts": [ids]}``; lists, labels and uploaded files resolve to
contacts through the contact book's own selectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from messaging.models import Contact
from partners.models import Partner

# Z-API wants digits with the country code (spec 001 l.1798); E.164 allows at most 15.
PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15


def phone_sendable(phone: str) -> bool:
    return phone.isdigit() and PHONE_MIN_DIGITS <= len(phone) <= PHONE_MAX_DIGITS


def audience_contacts(*, partner: Partner, audience: Mapping[str, Any]) -> QuerySet[Contact]:
    """The partner's contacts the audience names (opted-out and invalid ones included: the
    caller excludes and counts them)."""
    contacts = Contact.objects.filter(partner=partner)
    ids = audience.get("contacts")
    if ids:
        contacts = contacts.filter(pk__in=[int(i) for i in ids])
    search = str(audience.get("search") or "").strip()
    if search:
        contacts = contacts.filter(Q(name__icontains=search) | Q(phone__contains=search))
    return contacts


def contact_variables(contact: Contact) -> dict[str, str]:
    """What ``{{...}}`` may use: the contact's name (``nome``, ``primeiro_nome``) and phone
    (``telefone``), in Portuguese and English."""
    name = (contact.name or "").strip()
    first = name.split()[0] if name else ""
    return {
        "nome": name,
        "name": name,
        "primeiro_nome": first,
        "first_name": first,
        "telefone": contact.phone,
        "phone": contact.phone,
    }
