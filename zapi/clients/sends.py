"""Every ``send-*`` the spec documents, as named methods on the instance client.

Required fields are arguments; every optional field the spec lists (``delayMessage``,
``delayTyping``, ``messageId`` to reply, ``caption``, ``linkType``...) goes in ``**options``
with the spec's spelling and is sent as is. Sends are never retried by the client: a
lost answer may still mean Z-API queued the message (see ``MaybeDeliveredError``).
"""

from __future__ import annotations

from typing import Any

from zapi.bodies import DELAY_FIELDS, SEND_FIELDS, STORY_FIELDS, delay_valid, send_body_missing
from zapi.clients.base import BaseClient
from zapi.models import SendResult, ValueResult


class SendsMixin(BaseClient):
    def _send_message(
        self, name: str, body: dict[str, Any], *, path: dict[str, str] | None = None
    ) -> SendResult:
        for key in DELAY_FIELDS:
            value = body.get(key)
            if value is not None and not delay_valid(value):
                raise ValueError(f"{key} must be 1 to 15 seconds, got {value!r}")
        payload = {k: v for k, v in body.items() if v is not None}
        if name in SEND_FIELDS or name in STORY_FIELDS:
            missing = send_body_missing(name, payload)
            if missing:
                raise ValueError(f"{name} needs {', '.join(missing)}")
        return SendResult.model_validate(self.call(name, path=path, json=payload))

    # -- plain messages (spec 001 l.1742-3130) -------------------------------------
    def send_text(self, phone: str, message: str, **options: Any) -> SendResult:
        """Text; with ``messageId=`` a reply (l.4044), with ``mentioned=[...]`` a mention."""
        return self._send_message("send_text", {"phone": phone, "message": message, **options})

    def send_image(self, phone: str, image: str, **options: Any) -> SendResult:
        return self._send_message("send_image", {"phone": phone, "image": image, **options})

    def send_sticker(self, phone: str, sticker: str, **options: Any) -> SendResult:
        return self._send_message("send_sticker", {"phone": phone, "sticker": sticker, **options})

    def send_gif(self, phone: str, gif: str, **options: Any) -> SendResult:
        return self._send_message("send_gif", {"phone": phone, "gif": gif, **options})

    def send_audio(self, phone: str, audio: str, **options: Any) -> SendResult:
        return self._send_message("send_audio", {"phone": phone, "audio": audio, **options})

    def send_video(self, phone: str, video: str, **options: Any) -> SendResult:
        return self._send_message("send_video", {"phone": phone, "video": video, **options})

    def send_ptv(self, phone: str, ptv: str, **options: Any) -> SendResult:
        return self._send_message("send_ptv", {"phone": phone, "ptv": ptv, **options})

    def send_document(
        self, phone: str, document: str, extension: str, **options: Any
    ) -> SendResult:
        """``extension`` goes in the path: ``/send-document/pdf`` (l.2603, l.2675)."""
        body = {"phone": phone, "document": document, **options}
        return self._send_message("send_document", body, path={"extension": extension})

    def send_link(
        self,
        phone: str,
        message: str,
        *,
        image: str,
        link_url: str,
        title: str,
        link_description: str,
        **options: Any,
    ) -> SendResult:
        body = {
            "phone": phone,
            "message": message,
            "image": image,
            "linkUrl": link_url,
            "title": title,
            "linkDescription": link_description,
            **options,
        }
        return self._send_message("send_link", body)

    def send_location(
        self,
        phone: str,
        *,
        title: str,
        address: str,
        latitude: str,
        longitude: str,
        **options: Any,
    ) -> SendResult:
        body = {
            "phone": phone,
            "title": title,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            **options,
        }
        return self._send_message("send_location", body)

    def send_product(
        self, phone: str, catalog_phone: str, product_id: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "catalogPhone": catalog_phone, "productId": product_id}
        return self._send_message("send_product", {**body, **options})

    def send_catalog(self, phone: str, catalog_phone: str, **options: Any) -> SendResult:
        body = {"phone": phone, "catalogPhone": catalog_phone, **options}
        return self._send_message("send_catalog", body)

    def send_contact(
        self, phone: str, contact_name: str, contact_phone: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "contactName": contact_name, "contactPhone": contact_phone}
        return self._send_message("send_contact", {**body, **options})

    def send_contacts(
        self, phone: str, contacts: list[dict[str, Any]], **options: Any
    ) -> SendResult:
        body = {"phone": phone, "contacts": contacts, **options}
        return self._send_message("send_contacts", body)

    # -- interactive (l.3132-3918) -------------------------------------------------
    def send_button_actions(
        self, phone: str, message: str, button_actions: list[dict[str, Any]], **options: Any
    ) -> SendResult:
        body = {"phone": phone, "message": message, "buttonActions": button_actions}
        return self._send_message("send_button_actions", {**body, **options})

    def send_button_list(
        self, phone: str, message: str, button_list: dict[str, Any], **options: Any
    ) -> SendResult:
        """``button_list`` holds ``buttons`` and optionally ``image`` or ``video``."""
        body = {"phone": phone, "message": message, "buttonList": button_list}
        return self._send_message("send_button_list", {**body, **options})

    def send_option_list(
        self, phone: str, message: str, option_list: dict[str, Any], **options: Any
    ) -> SendResult:
        body = {"phone": phone, "message": message, "optionList": option_list}
        return self._send_message("send_option_list", {**body, **options})

    def send_button_otp(self, phone: str, message: str, code: str, **options: Any) -> SendResult:
        body = {"phone": phone, "message": message, "code": code, **options}
        return self._send_message("send_button_otp", body)

    def send_button_pix(
        self, phone: str, pix_key: str, key_type: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "pixKey": pix_key, "type": key_type, **options}
        return self._send_message("send_button_pix", body)

    def send_carousel(
        self, phone: str, message: str, carousel: list[dict[str, Any]], **options: Any
    ) -> SendResult:
        body = {"phone": phone, "message": message, "carousel": carousel, **options}
        return self._send_message("send_carousel", body)

    def send_poll(self, phone: str, message: str, answers: list[str], **options: Any) -> SendResult:
        """``answers`` are sent as ``poll: [{"name": ...}]`` (l.4204)."""
        body = {"phone": phone, "message": message, "poll": [{"name": a} for a in answers]}
        return self._send_message("send_poll", {**body, **options})

    def send_poll_vote(
        self, phone: str, poll_message_id: str, votes: list[str], **options: Any
    ) -> SendResult:
        body = {
            "phone": phone,
            "pollMessageId": poll_message_id,
            "pollVote": [{"name": v} for v in votes],
        }
        return self._send_message("send_poll_vote", {**body, **options})

    def send_order(self, phone: str, order: dict[str, Any], **options: Any) -> SendResult:
        return self._send_message("send_order", {"phone": phone, "order": order, **options})

    def send_event(self, phone: str, event: dict[str, Any], **options: Any) -> SendResult:
        return self._send_message("send_event", {"phone": phone, "event": event, **options})

    def send_edit_event(
        self, phone: str, event_message_id: str, event: dict[str, Any], **options: Any
    ) -> SendResult:
        body = {"phone": phone, "eventMessageId": event_message_id, "event": event}
        return self._send_message("send_edit_event", {**body, **options})

    def send_event_response(
        self, phone: str, event_message_id: str, event_response: str, **options: Any
    ) -> SendResult:
        body = {
            "phone": phone,
            "eventMessageId": event_message_id,
            "eventResponse": event_response,
        }
        return self._send_message("send_event_response", {**body, **options})

    # -- acting on messages (l.1851-2050, l.3919-4740) -------------------------------
    def forward_message(
        self, phone: str, message_id: str, message_phone: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "messageId": message_id, "messagePhone": message_phone}
        return self._send_message("forward_message", {**body, **options})

    def send_reaction(
        self, phone: str, message_id: str, reaction: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "reaction": reaction, "messageId": message_id, **options}
        return self._send_message("send_reaction", body)

    def send_remove_reaction(self, phone: str, message_id: str, **options: Any) -> SendResult:
        body = {"phone": phone, "messageId": message_id, **options}
        return self._send_message("send_remove_reaction", body)

    def read_message(self, phone: str, message_id: str) -> None:
        self.call("read_message", json={"phone": phone, "messageId": message_id})

    def delete_message(self, phone: str, message_id: str, *, owner: bool) -> None:
        """DELETE /messages?messageId=&phone=&owner= (l.3946)."""
        query = {"messageId": message_id, "phone": phone, "owner": owner}
        self.call("delete_message", query=query)

    def pin_message(
        self, phone: str, message_id: str, message_action: str, **options: Any
    ) -> SendResult:
        """``message_action`` is "pin" or "unpin"; ``pinMessageDuration`` e.g. "7_days"."""
        body = {"phone": phone, "messageId": message_id, "messageAction": message_action}
        return self._send_message("pin_message", {**body, **options})

    # -- status / stories (l.13799-end) ------------------------------------------------
    def send_text_status(self, message: str, **options: Any) -> SendResult:
        return self._send_message("send_text_status", {"message": message, **options})

    def send_image_status(self, image: str, **options: Any) -> SendResult:
        return self._send_message("send_image_status", {"image": image, **options})

    def send_video_status(self, video: str, **options: Any) -> SendResult:
        return self._send_message("send_video_status", {"video": video, **options})

    def reply_status_text(
        self, phone: str, message: str, status_message_id: str, **options: Any
    ) -> SendResult:
        body = {"phone": phone, "message": message, "statusMessageId": status_message_id}
        return self._send_message("reply_status_text", {**body, **options})

    # -- calls (l.6692) --------------------------------------------------------------
    def send_call(self, phone: str, **options: Any) -> ValueResult:
        """Ring ``phone``; ``callDuration`` in seconds. Pauses the queue (l.6690)."""
        return ValueResult.model_validate(
            self.call("send_call", json={"phone": phone, **options}) or {}
        )
