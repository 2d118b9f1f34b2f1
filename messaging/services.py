"""Writes on messages and contacts. Every state change goes through ``message_transition``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from messaging.models import Message
from messaging.states import STATE_TIME_FIELD, MessageState, sources_of


def message_transition(
    *,
    message_id: int,
    to: MessageState,
    at: datetime | None = None,
    **fields: Any,
) -> bool:
    """Move one message to ``to`` if the state machine allows it from where it is now.

    A conditional UPDATE (``WHERE state IN sources``): safe against concurrent workers and
    webhooks without a lock, and a late or repeated event simply matches no row. Returns
    whether the message moved. ``fields`` are written in the same UPDATE.
    """
    at = at or timezone.now()
    updated = Message.objects.filter(pk=message_id, state__in=sources_of(to)).update(
        state=to, **{STATE_TIME_FIELD[MessageState(to)]: at}, **fields
    )
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
    return Message.objects.filter(
        Q(message_id__in=ids) | Q(zaap_id__in=ids),
        instance_id=instance_id,
        state__in=sources_of(to),
    ).update(state=to, **{STATE_TIME_FIELD[MessageState(to)]: at})
