"""Inbound messages and contacts, written from ``ReceivedCallback`` webhooks (spec 001
"Webhooks > Upon receiving") and ``READ_BY_ME`` statuses ("Webhooks > Message status").

Every write here is idempotent: a replayed or repeated event finds its row (by the unique
``(instance, message_id)`` and the contact's unique phone / LID) and changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hooks.emitters import message_received_emit
from messaging.campaigns.replies import campaign_answered, campaign_reply_note
from messaging.consent import inbound_consent
from messaging.models import Contact, Direction, Message, MessageKind
from messaging.phones import RecipientKind, recipient_normalize
from messaging.states import MessageState
from zapi.events import ReceivedCallback

# ``ReceivedCallback.kind`` (a content key, spec 001, "Webhooks > Upon receiving") → our message
# kind.
KIND_BY_CONTENT: dict[str, MessageKind] = {
    "text": MessageKind.TEXT,
    "image": MessageKind.IMAGE,
    "audio": MessageKind.AUDIO,
    "video": MessageKind.VIDEO,
    "document": MessageKind.DOCUMENT,
    "location": MessageKind.LOCATION,
    "contact": MessageKind.CONTACT,
    "contacts": MessageKind.CONTACT,
    "sticker": MessageKind.STICKER,
    "reaction": MessageKind.REACTION,
    "buttonsResponseMessage": MessageKind.BUTTON_REPLY,
    "listResponseMessage": MessageKind.LIST_REPLY,
    "buttonsMessage": MessageKind.BUTTONS,
    "hydratedTemplate": MessageKind.BUTTONS,
    "carouselMessage": MessageKind.BUTTONS,
    "pixKeyMessage": MessageKind.BUTTONS,
    "poll": MessageKind.POLL,
    "pollVote": MessageKind.POLL_VOTE,
    "product": MessageKind.PRODUCT,
    "order": MessageKind.ORDER,
    "reviewAndPay": MessageKind.ORDER,
    "reviewOrder": MessageKind.ORDER,
    "requestPayment": MessageKind.ORDER,
    "sendPayment": MessageKind.ORDER,
    "newsletterAdminInvite": MessageKind.NOTIFICATION,
    "pinMessage": MessageKind.NOTIFICATION,
    "event": MessageKind.EVENT,
    "eventResponse": MessageKind.EVENT,
    "notification": MessageKind.NOTIFICATION,
    "unknown": MessageKind.OTHER,
}
# The first of these keys found in the content block is what a person reads.
_TEXT_KEYS = (
    "message", "caption", "value", "question", "displayName", "title", "name", "text",
    "orderTitle", "fileName", "address",
)  # fmt: skip
_MAX_ID = 100
# Kinds whose text may be an opt-out keyword ("SAIR" typed, or a button/list answer).
CONSENT_TEXT_KINDS = frozenset({MessageKind.TEXT, MessageKind.BUTTON_REPLY, MessageKind.LIST_REPLY})
# What a person writes to us (as opposed to a reaction, a vote, a call or a notification):
# writing one of these after opting out themselves opts them back in.
WRITTEN_KINDS = frozenset({
    MessageKind.TEXT, MessageKind.IMAGE, MessageKind.AUDIO, MessageKind.VIDEO,
    MessageKind.DOCUMENT, MessageKind.LOCATION, MessageKind.CONTACT, MessageKind.STICKER,
    MessageKind.BUTTON_REPLY, MessageKind.LIST_REPLY, MessageKind.GIF, MessageKind.PTV,
})  # fmt: skip


def message_kind(event: ReceivedCallback) -> MessageKind:
    if event.isEdit:
        return MessageKind.EDIT
    if event.is_revoke:
        return MessageKind.REVOKE
    if event.is_call:
        return MessageKind.CALL
    kind = KIND_BY_CONTENT.get(event.kind, MessageKind.OTHER)
    if kind == MessageKind.VIDEO and event.video is not None:
        extra = event.video.model_extra or {}
        if extra.get("isGif") or extra.get("gifPlayback"):
            return MessageKind.GIF
        if extra.get("ptv") or extra.get("isPtv"):
            return MessageKind.PTV
    return kind


def message_text(event: ReceivedCallback, data: Mapping[str, Any]) -> str:
    """What a person reads: the text, a caption, a reaction, a poll's question..."""
    if event.notification:
        params = ", ".join(str(p) for p in event.notificationParameters or [] if p is not None)
        extra = event.profileName or params
        return f"{event.notification}: {extra}" if extra else event.notification
    block = data.get(event.kind)
    if isinstance(block, list):  # ``contacts``
        return ", ".join(str(c.get("displayName", "")) for c in block if isinstance(c, dict))
    if isinstance(block, dict):
        for key in _TEXT_KEYS:
            value = block.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


