"""The dispatcher: sends the due messages of one number, one at a time, through the pacer.

``instance_dispatch`` is what the Celery task runs. Under the instance's pacer lease it picks
the oldest due message, commits it as ``sending`` (so a crash leaves a trace, never a silent
loss), calls ``send-*`` once, stores the answer, frees the slot with a random gap and
schedules itself for the next slot. Errors are sorted by what they prove (zapi.errors):

* accepted → ``accepted`` with ``zaapId``/``messageId`` (spec 001 l.1755);
* never sent (connect failed) and 429 → back to ``queued``, tried again later;
* 5xx → back to ``queued`` with backoff, ``failed`` after MESSAGING_MAX_SERVER_ERRORS;
* read timeout after the write ("maybe delivered") → ``uncertain``, reconciled later
  against Z-API's queue and the webhooks (messaging.reconcile), never resent blindly;
* "not connected" → back to ``queued``; the instance waits for its connection;
* any other 4xx → ``failed`` with Z-API's answer.
"""

from __future__ import annotations

import enum
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from instances.models import ConnectionState, Instance
from instances.zapi import instance_client
from messaging.caps import recipient_admit
from messaging.kick import dispatch_kick
from messaging.models import Direction, HoldReason, InstancePacer, Message
from messaging.pacer import pacer_get, slot_claim, slot_release
from messaging.services import message_transition
from messaging.states import MessageState
from zapi.errors import (
    MaybeDeliveredError,
    NeverSentError,
    NotConnectedError,
    RateLimitedError,
    ServerError,
    ZapiError,
)
from zapi.models import SendResult

logger = logging.getLogger(__name__)

# Wakes further away than this are left to the beat sweeper: long ETAs sit in worker memory
# and, on Redis, come back after the visibility timeout.
WAKE_HORIZON = timedelta(seconds=60)
NOT_CONNECTED_WAIT = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=5)


class DispatchResult(enum.StrEnum):
    SENT = "sent"  # a request went to Z-API (whatever it answered)
    IDLE = "idle"  # nothing due
    BUSY = "busy"  # another worker holds the slot; it will chain
    PACED = "paced"  # the gap since the last send has not passed; a wake is scheduled
    PAUSED = "paused"  # disconnected, phone offline or paused by an operator


def instance_ready(instance: Instance, pacer: InstancePacer) -> bool:
    """May this number send now? A disconnected number or an offline phone would only fill
    Z-API's queue (at most 1000, spec 001 l.9358) to be sent in a burst on reconnect."""
    return (
        not pacer.paused
        and instance.connection_state == ConnectionState.CONNECTED
        and instance.smartphone_connected is not False
    )


def _due(instance_id: int) -> Any:
    now = timezone.now()
    return Message.objects.filter(
        instance_id=instance_id, direction=Direction.OUTBOUND, state=MessageState.QUEUED
    ).filter(Q(not_before__isnull=True) | Q(not_before__lte=now))


def next_due_at(*, instance_id: int) -> datetime | None:
    """When the instance's next queued message may go (ignoring the pacer); one query."""
    first = (
        Message.objects.filter(
            instance_id=instance_id, direction=Direction.OUTBOUND, state=MessageState.QUEUED
        )
        .order_by(F("not_before").asc(nulls_first=True))
        .values_list("not_before", flat=True)[:1]
    )
    if not first:
        return None
    return first[0] or timezone.now()


def _schedule_next(instance_id: int, slot: datetime | None = None) -> None:
    """Schedule the next dispatch at the later of the next slot and the next due message.
    ``slot`` is the next slot as this worker estimates it (the database holds the truth: a
    wake that comes too early finds the slot taken and schedules itself again)."""
    due = next_due_at(instance_id=instance_id)
    if due is None:
        return
    if slot is None:
        slot = InstancePacer.objects.values_list("next_slot_at", flat=True).get(
            instance_id=instance_id
        )
    at = max(due, slot, timezone.now())
    if at - timezone.now() <= WAKE_HORIZON:
        dispatch_kick(instance_id=instance_id, at=at)


