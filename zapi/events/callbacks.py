"""The webhook payloads Z-API POSTs to us (spec 001, "Webhooks"), one model per ``type``.

Field names keep the spec's spelling (``momment``, ``senderLid``, ``participantLid``,
``fromMe``); unknown fields are kept in ``model_extra``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from zapi.events import parts

# MessageStatusCallback statuses (spec 001, "Webhooks > Message status"); states only move forward.
MESSAGE_STATUSES = ("SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED")
# PresenceChatCallback statuses ("Webhooks > Status do chat", PAUSED among them).
PRESENCE_STATUSES = ("UNAVAILABLE", "AVAILABLE", "COMPOSING", "PAUSED", "RECORDING")

# The content keys a ReceivedCallback may carry, in the order ``kind`` checks them.
CONTENT_KINDS = (
    "text",
    "image",
    "audio",
    "video",
    "document",
    "location",
    "contact",
    "contacts",
    "sticker",
    "reaction",
    "buttonsResponseMessage",
    "listResponseMessage",
    "buttonsMessage",
    "hydratedTemplate",
    "carouselMessage",
    "pixKeyMessage",
    "poll",
    "pollVote",
    "product",
    "order",
    "reviewAndPay",
    "reviewOrder",
    "requestPayment",
    "sendPayment",
    "newsletterAdminInvite",
    "pinMessage",
    "event",
    "eventResponse",
)


class Event(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str | None = None
    instanceId: str | None = None

    @field_validator("momment", mode="before", check_fields=False)
    @classmethod
    def _numeric_momment(cls, value: Any) -> Any:
        # ConnectedCallback documents momment as a string ("Webhooks > When connecting"); the rest
        # as integers.
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return value


class UnknownEvent(Event):
    """A payload whose ``type`` we do not know (or that has none): kept, never an error."""

    type: Any = None


class DeliveryCallback(Event):
    """The message left our queue for WhatsApp (spec 001, "Webhooks > When sending")."""

    phone: str | None = None
    zaapId: str | None = None
    messageId: str | None = None


class MessageStatusCallback(Event):
    """SENT, RECEIVED, READ, READ_BY_ME or PLAYED for one or more ``ids`` ("Webhooks > Message
    status")."""

    status: str | None = None
    ids: list[str] = []
    momment: int | None = None
    phoneDevice: int | None = None
    phone: str | None = None
    isGroup: bool | None = None


class DisconnectedCallback(Event):
    momment: int | None = None
    error: str | None = None
    disconnected: bool | None = None


class ConnectedCallback(Event):
    connected: bool | None = None
    phone: str | None = None
    momment: int | None = None


class PresenceChatCallback(Event):
    phone: str | None = None
    status: str | None = None
    lastSeen: int | None = None


class ReceivedCallback(Event):
    """A message or a notification in a chat (spec 001, "Webhooks > Upon receiving").

    ``fromMe`` is true for messages the connected phone sent (with "notify sent by me").
    A notification (``notification`` set: calls, group membership, channel admin, revoke,
    profile and label changes) carries its data in ``notificationParameters``.
    """

    phone: str | None = None
    messageId: str | None = None
    momment: int | None = None
    status: str | None = None
    fromMe: bool = False
    fromApi: bool | None = None
    isGroup: bool = False
    isNewsletter: bool = False
    isEdit: bool = False
    isStatusReply: bool = False
    waitingMessage: bool = False
    broadcast: bool | None = None
    forwarded: bool | None = None
    connectedPhone: str | None = None
    chatName: str | None = None
    chatLid: str | None = None
    senderName: str | None = None
    senderPhoto: str | None = None
    senderLid: str | None = None
    participantPhone: str | None = None
    participantLid: str | None = None
    photo: str | None = None
    referenceMessageId: str | None = None
    messageExpirationSeconds: int | None = None
    expiresAt: int | None = None
    requestMethod: str | None = None
    notification: str | None = None
    notificationParameters: list[Any] | None = None
    callId: str | None = None
    code: str | None = None
    profileName: str | None = None
    updatedPhoto: str | None = None
    externalAdReply: parts.ExternalAdReply | None = None

    text: parts.Text | None = None
    image: parts.Image | None = None
    audio: parts.Audio | None = None
    video: parts.Video | None = None
    document: parts.Document | None = None
    location: parts.Location | None = None
    contact: parts.Contact | None = None
    contacts: list[parts.Contact] | None = None
    sticker: parts.Sticker | None = None
    reaction: parts.Reaction | None = None
    buttonsResponseMessage: parts.ButtonsResponse | None = None
    listResponseMessage: parts.ListResponse | None = None
    poll: parts.Poll | None = None
    pollVote: parts.PollVote | None = None
    order: parts.Order | None = None

    @property
    def kind(self) -> str:
        """What this is: a content key (``text``, ``image``, ``pollVote``...), ``notification``
        or ``unknown``. Content keys not modelled above still count (kept as extra)."""
        for key in CONTENT_KINDS:
            if getattr(self, key, None) is not None or (self.model_extra or {}).get(key):
                return key
        if self.notification:
            return "notification"
        return "unknown"

    @property
    def is_revoke(self) -> bool:
        return self.notification == "REVOKE"

    @property
    def is_call(self) -> bool:
        return bool(self.notification and self.notification.startswith("CALL_"))