def _row_message_id(event: ReceivedCallback, fallback_id: str) -> str:
    # An edit repeats the id of the message it edits (spec 001, "Webhooks > Upon receiving"); it is
    # a row of its own, so it gets an id of its own (stable, so a replay finds it again).
    if event.messageId and event.isEdit:
        return f"{event.messageId}#edit:{event.momment or ''}"[:_MAX_ID]
    return (event.messageId or fallback_id)[:_MAX_ID]


def inbound_message_record(
    *,
    instance_id: int,
    partner_id: int,
    event: ReceivedCallback,
    data: Mapping[str, Any],
    at: datetime,
    fallback_id: str,
) -> tuple[Message, bool]:
    """The message a ``ReceivedCallback`` reports, created once; returns (row, created).

    ``fromMe`` copies (notify-sent-by-me) of messages the phone sent are outbound rows in
    state sent; a copy of a message our API sent finds that message's row and adds nothing.
    ``fallback_id`` names the row when the payload has no ``messageId``.
    """
    message_id = _row_message_id(event, fallback_id)
    existing = Message.objects.filter(instance_id=instance_id, message_id=message_id).first()
    if existing is not None:
        return existing, False
    contact = contact_from_event(partner_id=partner_id, event=event)
    outbound = event.fromMe
    state = MessageState.SENT if outbound else MessageState.RECEIVED
    fields: dict[str, Any] = {
        "instance_id": instance_id,
        "direction": Direction.OUTBOUND if outbound else Direction.INBOUND,
        "kind": message_kind(event),
        "chat_id": (event.phone or "")[:100],
        "contact": contact,
        "payload": dict(data),
        "text": message_text(event, data),
        "from_me": outbound,
        "state": state,
        "message_id": message_id,
        "created_at": at,
        ("sent_at" if outbound else "received_at"): at,
    }
    try:
        with transaction.atomic():
            message = Message.objects.create(**fields)
    except IntegrityError:
        # The same message recorded concurrently (its fromMe copy racing our dispatcher).
        return Message.objects.get(instance_id=instance_id, message_id=message_id), False
    if not outbound:
        message_received_emit(partner_id=partner_id, message=message)  # partners' webhooks
        campaign_reply_note(message=message)
    return message, True


def inbound_message_consent(*, message: Message, event: ReceivedCallback) -> str:
    """What a newly recorded inbound message does to its contact's consent (an opt-out
    keyword, or writing again after opting out): see ``messaging.consent.inbound_consent``.
    Only direct chats count: a word in a group is not said to us."""
    contact = message.contact
    if contact is None or message.from_me or event.isGroup or event.notification:
        return ""
    return inbound_consent(
        contact=contact,
        text=message.text if message.kind in CONSENT_TEXT_KINDS else "",
        instance_id=message.instance_id,
        at=message.created_at,
        written=message.kind in WRITTEN_KINDS,
        campaign_answer=lambda: campaign_answered(message=message),
    )


def messages_mark_read_by_me(*, instance_id: int, message_ids: Iterable[str], at: datetime) -> int:
    """``READ_BY_ME``: we (the connected phone) read these inbound messages. This is not a
    step of the outbound delivery chain, so it only stamps ``read_at`` once."""
    return Message.objects.filter(
        instance_id=instance_id,
        direction=Direction.INBOUND,
        message_id__in=list(message_ids),
        read_at__isnull=True,
    ).update(read_at=at)


def _split_id(value: str | None) -> tuple[str, str]:
    """(phone digits, lid) from a webhook ``phone``-like value."""
    if not value:
        return "", ""
    if value.endswith("@lid"):
        return "", value[:64]
    if "@" in value or value.endswith("-group"):
        return "", ""
    return "".join(ch for ch in value if ch.isdigit())[:20], ""


