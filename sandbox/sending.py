"""The queue (spec 001, "Queue"): every send is queued and sent one at a time with a
gap (``delayMessage`` or a random 1-3 s, plus ``delayTyping``); then DeliveryCallback and
MessageStatusCallback SENT -> RECEIVED -> READ (-> PLAYED for audio and ptv).

One chain of Celery "ticks" per instance drives the queue: ``queue_kick`` starts one with
a conditional UPDATE (so concurrent sends start one chain, not many), each tick sends the
head message when it is due and schedules the next tick.
"""

from __future__ import annotations

import base64
import random
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sandbox.models import SandboxInstance, SandboxMessage
from sandbox.tasks import message_status_task, queue_tick_task
from sandbox.webhooks import (
    delivery_payload,
    new_message_id,
    received_payload,
    status_payload,
    webhook_emit,
)

# A tick scheduled longer ago than this without running is presumed lost (killed worker).
STALE_TICK = timedelta(seconds=30)
STATUS_ORDER = ("SENT", "RECEIVED", "READ", "PLAYED")
PLAYABLE = frozenset({"send_audio", "send_ptv"})
CURSOR_PAGE_SIZE = 20


class QueueFullError(Exception):
    """Spec 001, "Queue > Recomendação": at most 1000 queued messages while the phone is
    disconnected."""


def _phone_of(endpoint: str, body: dict[str, Any], instance: SandboxInstance) -> str:
    # Stories (send-*-status) have no recipient: they go to the status broadcast.
    return str(body.get("phone") or ("status@broadcast" if "status" in endpoint else ""))


@transaction.atomic
def message_enqueue(
    *, instance: SandboxInstance, endpoint: str, body: dict[str, Any]
) -> SandboxMessage:
    # Locked, and fresh what decides the queue's limit (not the whole row again: a send is
    # the sandbox's hottest path).
    instance.state, instance.smartphone_connected, instance.timings = (
        SandboxInstance.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("state", "smartphone_connected", "timings")
        .get()
    )
    if not instance.can_send:
        limit = int(instance.timing("queue_limit"))
        if instance.messages.filter(state=SandboxMessage.State.QUEUED).count() >= limit:
            raise QueueFullError(limit)
    zaap_id = secrets.token_hex(16).upper()
    message = SandboxMessage.objects.create(
        instance=instance,
        zaap_id=zaap_id,
        message_id=new_message_id(),
        endpoint=endpoint,
        phone=_phone_of(endpoint, body, instance),
        payload=body,
        delay_message=body.get("delayMessage") or None,
        delay_typing=body.get("delayTyping") or 0,
    )
    queue_kick(instance=instance)
    return message


def queue_kick(*, instance: SandboxInstance) -> bool:
    """Start the instance's tick chain unless one is already scheduled (after commit)."""
    if not instance.can_send:
        return False
    now = timezone.now()
    started = (
        SandboxInstance.objects.filter(pk=instance.pk)
        .filter(Q(tick_at__isnull=True) | Q(tick_at__lt=now - STALE_TICK))
        .update(tick_at=now)
    )
    if started:
        _schedule_tick(instance.pk, 0.0)
    return bool(started)


def _schedule_tick(instance_id: int, countdown: float) -> None:
    transaction.on_commit(
        lambda: queue_tick_task.apply_async((instance_id,), countdown=max(countdown, 0.0))
    )


def _gap(instance: SandboxInstance, message: SandboxMessage) -> float:
    if message.delay_message:
        gap = float(message.delay_message)
    else:
        gap = random.uniform(instance.timing("gap_min"), instance.timing("gap_max"))
    return gap + float(message.delay_typing or 0)


@transaction.atomic
def queue_tick(*, instance_id: int) -> None:
    """Send the head of the queue if due; schedule the next tick; end the chain when the
    queue is empty or the instance cannot send."""
    instance = SandboxInstance.objects.select_for_update().filter(pk=instance_id).first()
    if instance is None:
        return
    head = instance.messages.filter(state=SandboxMessage.State.QUEUED).order_by("pk").first()
    now = timezone.now()
    if head is None or not instance.can_send:
        instance.tick_at = None
        instance.save(update_fields=["tick_at"])
        return
    if instance.next_send_at is None:
        # The head becomes due one gap after it reached the head (or the queue woke up).
        instance.next_send_at = now + timedelta(seconds=_gap(instance, head))
    if instance.next_send_at > now:
        wait = (instance.next_send_at - now).total_seconds()
        instance.tick_at = instance.next_send_at
        instance.save(update_fields=["next_send_at", "tick_at"])
        _schedule_tick(instance.pk, wait)
        return
    _send(instance, head)
    following = instance.messages.filter(state=SandboxMessage.State.QUEUED).order_by("pk").first()
    if following is None:
        instance.next_send_at = None
        instance.tick_at = None
    else:
        instance.next_send_at = now + timedelta(seconds=_gap(instance, following))
        instance.tick_at = instance.next_send_at
        _schedule_tick(instance.pk, (instance.next_send_at - now).total_seconds())
    instance.save(update_fields=["next_send_at", "tick_at"])


