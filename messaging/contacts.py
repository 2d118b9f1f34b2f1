"""Writes on the contact book: lists, edits, and erasing a person (LGPD)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.consent import number_hashes
from messaging.models import (
    Contact,
    ContactList,
    ContactListMember,
    ErasedRecipient,
    Message,
    NewRecipient,
)
from messaging.phones import RecipientKind, recipient_normalize


def contact_list_get_or_create(*, partner_id: int, name: str) -> ContactList:
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationError(_("Give the list a name."))
    try:
        with transaction.atomic():
            return ContactList.objects.get_or_create(partner_id=partner_id, name=name)[0]
    except IntegrityError:  # created concurrently
        return ContactList.objects.get(partner_id=partner_id, name=name)


def contacts_list_add(*, contact_list: ContactList, contact_ids: Iterable[int]) -> int:
    """Put these contacts (of the list's partner only) in the list; returns how many
    were not in it yet."""
    ids = list(
        Contact.objects.filter(pk__in=list(contact_ids), partner_id=contact_list.partner_id)
        .exclude(lists=contact_list)
        .values_list("pk", flat=True)
    )
    ContactListMember.objects.bulk_create(
        [ContactListMember(contact_id=pk, contact_list=contact_list) for pk in ids],
        ignore_conflicts=True,
    )
    return len(ids)


def contacts_list_remove(*, contact_list: ContactList, contact_ids: Iterable[int]) -> int:
    deleted, _rows = ContactListMember.objects.filter(
        contact_list=contact_list, contact_id__in=list(contact_ids)
    ).delete()
    return deleted


def _phone_clean(phone: str) -> str:
    """A typed phone as Z-API's digits (``messaging.phones``), as the import takes it."""
    recipient = recipient_normalize(phone)
    if not recipient.ok or recipient.kind != RecipientKind.PHONE:
        raise ValidationError({"phone": recipient.reason or _("Give a phone number.")})
    return recipient.chat_id


class ContactExists(ValidationError):
    """The partner already has a contact with this number (``contact`` is it)."""

    def __init__(self, contact: Contact) -> None:
        super().__init__({"phone": _("This number is already in the contact book.")})
        self.contact = contact


def contact_create(
    *, partner_id: int, name: str, phone: str, extra: dict[str, str], list_ids: Iterable[int]
) -> Contact:
    """Add one contact by hand, under the import's rules: a phone number through the one
    normaliser, never a number erased at the person's request, one contact per number
    (``ContactExists`` names the one already there; the whole phone or WhatsApp's id)."""
    if not phone.strip():
        raise ValidationError({"phone": _("Give a phone number.")})
    phone = _phone_clean(phone)
    if ErasedRecipient.objects.filter(
        partner_id=partner_id, number_hash__in=number_hashes(partner_id=partner_id, number=phone)
    ).exists():
        raise ValidationError(
            {"phone": _("This person's data was erased at their request: never added again.")}
        )
    existing = Contact.objects.filter(
        Q(phone=phone) | Q(whatsapp_id=phone), partner_id=partner_id
    ).first()
    if existing is not None:
        raise ContactExists(existing)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                partner_id=partner_id, phone=phone, name=name.strip()[:200], extra=extra
            )
            allowed = ContactList.objects.filter(partner_id=partner_id, pk__in=list(list_ids))
            contact.lists.set(allowed)
    except IntegrityError:  # the same number added concurrently
        raise ContactExists(Contact.objects.get(partner_id=partner_id, phone=phone)) from None
    return contact


def contact_update(
    *, contact: Contact, name: str, phone: str, extra: dict[str, str], list_ids: Iterable[int]
) -> Contact:
    """Save an operator's edit; the phone goes through the one normaliser."""
    if phone.strip():
        phone = _phone_clean(phone)
    elif not contact.lid:
        raise ValidationError({"phone": _("A contact without a LID needs a phone number.")})
    clash = Contact.objects.filter(partner_id=contact.partner_id, phone=phone).exclude(
        pk=contact.pk
    )
    if phone and clash.exists():
        raise ValidationError({"phone": _("Another contact already has this number.")})
    with transaction.atomic():
        if phone != contact.phone:
            contact.whatsapp_id, contact.has_whatsapp, contact.whatsapp_checked_at = "", None, None
        contact.name, contact.phone, contact.extra = name.strip()[:200], phone, extra
        contact.save()
        allowed = ContactList.objects.filter(partner_id=contact.partner_id, pk__in=list(list_ids))
        contact.lists.set(allowed)
    return contact


def contact_erase(*, contact: Contact) -> int:
    """Forget a person (LGPD, the right to be forgotten): the contact, its lists and consent
    history, and the contents and numbers of its messages on every number of the partner;
    keep only a keyed hash of its numbers so it is never written to, or imported, again.
    Returns how many messages were emptied."""
    numbers = {n for n in (contact.phone, contact.whatsapp_id) if n}
    chats = numbers | ({contact.lid} if contact.lid else set())
    # The current key's hash (the first); the check also tries the fallback keys' hashes.
    hashes = {number_hashes(partner_id=contact.partner_id, number=n)[0] for n in numbers}
    # A chat id that still says which chat it was, without saying whose.
    marker = f"erased:{min(hashes)[:16]}" if hashes else f"erased:{contact.pk}"
    with transaction.atomic():
        messages = Message.objects.filter(
            Q(contact=contact) | Q(chat_id__in=chats), instance__partner_id=contact.partner_id
        )
        emptied = messages.update(text="", payload={}, chat_id=marker, contact=None, error="")
        NewRecipient.objects.filter(
            instance__partner_id=contact.partner_id, chat_id__in=chats
        ).delete()
        _webhook_payloads_erase(partner_id=contact.partner_id, chats=chats)
        ErasedRecipient.objects.bulk_create(
            [ErasedRecipient(partner_id=contact.partner_id, number_hash=h) for h in hashes],
            ignore_conflicts=True,
        )
        contact.delete()
    return emptied


def _webhook_payloads_erase(*, partner_id: int, chats: set[str]) -> None:
    """The raw webhook store keeps what Z-API sent, names and texts included: empty the
    payloads of this person's events (kept as rows, so counts and dedupe still hold)."""
    from webhooks.models import WebhookEvent

    if not chats:
        return
    match = Q()
    for key in ("phone", "participantPhone", "senderLid", "chatLid", "participantLid"):
        match |= Q(**{f"payload__{key}__in": list(chats)})
    WebhookEvent.objects.filter(match, instance__partner_id=partner_id).update(
        payload={"erased": True, "erased_at": timezone.now().isoformat()}
    )


def contacts_erase(*, contacts: Iterable[Contact]) -> int:
    return sum(contact_erase(contact=c) for c in contacts)


def contact_extra_parse(text: str) -> dict[str, Any]:
    """Variables typed one per line as ``name = value``."""
    extra: dict[str, Any] = {}
    for raw in text.splitlines():
        if not raw.strip():
            continue
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise ValidationError(_("Write one variable per line as name = value."))
        extra[key.strip()[:40]] = value.strip()[:500]
    return extra