def _phone_ids(digits: str) -> tuple[str, str]:
    """(phone, whatsapp id) for a number a webhook gives: the phone as every other path
    normalises it (an old Brazilian id gets its ninth digit), and WhatsApp's own id when
    it differs. Digits the normaliser refuses are kept as WhatsApp gave them."""
    if not digits:
        return "", ""
    recipient = recipient_normalize(digits)
    if not recipient.ok or recipient.kind != RecipientKind.PHONE:
        return digits, ""
    return recipient.chat_id, "" if recipient.chat_id == digits else digits


def _photo(*urls: str | None) -> str:
    for url in urls:
        # The spec's examples say just "https://": not a photo.
        if url and url.startswith(("https://", "http://")) and len(url) > len("https://"):
            return url[:1000]
    return ""


def contact_from_event(*, partner_id: int, event: ReceivedCallback) -> Contact | None:
    """The person a ``ReceivedCallback`` is about: the group participant who wrote, or the
    other side of a direct chat (``fromMe``: the person we wrote to). Channels, broadcasts
    and our own number are no one's contact."""
    # A channel's examples may say isNewsletter false with an "@newsletter" phone ("Webhooks > Upon
    # receiving").
    if event.isNewsletter or event.broadcast or (event.phone or "").endswith("@newsletter"):
        return None
    if event.isGroup:
        phone, _ = _split_id(event.participantPhone)
        lid = event.participantLid or ""
        name, photo = event.senderName or "", _photo(event.senderPhoto)
    else:
        phone, lid = _split_id(event.phone)
        if event.fromMe:
            lid = lid or event.chatLid or ""
            name, photo = event.chatName or "", _photo(event.photo)
        else:
            lid = lid or event.senderLid or event.chatLid or ""
            name = event.senderName or event.chatName or ""
            photo = _photo(event.senderPhoto, event.photo)
    if phone and event.connectedPhone and phone == _split_id(event.connectedPhone)[0]:
        return None
    phone, whatsapp_id = _phone_ids(phone)
    return contact_upsert(
        partner_id=partner_id, phone=phone, lid=lid, name=name, photo_url=photo,
        whatsapp_id=whatsapp_id,
    )  # fmt: skip


def contact_upsert(
    *,
    partner_id: int,
    phone: str = "",
    lid: str = "",
    name: str = "",
    photo_url: str = "",
    whatsapp_id: str = "",
) -> Contact | None:
    """Find the contact by phone or LID (creating it once), then learn what is new: the
    other identifier, the latest name and photo. Safe when two events race on one person."""
    if not (phone or lid):
        return None
    lid = lid[:64]
    for _attempt in range(3):
        match = Q(phone=phone) if phone else Q()
        if lid:
            match |= Q(lid=lid)
        found = list(Contact.objects.filter(match, partner_id=partner_id).order_by("pk")[:2])
        if not found:
            try:
                with transaction.atomic():
                    return Contact.objects.create(
                        partner_id=partner_id, phone=phone, lid=lid, name=name[:200],
                        photo_url=photo_url, whatsapp_id=whatsapp_id,
                    )  # fmt: skip
            except IntegrityError:
                continue  # created by a concurrent event: read it again
        contact = next((c for c in found if phone and c.phone == phone), found[0])
        changes: dict[str, Any] = {}
        # Link phone and LID only when no other row holds the other one (never merge rows).
        if len(found) == 1:
            if phone and not contact.phone:
                changes["phone"] = phone
            if lid and not contact.lid:
                changes["lid"] = lid
        if name and name[:200] != contact.name:
            changes["name"] = name[:200]
        if photo_url and photo_url != contact.photo_url:
            changes["photo_url"] = photo_url
        if whatsapp_id and whatsapp_id != contact.whatsapp_id:
            changes["whatsapp_id"] = whatsapp_id
        if changes:
            try:
                with transaction.atomic():
                    Contact.objects.filter(pk=contact.pk).update(
                        **changes, updated_at=timezone.now()
                    )
            except IntegrityError:
                continue
            for field, value in changes.items():
                setattr(contact, field, value)
        return contact
    return None