def _send(instance: SandboxInstance, message: SandboxMessage) -> None:
    from sandbox.services import chat_touch

    message.state = SandboxMessage.State.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["state", "sent_at"])
    if message.phone and message.phone != "status@broadcast":
        chat_touch(instance=instance, phone=message.phone)
    webhook_emit(
        instance,
        delivery_payload(
            instance, phone=message.phone, zaap_id=message.zaap_id, message_id=message.message_id
        ),
    )
    if instance.settings.get("notifySentByMe"):
        content = {"text": {"message": message.text}} if message.text else {}
        webhook_emit(
            instance,
            received_payload(
                instance,
                phone=message.phone,
                content=content,
                message_id=message.message_id,
                from_me=True,
                from_api=True,
            ),
        )
    _plan_statuses(instance, message)


def _plan_statuses(instance: SandboxInstance, message: SandboxMessage) -> None:
    """Decide which statuses this message will reach, then report them: in order, each
    after its delay, or in reverse order under the out-of-order fault."""
    plan = ["SENT"]
    roll = random.random
    if roll() < instance.timing("received_share"):
        plan.append("RECEIVED")
        if roll() < instance.timing("read_share"):
            plan.append("READ")
            if message.endpoint in PLAYABLE and roll() < instance.timing("played_share"):
                plan.append("PLAYED")
    pk = message.pk
    if roll() < instance.fault("out_of_order"):
        # Reversed, and still one chain: each status is emitted after the previous one
        # committed, so the order is the fault's and not the workers' timing.
        plan.reverse()
    transaction.on_commit(
        lambda: message_status_task.apply_async(
            (pk, plan[0], plan[1:]), countdown=instance.timing("sent_after")
        )
    )


_AFTER = {"RECEIVED": "received_after", "READ": "read_after", "PLAYED": "played_after"}


@transaction.atomic
def message_status_report(*, message_id: int, status: str, then: list[str]) -> None:
    """Report ``status`` for a sent message, then schedule the next one of ``then``."""
    message = (
        SandboxMessage.objects.select_for_update()
        .select_related("instance")
        .filter(pk=message_id)
        .first()
    )
    if message is None or status in message.statuses:
        return
    message.statuses = [*message.statuses, status]
    message.save(update_fields=["statuses"])
    instance = message.instance
    webhook_emit(
        instance,
        status_payload(
            instance,
            status=status,
            ids=[message.message_id],
            phone=message.phone,
            is_group="-" in message.phone or message.phone.endswith("@g.us"),
        ),
    )
    if then:
        following, rest = then[0], then[1:]
        # Out of order, SENT comes last: it follows after the RECEIVED delay.
        countdown = instance.timing(_AFTER.get(following, "received_after"))
        transaction.on_commit(
            lambda: message_status_task.apply_async(
                (message_id, following, rest), countdown=countdown
            )
        )


# -- reading and editing the queue -------------------------------------------------------------
def queue_item(message: SandboxMessage) -> dict[str, Any]:
    """One queued message, with the spec's capitalised fields ("Queue > Fila")."""
    instance = message.instance
    return {
        "_id": message.zaap_id,
        "DelayMessage": message.delay_message if message.delay_message else -1,
        "Message": message.text,
        "IsTrial": instance.payment_status == "TRIAL",
        "InstanceId": instance.zapi_id,
        "Phone": message.phone,
        "ZaapId": message.zaap_id,
        "DelayTyping": message.delay_typing,
        "MessageId": message.message_id,
        "Created": int(message.created_at.timestamp() * 1000),
    }


def queued(instance: SandboxInstance) -> QuerySet[SandboxMessage]:
    return (
        instance.messages.filter(state=SandboxMessage.State.QUEUED)
        .select_related("instance")
        .order_by("pk")
    )


def queue_page(*, instance: SandboxInstance, page: int, page_size: int) -> list[dict[str, Any]]:
    start = (max(page, 1) - 1) * page_size
    return [queue_item(m) for m in queued(instance)[start : start + page_size]]


def queue_cursor_page(
    *, instance: SandboxInstance, paging_state: str | None, page_size: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Cursor paging: ``pagingState`` is opaque to clients (the last id seen, encoded)."""
    rows = queued(instance)
    if paging_state:
        rows = rows.filter(pk__gt=decode_cursor(paging_state))
    batch = list(rows[: page_size + 1])
    more = len(batch) > page_size
    batch = batch[:page_size]
    cursor = encode_cursor(batch[-1].pk) if more and batch else None
    return [queue_item(m) for m in batch], cursor


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"q:{pk}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int:
    """The id in a cursor; ``ValueError`` when it is not one of ours."""
    padded = value + "=" * (-len(value) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid pagingState") from exc
    prefix, _, number = text.partition(":")
    if prefix != "q" or not number.isdigit():
        raise ValueError("invalid pagingState")
    return int(number)


@transaction.atomic
def queue_delete(*, instance: SandboxInstance, zaap_id: str | None = None) -> int:
    rows = instance.messages.filter(state=SandboxMessage.State.QUEUED)
    if zaap_id is not None:
        rows = rows.filter(zaap_id=zaap_id)
    deleted, _ = rows.delete()
    return deleted


def queue_sweep() -> int:
    """Restart tick chains lost with a killed worker; how many were restarted."""
    ids = (
        SandboxMessage.objects.filter(state=SandboxMessage.State.QUEUED)
        .values_list("instance_id", flat=True)
        .distinct()
    )
    return sum(queue_kick(instance=i) for i in SandboxInstance.objects.filter(pk__in=list(ids)))
