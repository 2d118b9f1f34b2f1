"""Reads on the contact book: search by what people type, a contact's chats and messages
across the partner's numbers, and the export rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from messaging.models import ConsentChange, Contact, Message
from messaging.phones import RecipientKind, recipient_normalize


def contacts_search(contacts: QuerySet[Contact], term: str) -> QuerySet[Contact]:
    """Contacts whose name, phone or LID contains ``term``; a typed phone number in any
    format (``(11) 98765-4321``) finds its contact too."""
    term = term.strip()
    if not term:
        return contacts
    match = Q(name__icontains=term) | Q(lid__icontains=term)
    digits = "".join(ch for ch in term if ch.isdigit())
    if digits:
        match |= Q(phone__contains=digits) | Q(whatsapp_id__contains=digits)
    recipient = recipient_normalize(term)
    if recipient.ok and recipient.kind == RecipientKind.PHONE:
        match |= Q(phone=recipient.chat_id)
    return contacts.filter(match)


def contact_chat_ids(contact: Contact) -> set[str]:
    """Every chat id this person has with us: the phone, WhatsApp's own id, the LID."""
    return {c for c in (contact.phone, contact.whatsapp_id, contact.lid) if c}


def contact_messages(contact: Contact, *, limit: int = 200) -> list[Message]:
    """The conversation with this person across every number of the partner, oldest first
    (the latest ``limit``)."""
    rows = (
        Message.objects.filter(
            Q(contact=contact) | Q(chat_id__in=contact_chat_ids(contact)),
            instance__partner_id=contact.partner_id,
        )
        .select_related("instance")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(rows))


def contact_consent_history(contact: Contact) -> QuerySet[ConsentChange]:
    return contact.consent_changes.select_related("user", "instance").order_by("-at", "-pk")


EXPORT_FIELDS = ["name", "phone", "whatsapp_id", "lid", "has_whatsapp", "whatsapp_checked_at",
                 "opted_out_at", "lists", "created_at"]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a quote."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def contacts_csv(contacts: QuerySet[Contact]) -> Iterator[str]:
    """CSV lines of these contacts, their variables as extra columns (streamed; two
    queries per 2,000 contacts)."""
    variables = sorted(
        {key for extra in contacts.values_list("extra", flat=True) for key in (extra or {})}
    )
    writer = csv.writer(_Echo())
    yield writer.writerow([*EXPORT_FIELDS, *variables])
    for contact in _chunks(contacts.prefetch_related("lists").order_by("pk")):
        yes_no = {True: "yes", False: "no", None: ""}[contact.has_whatsapp]
        row = [
            contact.name,
            contact.phone,
            contact.whatsapp_id,
            contact.lid,
            yes_no,
            _local(contact.whatsapp_checked_at),
            _local(contact.opted_out_at),
            "; ".join(sorted(lst.name for lst in contact.lists.all())),
            _local(contact.created_at),
            *[(contact.extra or {}).get(v, "") for v in variables],
        ]
        yield writer.writerow([_cell(v) for v in row])


def _chunks(contacts: QuerySet[Contact], size: int = 2_000) -> Iterable[Contact]:
    last = 0
    while True:
        batch = list(contacts.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk
