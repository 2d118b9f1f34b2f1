"""The request bodies of the spec's ``send-*`` endpoints, declared once (beside
``ENDPOINTS``): the fields each needs and the delay rule. The composer
(``messaging.compose``), the client (``zapi.clients.sends``) and the sandbox's handlers all
read them (spec 001, "Messages", and "Status" for stories).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The fields each send needs besides ``phone`` (the request bodies of the spec).
SEND_FIELDS: dict[str, tuple[str, ...]] = {
    "send_text": ("message",),
    "send_image": ("image",),
    "send_sticker": ("sticker",),
    "send_gif": ("gif",),
    "send_audio": ("audio",),
    "send_video": ("video",),
    "send_ptv": ("ptv",),
    "send_document": ("document",),
    "send_link": ("message", "linkUrl"),
    "send_location": ("latitude", "longitude"),
    "send_product": ("catalogPhone", "productId"),
    "send_catalog": ("catalogPhone",),
    "send_contact": ("contactName", "contactPhone"),
    "send_contacts": ("contacts",),
    "send_button_actions": ("message", "buttonActions"),
    "send_button_list": ("message", "buttonList"),
    "send_option_list": ("message", "optionList"),
    "send_button_otp": ("message", "code"),
    "send_button_pix": ("pixKey",),
    "send_carousel": ("message", "carousel"),
    "send_poll": ("message", "poll"),
    "send_poll_vote": ("pollMessageId", "pollVote"),
    "send_order": ("order",),
    "order_status_update": (),
    "order_payment_update": (),
    "pin_message": ("messageId", "messageAction"),
    "send_newsletter_admin_invite": (),
    "send_event": ("event",),
    "send_edit_event": ("eventMessageId",),
    "send_event_response": ("eventMessageId", "eventResponse"),
    "forward_message": ("messageId", "messagePhone"),
    "send_reaction": ("messageId", "reaction"),
    "send_remove_reaction": ("messageId",),
    "reply_status_text": ("message",),
    "reply_status_gif": (),
    "reply_status_sticker": (),
}
# Stories have no recipient.
STORY_FIELDS: dict[str, tuple[str, ...]] = {
    "send_text_status": ("message",),
    "send_image_status": ("image",),
    "send_video_status": ("video",),
}

# "delayMessage" and "delayTyping" take 1 to 15 seconds (spec 001, "Messages", "Send text").
DELAY_FIELDS = ("delayMessage", "delayTyping")
DELAY_SECONDS = range(1, 16)
# delayTyping is documented on these sends only (send text, send audio, send link).
TYPING_SENDS = frozenset({"send_text", "send_audio", "send_link"})


def delay_valid(value: Any) -> bool:
    """Whether ``value`` is a delay Z-API accepts (whole seconds, 1 to 15)."""
    return not isinstance(value, bool) and isinstance(value, int) and value in DELAY_SECONDS


def send_body_needed(name: str) -> tuple[str, ...]:
    """The fields the ``name`` send needs: ``phone`` and its own (stories have no phone)."""
    if name in STORY_FIELDS:
        return STORY_FIELDS[name]
    return ("phone", *SEND_FIELDS[name])


def send_body_missing(name: str, body: Mapping[str, Any]) -> list[str]:
    """The fields of ``send_body_needed(name)`` that ``body`` lacks; empty when complete."""
    return [key for key in send_body_needed(name) if body.get(key) in (None, "", [], {})]
