"""Every (from, to) pair of message states, applied through ``message_transition``: the
moves the table allows happen, every other one changes nothing (a late or repeated webhook,
a race between workers)."""

from __future__ import annotations

import itertools

import pytest

from messaging.services import message_transition
from messaging.states import STATE_TIME_FIELD, MessageState
from tests.webhooks.factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db

S = MessageState
CHAIN = [S.ACCEPTED, S.SENT, S.RECEIVED, S.READ, S.PLAYED]
# Written out by hand, independently of messaging.states, so a change to the table is seen.
ALLOWED = {
    S.QUEUED: {S.SENDING, S.CANCELLED, S.FAILED},
    S.SENDING: {S.QUEUED, S.FAILED, S.UNCERTAIN, *CHAIN},
    S.UNCERTAIN: {S.QUEUED, S.FAILED, S.CANCELLED, *CHAIN},
    S.ACCEPTED: {S.FAILED, S.SENT, S.RECEIVED, S.READ, S.PLAYED},
    S.SENT: {S.RECEIVED, S.READ, S.PLAYED},
    S.RECEIVED: {S.READ, S.PLAYED},
    S.READ: {S.PLAYED},
    S.PLAYED: set(),
    S.FAILED: {S.QUEUED},
    S.CANCELLED: set(),
}


def test_the_table_covers_every_state():
    assert set(ALLOWED) == set(S)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)), ids=lambda s: str(s))
def test_transition(source, target):
    message = OutboundMessageFactory(state=source)
    moved = message_transition(pk=message.pk, to=target)
    message.refresh_from_db()
    if target in ALLOWED[source]:
        assert moved and message.state == target
        assert getattr(message, STATE_TIME_FIELD[target]) is not None
    else:
        assert not moved and message.state == source
