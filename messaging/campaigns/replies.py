"""Replies: an inbound message of a recipient, to its sender, after its campaign message;
and which campaign a reply answers (for that campaign's own opt-out answer)."""

from __future__ import annotations

from django.db.models import QuerySet

from messaging.campaigns.models import CampaignRecipient, RecipientState
from messaging.models import Message


def _answering(message: Message) -> QuerySet[CampaignRecipient] | None:
    """The campaign recipients whose message this inbound message may answer: fed from the
    number it was written to, before it."""
    recipients = CampaignRecipient.objects.filter(
        sender_id=message.instance_id,
        state=RecipientState.QUEUED,
        queued_at__lte=message.created_at,
    )
    # By contact first: WhatsApp may write from its own id for an old number (``whatsapp_id``)
    # or from an ``@lid``, both the same contact.
    if message.contact_id is not None:
        return recipients.filter(contact_id=message.contact_id)
    if message.chat_id.isdigit():
        return recipients.filter(phone=message.chat_id)
    return None


def campaign_reply_note(*, message: Message) -> int:
    """Stamp ``replied_at`` on the campaign recipients this inbound message answers (the
    first reply counts). One indexed UPDATE per inbound message."""
    recipients = _answering(message)
    if recipients is None:
        return 0
    return recipients.filter(replied_at__isnull=True).update(replied_at=message.created_at)


def campaign_answered(*, message: Message) -> tuple[str, str] | None:
    """(opt-out answer, campaign name) of the campaign this inbound message replies to: the
    last campaign message to that chat from that number. None when that campaign offers no
    answer of its own (the partner's keywords hold either way)."""
    recipients = _answering(message)
    if recipients is None:
        return None
    last = (
        recipients.order_by("-queued_at", "-pk")
        .values_list("campaign__opt_out_answer", "campaign__name")
        .first()
    )
    return last if last and last[0] else None
