"""Reconciling ``uncertain`` messages: the request was written, no answer came back (a read
timeout, a worker killed mid-call). Z-API may have it. We look before resending:

1. Z-API's queue (spec 001, "Queue > Fila", ``GET /queue``): the message waits there → ``accepted``
   with its ids.
2. The webhooks we stored: a ``DeliveryCallback`` (or a ``fromMe`` ``ReceivedCallback``)
   for that chat after we started sending, with ids no message of ours has → ``sent``.
3. Neither, long enough after the attempt that Z-API would have sent it or queued it: it
   never got there → ``queued`` again. The only duplicate left possible is a message Z-API
   sent whose webhook was lost as well; we accept that rather than lose messages.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

from instances.zapi import instance_client
from messaging.kick import dispatch_kick
from messaging.models import Message
from messaging.services import message_transition
from messaging.states import MessageState
from zapi.errors import ZapiError

logger = logging.getLogger(__name__)

# Z-API's clock and ours differ; a queued message "Created" a little before our attempt is
# still a candidate.
CLOCK_SLACK = timedelta(seconds=120)
QUEUE_PAGES = 10


def _ids_taken(instance_id: int, ids: set[str]) -> set[str]:
    found = Message.objects.filter(instance_id=instance_id, zaap_id__in=ids).values_list(
        "zaap_id", flat=True
    )
    found2 = Message.objects.filter(instance_id=instance_id, message_id__in=ids).values_list(
        "message_id", flat=True
    )
    return set(found) | set(found2)


def _in_zapi_queue(message: Message) -> tuple[str, str] | None:
    client = instance_client(message.instance)
    since_ms = int(((message.sending_at or message.created_at) - CLOCK_SLACK).timestamp() * 1000)
    for page in range(1, QUEUE_PAGES + 1):
        entries = client.queue(page=page, page_size=100).messages
        candidates = [
            e
            for e in entries
            if (e.Phone or "") == message.chat_id
            and (e.Created is None or e.Created >= since_ms)
            and (not message.text or not e.Message or e.Message == message.text)
        ]
        ids = {i for e in candidates for i in (e.ZaapId, e.MessageId) if i}
        taken = _ids_taken(message.instance_id, ids)
        for entry in candidates:
            if (entry.ZaapId or entry.id_) not in taken:
                return entry.ZaapId or entry.id_ or "", entry.MessageId or ""
        if len(entries) < 100:
            return None
    return None


def _in_webhooks(message: Message) -> tuple[str, str] | None:
    try:
        event_model: Any = apps.get_model("webhooks", "WebhookEvent")
    except LookupError:
        return None
    since = (message.sending_at or message.created_at) - timedelta(seconds=5)
    events = event_model.objects.filter(
        instance_id=message.instance_id,
        event_type__in=("DeliveryCallback", "ReceivedCallback"),
        received_at__gte=since,
        payload__phone=message.chat_id,
    ).order_by("received_at", "pk")
    for event in events[:200]:
        payload = event.payload
        if event.event_type == "ReceivedCallback" and not payload.get("fromMe"):
            continue
        if payload.get("error"):
            continue
        zaap_id = str(payload.get("zaapId") or "")
        message_id = str(payload.get("messageId") or "")
        if not (zaap_id or message_id):
            continue
        if _ids_taken(message.instance_id, {i for i in (zaap_id, message_id) if i}):
            continue
        return zaap_id, message_id
    return None


def message_reconcile(*, message_id: int) -> str:
    """Settle one uncertain message; returns what was decided (for logs and tests)."""
    message = Message.objects.select_related("instance").filter(pk=message_id).first()
    if message is None or message.state != MessageState.UNCERTAIN:
        return "settled"
    try:
        queued = _in_zapi_queue(message)
    except ZapiError as exc:
        logger.info("reconcile of message %s postponed: %s", message_id, exc)
        return "later"
    if queued is not None:
        zaap_id, wa_id = queued
        message_transition(
            pk=message_id, to=MessageState.ACCEPTED, zaap_id=zaap_id, message_id=wa_id
        )
        return "accepted"
    delivered = _in_webhooks(message)
    if delivered is not None:
        zaap_id, wa_id = delivered
        message_transition(pk=message_id, to=MessageState.SENT, zaap_id=zaap_id, message_id=wa_id)
        return "sent"
    moved = message_transition(
        pk=message_id,
        to=MessageState.QUEUED,
        not_before=None,
        error=f"Not found at Z-API on {timezone.now():%Y-%m-%d %H:%M:%S}: sent again.",
    )
    if moved:
        dispatch_kick(instance_id=message.instance_id)
    return "requeued"
