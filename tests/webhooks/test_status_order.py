"""Statuses in any order, any number of times, always leave a message at the highest one
(SENT < RECEIVED < READ < PLAYED, spec 001, "Webhooks > Message status"): hypothesis draws the
sequences."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging.models import Message
from messaging.states import MessageState
from tests.webhooks.factories import OutboundMessageFactory
from webhooks.models import EventState
from webhooks.services import webhook_event_process, webhook_event_receive

pytestmark = pytest.mark.django_db

ORDER = ["SENT", "RECEIVED", "READ", "PLAYED"]
_ids = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    statuses=st.lists(st.sampled_from([*ORDER, "READ_BY_ME"]), min_size=1, max_size=12),
    with_delivery=st.booleans(),
)
def test_any_order_and_repeats_end_at_the_highest_status(instance, statuses, with_delivery):
    message = OutboundMessageFactory(instance=instance, message_id=f"H{next(_ids)}")
    events = [
        {"type": "MessageStatusCallback", "status": s, "ids": [message.message_id],
         "momment": 1_700_000_000_000 + i}
        for i, s in enumerate(statuses)
    ]  # fmt: skip
    if with_delivery:
        events.insert(len(events) // 2, {"type": "DeliveryCallback", "zaapId": message.zaap_id})
    for data in events:
        event, created = webhook_event_receive(instance_id=instance.pk, data=data)
        if created:
            assert webhook_event_process(event_id=event.pk) == EventState.PROCESSED
    message = Message.objects.get(pk=message.pk)
    reached = [s for s in statuses if s in ORDER]
    if reached:
        expected = MessageState(max(reached, key=ORDER.index).lower())
    else:
        expected = MessageState.SENT if with_delivery else MessageState.ACCEPTED
    assert message.state == expected
    assert message.read_at is None or expected in (MessageState.READ, MessageState.PLAYED)
