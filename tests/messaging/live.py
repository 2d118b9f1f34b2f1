"""Helpers for the integration tests: a sandbox number wired to one of our instances, with its
webhooks pointed back at our receiver on the live server."""

from __future__ import annotations

import itertools
from datetime import timedelta

from instances.models import ConnectionState, Instance
from messaging.models import InstancePacer, Message
from messaging.pacer import pacer_get
from messaging.services import message_enqueue
from messaging.states import MessageState
from sandbox.models import SandboxMessage
from sandbox.services import (
    every_kind,
    instance_tune,
    instance_webhooks_update,
    sandbox_instance_create,
)
from tests.factories import InstanceFactory

# The sandbox's own queue sends at once and reports quickly: the pace under test is ours.
FAST_SANDBOX = {
    "gap_min": 0.0,
    "gap_max": 0.0,
    "sent_after": 0.2,
    "received_after": 0.2,
    "read_after": 0.5,
    "received_share": 1.0,
    "read_share": 1.0,  # every message is read: the browser test waits for blue ticks
}


def sandbox_number(
    partner, *, name: str, min_gap: float, max_gap: float, cap: int = 1000
) -> Instance:
    box = sandbox_instance_create(name=name, connected=True, timings=FAST_SANDBOX)
    instance = InstanceFactory(
        partner=partner,
        name=name,
        zapi_id=box.zapi_id,
        token=box.token,
        connection_state=ConnectionState.CONNECTED,
        smartphone_connected=True,
    )
    instance_webhooks_update(instance=box, urls=every_kind(instance.webhook_url))
    pacer_get(instance_id=instance.pk)
    InstancePacer.objects.filter(instance=instance).update(
        min_gap_seconds=min_gap, max_gap_seconds=max_gap, daily_new_recipients=cap
    )
    return instance


def sandbox_faults(instance: Instance, **faults: float) -> None:
    from sandbox.models import SandboxInstance

    instance_tune(instance=SandboxInstance.objects.get(zapi_id=instance.zapi_id), faults=faults)


def enqueue_texts(instance: Instance, texts: list[str], chat: str = "5511999990001") -> None:
    for text in texts:
        message_enqueue(instance=instance, chat_id=chat, kind="text", fields={"message": text})


def received_at_sandbox(instance: Instance) -> list[SandboxMessage]:
    return list(
        SandboxMessage.objects.filter(instance__zapi_id=instance.zapi_id).order_by("created_at")
    )


def smallest_gap(instance: Instance) -> timedelta | None:
    times = [m.created_at for m in received_at_sandbox(instance)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return min(gaps) if gaps else None


def count_in(instance: Instance, *states: MessageState) -> int:
    return Message.objects.filter(instance=instance, state__in=states).count()


DONE = (
    MessageState.ACCEPTED,
    MessageState.SENT,
    MessageState.RECEIVED,
    MessageState.READ,
    MessageState.PLAYED,
)
