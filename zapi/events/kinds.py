"""Every webhook kind Z-API documents, one row each (spec 001, section "Webhooks").

A kind is a URL Z-API posts events to. Its row names it every way the upstream spells it:

- ``name``: our one name (``chat_presence``), used by the client (``update_webhook``), the
  sandbox's storage and the endpoint name ``update_webhook_<name>``;
- the path of its ``PUT /update-webhook-<slug>`` endpoint (``slug`` is the name with
  hyphens);
- ``callback_field``: the URL's field in ``GET /me``, in the partner on-demand body and in
  the partner instance list (``presenceChatCallbackUrl``);
- ``events``: the event models Z-API posts to that URL (``zapi.events.EVENT_TYPES`` and the
  sandbox's routing are derived from these);
- ``label``: what people read (the dashboard translates it).

Adding a webhook type is one row here (plus its event model in ``callbacks.py``) and one
processor in ``webhooks.processors.PROCESSORS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zapi.events.callbacks import (
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    Event,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
)


def gettext_noop(message: str) -> str:
    """Marks ``message`` for translation (``makemessages`` finds it) without Django."""
    return message


@dataclass(frozen=True, slots=True)
class WebhookKind:
    name: str
    callback_field: str
    events: tuple[type[Event], ...]
    label: str
    spec_line: int

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    @property
    def endpoint(self) -> str:
        """The name of its row in ``zapi.endpoints.ENDPOINTS``."""
        return f"update_webhook_{self.name}"

    @property
    def path(self) -> str:
        return f"/update-webhook-{self.slug}"


# Table order is routing order: an event goes to the first kind listing it whose URL is set,
# so "received_delivery" (receivedAndDeliveryCallbackUrl) is the fallback of both halves.
WEBHOOK_KINDS: tuple[WebhookKind, ...] = (
    WebhookKind(
        "received", "receivedCallbackUrl", (ReceivedCallback,), gettext_noop("Received"), 11204
    ),
    WebhookKind(
        "delivery", "deliveryCallbackUrl", (DeliveryCallback,), gettext_noop("Delivery"), 11152
    ),
    WebhookKind(
        "message_status",
        "messageStatusCallbackUrl",
        (MessageStatusCallback,),
        gettext_noop("Message status"),
        13081,
    ),
    WebhookKind(
        "connected", "connectedCallbackUrl", (ConnectedCallback,), gettext_noop("Connected"), 13368
    ),
    WebhookKind(
        "disconnected",
        "disconnectedCallbackUrl",
        (DisconnectedCallback,),
        gettext_noop("Disconnected"),
        13031,
    ),
    WebhookKind(
        "chat_presence",
        "presenceChatCallbackUrl",
        (PresenceChatCallback,),
        gettext_noop("Chat presence"),
        13273,
    ),
    WebhookKind(
        "received_delivery",
        "receivedAndDeliveryCallbackUrl",
        (ReceivedCallback, DeliveryCallback),
        gettext_noop("Received and sent by me"),
        11210,
    ),
)

WEBHOOK_KINDS_BY_NAME: dict[str, WebhookKind] = {kind.name: kind for kind in WEBHOOK_KINDS}


def webhook_kind(name: str) -> WebhookKind:
    """The row called ``name``; a ``ValueError`` for a kind Z-API does not have."""
    try:
        return WEBHOOK_KINDS_BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown webhook kind {name!r}") from None


def event_models() -> tuple[type[Event], ...]:
    """Every event model some kind delivers, each once, in table order."""
    return tuple(dict.fromkeys(model for kind in WEBHOOK_KINDS for model in kind.events))


def kinds_for_event(event_type: str) -> tuple[WebhookKind, ...]:
    """The kinds whose URL receives events of ``event_type`` (any case), in routing order."""
    wanted = event_type.lower()
    return tuple(
        kind
        for kind in WEBHOOK_KINDS
        if any(model.__name__.lower() == wanted for model in kind.events)
    )
