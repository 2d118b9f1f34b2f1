"""The daily cap on distinct new recipients (messaging.caps)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from messaging.dispatcher import instance_dispatch
from messaging.models import Direction, HoldReason, InstancePacer, Message
from messaging.services import message_enqueue
from messaging.states import MessageState

pytestmark = pytest.mark.django_db


def send_to(instance, chat):
    return message_enqueue(instance=instance, chat_id=chat, kind="text", fields={"message": "hi"})


def drain(instance, times=10):
    for _ in range(times):
        instance_dispatch(instance_id=instance.pk)


def test_new_recipients_over_the_cap_wait_for_tomorrow(connected, fake_zapi):
    InstancePacer.objects.filter(instance=connected).update(daily_new_recipients=2)
    messages = [send_to(connected, f"55119999900{i:02d}") for i in range(4)]
    drain(connected)
    states = [Message.objects.get(pk=m.pk) for m in messages]
    assert [m.state for m in states] == [MessageState.ACCEPTED] * 2 + [MessageState.QUEUED] * 2
    held = states[2]
    assert held.hold_reason == HoldReason.DAILY_CAP
    assert timezone.localtime(held.not_before).date() > timezone.localdate()
    assert len(fake_zapi.requests) == 2


def test_known_chats_still_get_messages_when_the_cap_is_reached(connected, fake_zapi):
    InstancePacer.objects.filter(instance=connected).update(daily_new_recipients=1)
    Message.objects.create(instance=connected, direction=Direction.INBOUND, chat_id="5511988880000")
    send_to(connected, "5511999990000")  # new: takes the only place
    send_to(connected, "5511999990001")  # new: over the cap
    send_to(connected, "5511988880000")  # wrote to us first: known
    send_to(connected, "5511999990000")  # reached today already: known
    drain(connected)
    sent = sorted(b["phone"] for b in fake_zapi.bodies())
    assert sent == ["5511988880000", "5511999990000", "5511999990000"]


@pytest.mark.parametrize("vendor_path", ["one statement", "portable"])
def test_a_chat_is_known_by_its_own_number_only(partner, vendor_path, monkeypatch):
    from django.db import connection

    from messaging.caps import chats_known
    from messaging.models import NewRecipient
    from tests.factories import InstanceFactory

    a, b = InstanceFactory(partner=partner), InstanceFactory(partner=partner)
    NewRecipient.objects.create(instance=a, chat_id="c-recorded", day=timezone.localdate())
    Message.objects.create(instance=a, direction=Direction.INBOUND, chat_id="c-wrote")
    outbound = {
        "c-accepted": MessageState.ACCEPTED,
        "c-read": MessageState.READ,
        "c-failed": MessageState.FAILED,
        "c-queued": MessageState.QUEUED,
    }
    for chat, state in outbound.items():
        Message.objects.create(instance=a, direction=Direction.OUTBOUND, chat_id=chat, state=state)
    if vendor_path == "portable":
        monkeypatch.setattr(connection, "vendor", "portable")
    chats = ["c-recorded", "c-wrote", "c-accepted", "c-read", "c-failed", "c-queued", "c-never"]
    asked = [(a.pk, chat) for chat in chats] + [(b.pk, chat) for chat in chats]
    assert chats_known(asked) == {
        (a.pk, "c-recorded"), (a.pk, "c-wrote"), (a.pk, "c-accepted"), (a.pk, "c-read")
    }  # fmt: skip
    assert chats_known([]) == set()
