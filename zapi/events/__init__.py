"""Typed webhook events and ``parse_event``, which picks the model by ``type``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic

from zapi.events import parts
from zapi.events.callbacks import (
    CONTENT_KINDS,
    MESSAGE_STATUSES,
    PRESENCE_STATUSES,
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    Event,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
    UnknownEvent,
)
from zapi.events.kinds import (
    WEBHOOK_KINDS,
    WEBHOOK_KINDS_BY_NAME,
    WebhookKind,
    event_models,
    kinds_for_event,
    webhook_kind,
)


class InvalidEventError(ValueError):
    """The payload is not a JSON object, or a known ``type`` has fields of the wrong shape."""


# Keyed by the lower-case ``type``; derived from the table of webhook kinds.
EVENT_TYPES: dict[str, type[Event]] = {model.__name__.lower(): model for model in event_models()}


def parse_event(data: Any) -> Event:
    """The event model for ``data`` (a decoded JSON body).

    ``type`` is matched without regard to case: the spec writes "ReceivedCallBack" in a
    table ("Webhooks > Upon receiving") and "ReceivedCallback" in every example.
    """
    if not isinstance(data, Mapping):
        raise InvalidEventError(
            f"a webhook payload must be a JSON object, got {type(data).__name__}"
        )
    kind = data.get("type")
    model = EVENT_TYPES.get(kind.lower()) if isinstance(kind, str) else None
    try:
        return (model or UnknownEvent).model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise InvalidEventError(f"invalid {kind} payload: {exc}") from exc


__all__ = [
    "CONTENT_KINDS",
    "EVENT_TYPES",
    "MESSAGE_STATUSES",
    "PRESENCE_STATUSES",
    "WEBHOOK_KINDS",
    "WEBHOOK_KINDS_BY_NAME",
    "ConnectedCallback",
    "DeliveryCallback",
    "DisconnectedCallback",
    "Event",
    "InvalidEventError",
    "MessageStatusCallback",
    "PresenceChatCallback",
    "ReceivedCallback",
    "UnknownEvent",
    "WebhookKind",
    "event_models",
    "kinds_for_event",
    "parse_event",
    "parts",
    "webhook_kind",
]
