"""Replies: an inbound message of a recipient, to its sender, after its campaign message."""

from __future__ import annotations

from messaging.campaigns.models import CampaignRecipient, RecipientState
from messaging.models import Message


def campaign_reply_note(*, message: Message) -> int:
    """Stamp ``replied_at`` on the campaign recipients this inbound message answers (the
    first reply counts). One indexed UPDATE per inbound message."""
    recipients = CampaignRecipient.objects.filter(
        sender_id=message.instance_id,
        state=RecipientState.QUEUED,
        replied_at__isnull=True,
        queued_at__lte=message.created_at,
    )
    # By contact first: WhatsApp may write from its own id for an old number (``whatsapp_id``)
    # or from an ``@lid``, both the same contact.
    if message.contact_id is not None:
        recipients = recipients.filter(contact_id=message.contact_id)
    elif message.chat_id.isdigit():
        recipients = recipients.filter(phone=message.chat_id)
    else:
        return 0
    return recipients.update(replied_at=message.created_at)
