"""One processor per event model, chosen through ``PROCESSORS``.

A processor gets the stored event and its parsed payload and returns a short outcome for
support ("2 messages → read"). It runs inside the transaction that marks the event
processed (``webhooks.services.webhook_event_process``), so its writes and that mark commit
together or not at all. Every processor is idempotent: a replay changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from instances.models import Instance
from instances.services import instance_connection_apply
from messaging.inbound import (
    inbound_message_consent,
    inbound_message_record,
    messages_mark_read_by_me,
)
from messaging.models import Direction, Message
from messaging.phones import chat_id_valid
from messaging.services import message_transition, messages_advance
from messaging.states import MessageState
from webhooks.keys import momment_time
from webhooks.models import ChatPresence, WebhookEvent
from zapi.events import (
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    Event,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
)

Processor = Callable[[WebhookEvent, Any], str]

# MessageStatusCallback ``status`` → outbound state (spec 001, "Webhooks > Message status").
# READ_BY_ME is not a delivery step: see ``process_status``.
STATUS_STATES: dict[str, MessageState] = {
    "SENT": MessageState.SENT,
    "RECEIVED": MessageState.RECEIVED,
    "READ": MessageState.READ,
    "PLAYED": MessageState.PLAYED,
}
READ_BY_ME = "READ_BY_ME"


def _at(event: WebhookEvent, parsed: Event) -> datetime:
    return momment_time(getattr(parsed, "momment", None), default=event.received_at)


def process_delivery(event: WebhookEvent, parsed: DeliveryCallback) -> str:
    """The message left Z-API's queue for WhatsApp (spec 001, "Webhooks > When sending"): sent, or
    failed when the callback carries an ``error`` (undocumented but sent by Z-API on failures)."""
    ids = [i for i in (parsed.zaapId, parsed.messageId) if i]
    if not ids:
        return "no zaapId or messageId"
    error = (parsed.model_extra or {}).get("error")
    # The dispatcher stored both ids when Z-API accepted the send; either finds the row.
    pks = list(
        Message.objects.filter(
            Q(zaap_id__in=ids) | Q(message_id__in=ids),
            instance_id=event.instance_id,
            direction=Direction.OUTBOUND,
        ).values_list("pk", flat=True)
    )
    if not pks:
        return "no outbound message with that id"
    to = MessageState.FAILED if error else MessageState.SENT
    fields: dict[str, Any] = {"error": str(error)} if error else {}
    moved = sum(message_transition(pk=pk, to=to, at=event.received_at, **fields) for pk in pks)
    return f"{moved} of {len(pks)} message(s) → {to.label}"


def process_status(event: WebhookEvent, parsed: MessageStatusCallback) -> str:
    """Each id moves forward only (spec 001, "Webhooks > Message status"); a late or repeated status
    matches no row in the conditional UPDATE and changes nothing."""
    status = (parsed.status or "").upper()
    at = _at(event, parsed)
    if status == READ_BY_ME:
        marked = messages_mark_read_by_me(
            instance_id=event.instance_id, message_ids=parsed.ids, at=at
        )
        return f"{marked} inbound message(s) read by us"
    to = STATUS_STATES.get(status)
    if to is None:
        return f"unknown status {status!r}"
    moved = messages_advance(instance_id=event.instance_id, message_ids=parsed.ids, to=to, at=at)
    return f"{moved} of {len(parsed.ids)} message(s) → {to.label}"


def process_received(event: WebhookEvent, parsed: ReceivedCallback) -> str:
    if not chat_id_valid(parsed.phone or ""):
        return "not recorded: no valid phone or chat id"
    message, created = inbound_message_record(
        instance_id=event.instance_id,
        # Not ``event.instance``: loading it would decrypt secrets processing never needs.
        partner_id=Instance.objects.values_list("partner_id", flat=True).get(pk=event.instance_id),
        event=parsed,
        data=event.payload,
        at=_at(event, parsed),
        fallback_id=f"webhook:{event.pk}",
    )
    verb = "recorded" if created else "already known"
    # Once: a replayed or repeated event changes no one's consent twice.
    consent = inbound_message_consent(message=message, event=parsed) if created else ""
    return f"message {message.pk} ({message.get_kind_display()}) {verb}" + (
        f"; contact {consent}" if consent else ""
    )


def process_connected(event: WebhookEvent, parsed: ConnectedCallback) -> str:
    connected = parsed.connected is not False
    applied = instance_connection_apply(
        instance_id=event.instance_id,
        connected=connected,
        at=_at(event, parsed),
        source="webhook",
        phone=(parsed.phone or "") if connected else "",
    )
    return f"{'connected' if connected else 'disconnected'}{'' if applied else ' (older news)'}"


def process_disconnected(event: WebhookEvent, parsed: DisconnectedCallback) -> str:
    applied = instance_connection_apply(
        instance_id=event.instance_id,
        connected=False,
        at=_at(event, parsed),
        source="webhook",
        error=parsed.error or "",
    )
    return f"disconnected{'' if applied else ' (older news)'}"


def process_presence(event: WebhookEvent, parsed: PresenceChatCallback) -> str:
    """Keep the latest presence per chat: an upsert where the newer observation wins."""
    chat_id = (parsed.phone or "")[:100]
    if not chat_id:
        return "no phone"
    values = {
        "status": (parsed.status or "")[:20],
        "last_seen": momment_time(parsed.lastSeen, default=event.received_at)
        if parsed.lastSeen
        else None,
        "at": event.received_at,
    }
    current = ChatPresence.objects.filter(instance_id=event.instance_id, chat_id=chat_id)
    for _attempt in range(2):
        if current.filter(at__lte=event.received_at).update(**values):
            return f"{chat_id}: {values['status']}"
        if current.exists():
            return "older than the presence we have"
        try:
            with transaction.atomic():
                ChatPresence.objects.create(
                    instance_id=event.instance_id, chat_id=chat_id, **values
                )
            return f"{chat_id}: {values['status']}"
        except IntegrityError:
            continue  # created by a concurrent event: compare again
    return "older than the presence we have"


# Keyed by the event model ``zapi.events.parse_event`` returns; a test checks that every
# model of ``zapi.events.WEBHOOK_KINDS`` has one.
PROCESSORS: dict[type[Event], Processor] = {
    DeliveryCallback: process_delivery,
    MessageStatusCallback: process_status,
    ReceivedCallback: process_received,
    ConnectedCallback: process_connected,
    DisconnectedCallback: process_disconnected,
    PresenceChatCallback: process_presence,
}
