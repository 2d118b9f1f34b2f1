"""Factories for the webhooks tests."""

from __future__ import annotations

import factory

from messaging.models import Direction, Message
from messaging.states import MessageState
from tests.factories import InstanceFactory
from webhooks.models import WebhookEvent


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    """A message our dispatcher handed to Z-API (``accepted``, with its ids)."""

    class Meta:
        model = Message

    instance = factory.SubFactory(InstanceFactory)
    direction = Direction.OUTBOUND
    chat_id = "5544999999999"
    text = "hello"
    state = MessageState.ACCEPTED
    zaap_id = factory.Sequence(lambda n: f"ZAAP{n:020d}")
    message_id = factory.Sequence(lambda n: f"MSG{n:020d}")


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    instance = factory.SubFactory(InstanceFactory)
    event_type = "MessageStatusCallback"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    payload = factory.LazyAttribute(
        lambda e: {"type": e.event_type, "status": "READ", "ids": ["X"], "momment": 1}
    )
