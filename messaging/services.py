"""Writes on messages and contacts. Every state change goes through ``message_transition``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hooks.emitters import message_status_emit, status_hooks_wanted
from instances.models import Instance
from messaging.compose import send_request_build
from messaging.consent import recipient_refusal
from messaging.kick import dispatch_kick
from messaging.models import Contact, Direction, InstancePacer, Message
from messaging.pacer import pacer_get
from messaging.phones import chat_id_clean
from messaging.states import STATE_TIME_FIELD, MessageState, sources_of


def message_transition(
    *,
    pk: int,
    to: MessageState,
    at: datetime | None = None,
    **fields: Any,
) -> bool:
    """Move one message to ``to`` if the state machine allows it from where it is now.

    A conditional UPDATE (``WHERE state IN sources``): safe against concurrent workers and
    webhooks without a lock, and a late or repeated event simply matches no row. Returns
    whether the message moved. ``fields`` are written in the same UPDATE (Z-API's ids among
    them: ``zaap_id``, ``message_id``).
    """
    at = at or timezone.now()
    updated = Message.objects.filter(pk=pk, state__in=sources_of(to)).update(
        state=to, **{STATE_TIME_FIELD[MessageState(to)]: at}, **fields
    )
    if updated == 1:
        message_status_emit(message_ids=[pk])  # partners' own webhooks (hooks app)
    return updated == 1


def messages_advance(
    *,
    instance_id: int,
    message_ids: Iterable[str],
    to: MessageState,
    at: datetime | None = None,
) -> int:
    """Move the outbound messages with these Z-API ``messageId``s (or ``zaapId``s) forward
    to ``to`` (a ``MessageStatusCallback``'s ``ids``). Returns how many moved."""
    at = at or timezone.now()
    ids = list(message_ids)
    matching = Message.objects.filter(
        Q(message_id__in=ids) | Q(zaap_id__in=ids),
        instance_id=instance_id,
        state__in=sources_of(to),
    )
    if status_hooks_wanted():
        # Someone's webhook wants each move: move them one by one to know which moved.
        pks = list(matching.values_list("pk", flat=True))
        return sum(message_transition(pk=pk, to=to, at=at) for pk in pks)
    return matching.update(state=to, **{STATE_TIME_FIELD[MessageState(to)]: at})


# -- outbound ------------------------------------------------------------------------------


def message_enqueue(
    *,
    instance: Instance,
    chat_id: str,
    kind: str,
    fields: dict[str, Any],
    delay_typing: int | None = None,
    delay_message: int | None = None,
    not_before: datetime | None = None,
) -> Message:
    """Write one outbound message, ``queued``; the dispatcher sends it through the pacer
    after the transaction commits. ``fields`` are the composer's (see ``messaging.compose``).
    Refuses an invalid number, a contact who opted out on any number of the partner (spec
    001 "Introduction > 2. Message Content and Sensitive Keywords": always honour "stop") and an
    erased one, with the reason (``messaging.consent.recipients_refusals``)."""
    chat_id = chat_id_clean(chat_id)
    refusal = recipient_refusal(partner_id=instance.partner_id, value=chat_id)
    if refusal is not None:
        raise ValidationError(refusal.reason, code=refusal.code)
    contact = None
    if chat_id.isdigit():
        contact, _created = Contact.objects.get_or_create(
            partner_id=instance.partner_id, phone=chat_id
        )
        # WhatsApp's own id for the number, learnt from phone-exists-batch (outputPhone).
        chat_id = contact.chat_id
    request = send_request_build(
        kind=kind,
        chat_id=chat_id,
        fields=fields,
        delay_typing=delay_typing,
        delay_message=delay_message,
    )
    now = timezone.now()
    message = Message.objects.create(
        instance=instance,
        direction=Direction.OUTBOUND,
        kind=kind,
        chat_id=chat_id,
        contact=contact,
        payload=request.body,
        text=request.text,
        from_me=True,
        endpoint=request.endpoint,
        endpoint_path=request.path,
        state=MessageState.QUEUED,
        created_at=now,
        queued_at=now,
        not_before=not_before,
    )
    instance_id = instance.pk
    pacer_get(instance_id=instance_id)
    transaction.on_commit(lambda: dispatch_kick(instance_id=instance_id))
    return message


def message_cancel(*, message: Message) -> bool:
    """Cancel a message still waiting on our side (queued or uncertain)."""
    return message_transition(pk=message.pk, to=MessageState.CANCELLED)


def message_retry(*, message: Message) -> bool:
    """Put a failed (or, by a person's decision, an uncertain) message back in the queue."""
    if message.state not in (MessageState.FAILED, MessageState.UNCERTAIN):
        return False
    moved = message_transition(
        pk=message.pk,
        to=MessageState.QUEUED,
        attempts=0,
        error="",
        hold_reason="",
        not_before=None,
    )
    if moved:
        instance_id = message.instance_id
        transaction.on_commit(lambda: dispatch_kick(instance_id=instance_id))
    return moved


def pacer_configure(
    *,
    instance: Instance,
    min_gap_seconds: float,
    max_gap_seconds: float,
    daily_new_recipients: int,
    paused: bool,
    paired_since: date | None = None,
) -> InstancePacer:
    """Save a number's pace. ``paired_since`` moves the warm-up's day 0 (a number matured
    elsewhere before it came to us); None keeps it."""
    if not 0 <= min_gap_seconds <= max_gap_seconds:
        raise ValidationError(_("The minimum gap must be between 0 and the maximum gap."))
    pacer = pacer_get(instance_id=instance.pk)
    changes: dict[str, Any] = {}
    if paired_since is not None:
        if paired_since > timezone.localdate():
            raise ValidationError(_("The pairing date cannot be in the future."))
        changes["paired_at"] = timezone.make_aware(datetime.combine(paired_since, time.min))
    InstancePacer.objects.filter(pk=pacer.pk).update(
        min_gap_seconds=min_gap_seconds,
        max_gap_seconds=max_gap_seconds,
        daily_new_recipients=daily_new_recipients,
        paused=paused,
        **changes,
    )
    if not paused:
        transaction.on_commit(lambda: dispatch_kick(instance_id=instance.pk))
    pacer.refresh_from_db()
    return pacer