def instance_dispatch(*, instance_id: int) -> DispatchResult:
    """Send at most one message of the instance, if its slot is free; then chain."""
    instance = Instance.objects.select_related("pacer").filter(pk=instance_id).first()
    if instance is None:
        return DispatchResult.IDLE
    pacer = getattr(instance, "pacer", None) or pacer_get(instance_id=instance_id)
    if not instance_ready(instance, pacer):
        return DispatchResult.PAUSED
    lease = slot_claim(instance_id=instance_id)
    if lease is None:
        pacer.refresh_from_db(fields=["lease_token"])
        if pacer.lease_token:
            return DispatchResult.BUSY
        _schedule_next(instance_id)
        return DispatchResult.PACED
    sent, not_before, message = False, None, None
    try:
        message = message_claim_next(instance=instance, pacer=pacer)
        if message is not None:
            sent = True
            not_before = message_send(message=message, instance=instance)
    finally:
        gap = slot_release(lease=lease, pacer=pacer, sent=sent, not_before=not_before)
    if message is None:
        return DispatchResult.IDLE
    _schedule_next(instance_id, slot=max(timezone.now() + gap, not_before or timezone.now()))
    return DispatchResult.SENT


def message_claim_next(*, instance: Instance, pacer: InstancePacer) -> Message | None:
    """The oldest due message, moved to ``sending`` and committed (autocommit) before any
    HTTP call. Messages to a new recipient over the daily cap wait for tomorrow."""
    while True:
        message = _due(instance.pk).order_by("created_at", "pk").first()
        if message is None:
            return None
        hold_until = recipient_admit(instance=instance, pacer=pacer, chat_id=message.chat_id)
        if hold_until is not None:
            Message.objects.filter(pk=message.pk, state=MessageState.QUEUED).update(
                not_before=hold_until, hold_reason=HoldReason.DAILY_CAP
            )
            continue
        if message_transition(
            pk=message.pk,
            to=MessageState.SENDING,
            attempts=F("attempts") + 1,
            hold_reason="",
        ):
            # Committed as "sending" (autocommit) before any HTTP call: a crash from here on
            # leaves a row the sweeper finds, never a silent loss.
            message.state, message.attempts = MessageState.SENDING, message.attempts + 1
            return message
        # Cancelled meanwhile: take the next one.


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _retry_later(message: Message, exc: ZapiError, wait: timedelta, reason: str) -> datetime:
    at = timezone.now() + wait
    message_transition(
        pk=message.pk,
        to=MessageState.QUEUED,
        not_before=at,
        hold_reason=reason,
        error=str(exc)[:2000],
    )
    return at


def message_send(*, message: Message, instance: Instance) -> datetime | None:
    """One ``send-*`` call for a message already committed as ``sending``. Returns a time
    before which the instance must not send again (a 429's Retry-After), if any."""
    # No retries inside the client: a send is not idempotent (see zapi.clients.sends).
    client = instance_client(instance, max_retries=0)
    try:
        body = client.call(
            message.endpoint, path=message.endpoint_path or None, json=message.payload
        )
        result = SendResult.model_validate(body or {})
    except MaybeDeliveredError as exc:
        logger.warning("message %s uncertain: %s", message.pk, exc)
        message_transition(pk=message.pk, to=MessageState.UNCERTAIN, error=str(exc)[:2000])
        return None
    except RateLimitedError as exc:
        wait = timedelta(seconds=exc.retry_after or 0) or _backoff(message.attempts)
        at = _retry_later(message, exc, wait, HoldReason.RETRY)
        return at
    except NeverSentError as exc:
        _retry_later(message, exc, _backoff(message.attempts), HoldReason.RETRY)
        return None
    except ServerError as exc:
        if message.attempts >= settings.MESSAGING_MAX_SERVER_ERRORS:
            _fail(message, exc)
        else:
            _retry_later(message, exc, _backoff(message.attempts), HoldReason.RETRY)
        return None
    except NotConnectedError as exc:
        _retry_later(message, exc, NOT_CONNECTED_WAIT, HoldReason.NOT_CONNECTED)
        return None
    except ZapiError as exc:
        _fail(message, exc)
        return None
    zaap_id = result.zaapId or ""
    message_id = result.messageId or result.id or ""
    if not message_transition(
        pk=message.pk,
        to=MessageState.ACCEPTED,
        zaap_id=zaap_id,
        message_id=message_id,
        error="",
    ):
        # The row moved on meanwhile (a stale-sending sweep made it uncertain and a webhook
        # advanced it): still keep the ids, they are Z-API's truth.
        Message.objects.filter(pk=message.pk, zaap_id="").update(
            zaap_id=zaap_id, message_id=message_id
        )
    return None


def _fail(message: Message, exc: ZapiError) -> None:
    """Failed for good, with what Z-API answered (already free of secrets)."""
    text = str(exc)
    if isinstance(exc.body, dict | list):
        text = f"{text}\n{json.dumps(exc.body, ensure_ascii=False)}"
    message_transition(pk=message.pk, to=MessageState.FAILED, error=text[:2000])
