"""Has WhatsApp? An optional check of contacts through ``phone-exists-batch``, paced and cached.

The spec is clear that this is not a check to run before sending ("Z-API already validates
the number's existence with each message sent", spec 001, "Contacts > Number with WhatsApp?"):
nothing in the send path calls it. An operator runs it on contacts (a bulk action); each contact
keeps the answer with its date, and a contact checked within ``FRESH_FOR`` is not asked again. Calls
go in batches of ``BATCH`` numbers, one batch every ``PAUSE_SECONDS`` per number, so a big book is
never thrown at Z-API at once. When WhatsApp knows the person by another id (``outputPhone``: an old
Brazilian account without the ninth digit, "Contacts > Number with WhatsApp?"), that id becomes the
contact's chat id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import ConnectionState, Instance
from instances.outcome import zapi_outcome
from instances.zapi import instance_client
from messaging.models import Contact
from messaging.tasks import contacts_whatsapp_check_task

# The spec allows 50,000 a request ("Contacts > Number with WhatsApp?"); smaller batches, paced.
BATCH = 1_000
PAUSE_SECONDS = 10
FRESH_FOR = timedelta(days=30)


def _checker(partner_id: int) -> Instance | None:
    """A connected number of the partner to ask through (the least recently used first
    would be nicer; any connected one is correct)."""
    return (
        Instance.objects.filter(partner_id=partner_id, connection_state=ConnectionState.CONNECTED)
        .order_by("pk")
        .first()
    )


def contacts_whatsapp_check_start(*, contact_ids: Iterable[int]) -> str:
    """Queue the check of these contacts (those with a phone and no fresh answer), in paced
    batches per partner, after the transaction commits. Returns what was done, in words."""
    stale = Q(whatsapp_checked_at__isnull=True) | Q(
        whatsapp_checked_at__lt=timezone.now() - FRESH_FOR
    )
    rows = (
        Contact.objects.filter(stale, pk__in=list(contact_ids))
        .exclude(phone="")
        .values_list("partner_id", "pk")
        .order_by("partner_id", "pk")
    )
    by_partner: dict[int, list[int]] = {}
    for partner_id, pk in rows:
        by_partner.setdefault(partner_id, []).append(pk)
    queued, skipped = 0, 0
    for partner_id, ids in by_partner.items():
        instance = _checker(partner_id)
        if instance is None:
            skipped += len(ids)
            continue
        for n, start in enumerate(range(0, len(ids), BATCH)):
            transaction.on_commit(
                partial(
                    contacts_whatsapp_check_task.apply_async,
                    (instance.pk, ids[start : start + BATCH]),
                    countdown=n * PAUSE_SECONDS,
                )
            )
        queued += len(ids)
    text = _("%(n)d contacts will be checked in the background.") % {"n": queued}
    if skipped:
        text += " " + _("%(n)d skipped: their partner has no connected number.") % {"n": skipped}
    if not queued and not skipped:
        text = _("Nothing to check: every selected contact was checked in the last 30 days.")
    return text


def contacts_whatsapp_check(*, instance_id: int, contact_ids: list[int]) -> str:
    """Ask Z-API, through one number, which of these contacts have WhatsApp; keep the answers
    with their date, and WhatsApp's own id when it differs from the phone."""
    instance = Instance.objects.get(pk=instance_id)
    contacts = list(
        Contact.objects.filter(pk__in=contact_ids, partner_id=instance.partner_id).exclude(phone="")
    )
    if not contacts:
        return "nothing to check"
    client = instance_client(instance)
    phones = [c.phone for c in contacts]
    outcome = zapi_outcome(_("Has WhatsApp?"), lambda: client.phone_exists_batch(phones))
    if not outcome.ok:
        return outcome.text
    answers = {str(item.inputPhone or ""): item for item in outcome.value or []}
    now = timezone.now()
    checked = []
    for contact in contacts:
        item = answers.get(contact.phone)
        if item is None:
            continue
        contact.has_whatsapp = bool(item.exists)
        contact.whatsapp_checked_at = now
        output = "".join(ch for ch in str(item.outputPhone or "") if ch.isdigit())
        contact.whatsapp_id = output if item.exists and output and output != contact.phone else ""
        contact.updated_at = now
        checked.append(contact)
    Contact.objects.bulk_update(
        checked, ["has_whatsapp", "whatsapp_checked_at", "whatsapp_id", "updated_at"]
    )
    with_whatsapp = sum(1 for c in checked if c.has_whatsapp)
    return f"{len(checked)} checked, {with_whatsapp} with WhatsApp"
