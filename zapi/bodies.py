"""The request bodies of the spec's ``send-*`` endpoints, declared once (beside
``ENDPOINTS``): the fields each send takes, which of them must be given, and the delay rule.
The client (``InstanceClient.send``), the composer (``messaging.compose``) and the sandbox's
handlers all read them (spec 001, "Messages", "Groups", mentions, and "Status" for stories).

Fields are spelled as the spec spells them (``linkUrl``); :func:`send_body` also takes them
the Python way (``link_url``), so the composer's fields and the client's keyword arguments
map onto a body without a list of names of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SendBody:
    """One send's body besides ``phone`` and the delays."""

    # Must be given and not blank.
    needs: tuple[str, ...] = ()
    # The spec lists them as mandatory, yet a blank one is accepted: always sent, "" if none.
    blank: tuple[str, ...] = ()
    # May be left out.
    options: tuple[str, ...] = ()
    # Stories have no recipient.
    phone: bool = True

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.needs, *self.blank, *self.options)


_ORDER_UPDATE = ("messageId", "referenceId", "orderRequestId", "orderStatus", "paymentStatus",
                 "order")  # fmt: skip

# The "Attributes" tables of each send in the spec (its "Mandatory" and "Options").
SEND_BODIES: dict[str, SendBody] = {
    "send_text": SendBody(
        ("message",),
        options=("messageId", "editMessageId", "privateAnswer", "mentioned", "groupMentioned"),
    ),
    "send_image": SendBody(("image",), options=("caption", "messageId", "viewOnce")),
    "send_sticker": SendBody(("sticker",), options=("messageId", "stickerAuthor")),
    "send_gif": SendBody(("gif",), options=("caption", "messageId")),
    "send_audio": SendBody(("audio",), options=("viewOnce", "async", "waveform")),
    "send_video": SendBody(("video",), options=("caption", "messageId", "viewOnce", "async")),
    "send_ptv": SendBody(("ptv",), options=("messageId",)),
    "send_document": SendBody(("document",), options=("fileName", "caption", "messageId")),
    "send_link": SendBody(
        ("message", "linkUrl"), ("image", "title", "linkDescription"), ("linkType",)
    ),
    "send_location": SendBody(("latitude", "longitude"), ("title", "address"), ("messageId",)),
    "send_product": SendBody(("catalogPhone", "productId")),
    "send_catalog": SendBody(
        ("catalogPhone",), options=("message", "title", "catalogDescription", "translation")
    ),
    "send_contact": SendBody(
        ("contactName", "contactPhone"), options=("messageId", "contactBusinessDescription")
    ),
    "send_contacts": SendBody(("contacts",), options=("messageId",)),
    "send_button_actions": SendBody(("message", "buttonActions"), options=("title", "footer")),
    "send_button_list": SendBody(("message", "buttonList")),
    "send_option_list": SendBody(("message", "optionList")),
    "send_button_otp": SendBody(("message", "code"), options=("image", "buttonText")),
    "send_button_pix": SendBody(("pixKey",), ("type",), ("merchantName",)),
    "send_carousel": SendBody(("message", "carousel")),
    "send_poll": SendBody(("message", "poll"), options=("pollMaxOptions",)),
    "send_poll_vote": SendBody(("pollMessageId", "pollVote")),
    "send_order": SendBody(("order",), ("paymentSettings",)),
    "order_status_update": SendBody(blank=_ORDER_UPDATE, options=("message",)),
    "order_payment_update": SendBody(blank=_ORDER_UPDATE, options=("message",)),
    "pin_message": SendBody(("messageId", "messageAction"), ("pinMessageDuration",)),
    "send_newsletter_admin_invite": SendBody(blank=("adminInviteMessage",)),
    "send_event": SendBody(("event",)),
    "send_edit_event": SendBody(("eventMessageId",), ("event",)),
    "send_event_response": SendBody(("eventMessageId", "eventResponse")),
    "forward_message": SendBody(("messageId", "messagePhone")),
    "send_reaction": SendBody(("messageId", "reaction")),
    "send_remove_reaction": SendBody(("messageId",)),
    "reply_status_text": SendBody(("message",), ("statusMessageId",)),
    "reply_status_gif": SendBody(blank=("gif", "statusMessageId")),
    "reply_status_sticker": SendBody(blank=("sticker", "statusMessageId")),
    "send_text_status": SendBody(("message",), phone=False),
    "send_image_status": SendBody(("image",), options=("caption",), phone=False),
    "send_video_status": SendBody(("video",), options=("caption",), phone=False),
}

# The fields each send needs besides ``phone``, and the stories' (no recipient).
SEND_FIELDS: dict[str, tuple[str, ...]] = {n: b.needs for n, b in SEND_BODIES.items() if b.phone}
STORY_FIELDS: dict[str, tuple[str, ...]] = {
    n: b.needs for n, b in SEND_BODIES.items() if not b.phone
}

# "delayMessage" and "delayTyping" take 1 to 15 seconds (spec 001, "Messages", "Send text").
# delayMessage is the gap before the next send, so any send takes it; delayTyping is
# documented on these only (send text, send audio, send link).
DELAY_FIELDS = ("delayMessage", "delayTyping")
DELAY_SECONDS = range(1, 16)
TYPING_SENDS = frozenset({"send_text", "send_audio", "send_link"})

_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """A field's Python name: ``linkUrl`` → ``link_url``."""
    return _HUMP.sub(r"_\1", name).lower()


def spec_name(name: str, key: str) -> str:
    """``key`` in the spec's spelling when it is the Python name of a field of the ``name``
    send (``link_url`` → ``linkUrl``, ``delay_message`` → ``delayMessage``); else as given."""
    for field in (*SEND_BODIES[name].fields, *DELAY_FIELDS):
        if snake(field) == key:
            return field
    return key


def delay_valid(value: Any) -> bool:
    """Whether ``value`` is a delay Z-API accepts (whole seconds, 1 to 15)."""
    return not isinstance(value, bool) and isinstance(value, int) and value in DELAY_SECONDS


def _given(value: Any) -> bool:
    return value not in (None, "", [], {})


def send_body(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``name`` send's fields found in ``values`` (named as the spec or as Python names
    them), in the spec's spelling: each given one, and every ``blank`` one ("" if none).
    Nothing else: not ``phone``, not the delays."""
    body: dict[str, Any] = {}
    row = SEND_BODIES[name]
    for field in row.fields:
        value = values.get(field, values.get(snake(field)))
        if _given(value):
            body[field] = value
        elif field in row.blank:
            body[field] = ""
    return body


def send_body_needed(name: str) -> tuple[str, ...]:
    """The fields the ``name`` send needs: ``phone`` and its own (stories have no phone)."""
    row = SEND_BODIES[name]
    return ("phone", *row.needs) if row.phone else row.needs


def send_body_missing(name: str, body: Mapping[str, Any]) -> list[str]:
    """The fields of ``send_body_needed(name)`` that ``body`` lacks; empty when complete."""
    return [key for key in send_body_needed(name) if not _given(body.get(key))]


def send_body_unknown(name: str, body: Mapping[str, Any]) -> list[str]:
    """The keys of ``body`` the ``name`` send does not take (a typo Z-API would ignore)."""
    row = SEND_BODIES[name]
    known = {*row.fields, *DELAY_FIELDS, *(("phone",) if row.phone else ())}
    return [key for key in body if key not in known]
