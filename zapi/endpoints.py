"""Every endpoint the upstream documents, as data.

One row per (method, path) documented in ``/work/shared/spec``. The sandbox serves exactly
these routes and the clients build their URLs from them, so the two cannot drift apart.

``path`` is a template with ``{placeholders}``. Instance-scoped rows are relative to
``INSTANCE_PREFIX``; partner and number-registration rows are absolute (from the host).
Query parameters are not part of the template; ``query`` lists the documented ones.

Where the spec documents the same route twice, there is one row and a comment says where
the other mention is (e.g. the community participant endpoints reuse the group ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from zapi.events.kinds import WEBHOOK_KINDS

Scope = Literal["instance", "partner", "number_registration"]
Method = Literal["GET", "POST", "PUT", "DELETE"]

INSTANCE_PREFIX = "/instances/{instanceId}/token/{token}"
ZAPI_BASE_URL = "https://api.z-api.io"
# spec 003: the 99digital partner API for registering numbers.
NUMBER_REGISTRATION_BASE_URL = "https://partners.99digital.co.il"

_PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    method: Method
    path: str
    scope: Scope
    section: str
    spec_line: int
    # Safe to send twice: the client retries these on retryable errors.
    idempotent: bool
    summary: str = ""
    spec_file: str = "001"
    query: tuple[str, ...] = ()

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Names in ``path`` that the caller fills (not the instance prefix)."""
        return tuple(_PLACEHOLDER.findall(self.path))

    @property
    def route(self) -> str:
        """The full path template from the host, prefix included."""
        if self.scope == "instance":
            return INSTANCE_PREFIX + self.path
        return self.path

    def format_path(self, **params: str) -> str:
        """Fill ``path`` (without the instance prefix); a missing value is a ``KeyError``."""
        return _PLACEHOLDER.sub(lambda m: _segment(params[m.group(1)]), self.path)


def _segment(value: str) -> str:
    return quote(str(value), safe="@-._~")


Row = tuple[str, Method, str, int, str]


def _rows(scope: Scope, section: str, rows: list[Row], spec_file: str = "001") -> list[Endpoint]:
    return [
        Endpoint(
            name=name,
            method=method,
            path=path,
            scope=scope,
            section=section,
            spec_line=line,
            # Reads are safe to repeat. restart/disconnect are GETs with side effects
            # (spec 001, "Instance > Restart instance", "Instance > Disconnect"), accept-invite
            # joins a group ("Groups > Accept group invitation") and each
            # phone-code call issues a new code (spec 002).
            idempotent=method == "GET" and name not in _UNSAFE_GETS,
            summary=summary,
            spec_file=spec_file,
            query=_QUERIES.get(name, ()),
        )
        for name, method, path, line, summary in rows
    ]


_UNSAFE_GETS = frozenset({"restart", "disconnect", "accept_invite_group", "phone_code"})

_INSTANCE: list[Row] = [
    ("update_auto_read_message", "PUT", "/update-auto-read-message", 510, "Auto-read messages"),
    ("update_auto_read_status", "PUT", "/update-auto-read-status", 542, "Auto-read statuses"),
    ("update_profile_picture", "PUT", "/profile-picture", 571, "Set profile picture"),
    ("update_profile_name", "PUT", "/profile-name", 604, "Set profile name"),
    ("update_profile_description", "PUT", "/profile-description", 639, "Set profile about"),
    ("update_call_reject_auto", "PUT", "/update-call-reject-auto", 677, "Auto-reject calls"),
    ("update_call_reject_message", "PUT", "/update-call-reject-message", 709, "Call reject text"),
    ("qr_code", "GET", "/qr-code", 744, "QR code bytes (spec 002)"),
    ("qr_code_image", "GET", "/qr-code/image", 751, "QR code as base64 image (spec 002)"),
    ("phone_code", "GET", "/phone-code/{phone}", 758, "Pairing code for a phone (spec 002)"),
    ("restart", "GET", "/restart", 794, "Restart the instance"),
    ("disconnect", "GET", "/disconnect", 822, "Disconnect the phone"),
    ("status", "GET", "/status", 837, "Connection status"),
    ("device", "GET", "/device", 865, "Connected phone data"),
    ("update_name", "PUT", "/update-name", 905, "Rename the instance"),
    ("me", "GET", "/me", 952, "Instance data (due date, webhooks...)"),
]

_MOBILE: list[Row] = [
    ("mobile_registration_available", "POST", "/mobile/registration-available", 1029, ""),
    # spec 000 describes the same route in detail (captcha, blocked, wait times).
    ("mobile_request_registration_code", "POST", "/mobile/request-registration-code", 1104, ""),
    ("mobile_respond_captcha", "POST", "/mobile/respond-captcha", 1181, ""),
    ("mobile_confirm_registration_code", "POST", "/mobile/confirm-registration-code", 1233, ""),
    ("mobile_request_unbanning", "POST", "/mobile/request-unbanning", 1288, ""),
    ("mobile_confirm_pin_code", "POST", "/mobile/confirm-pin-code", 1344, ""),
    ("mobile_recovery_pin_code", "POST", "/mobile/recovery-pin-code", 1396, ""),
]

_SECURITY: list[Row] = [
    ("security_email", "GET", "/security/email", 1426, "Account email"),
    ("security_email_register", "POST", "/security/email", 1465, "Register account email"),
    ("security_verify_email", "POST", "/security/verify-email", 1508, "Verify account email"),
    ("security_two_fa_code", "GET", "/security/two-fa-code", 1563, "Has a PIN code?"),
    ("security_two_fa_code_register", "POST", "/security/two-fa-code", 1609, "Register PIN"),
    ("security_email_remove", "POST", "/security/email/remove", 1664, "Remove account email"),
    ("security_two_fa_code_remove", "POST", "/security/two-fa-code/remove", 1711, "Remove PIN"),
]

# send-text also serves replies ("Messages > Reply message"), mentions ("Groups > Mention member",
# "Groups > Mention group") and Meta AI ("Meta AI > Chat with Meta AI");
# send-button-list also serves the image and video variants ("Messages > Send buttons with image",
# "Messages > Send buttons with video").
_MESSAGES: list[Row] = [
    ("send_text", "POST", "/send-text", 1767, "Text (also reply, mention, Meta AI)"),
    ("forward_message", "POST", "/forward-message", 1854, "Forward a message"),
    ("send_reaction", "POST", "/send-reaction", 1921, "React to a message"),
    ("send_remove_reaction", "POST", "/send-remove-reaction", 1989, "Remove a reaction"),
    ("send_image", "POST", "/send-image", 2055, "Image"),
    ("send_sticker", "POST", "/send-sticker", 2155, "Sticker"),
    ("send_gif", "POST", "/send-gif", 2252, "GIF"),
    ("send_audio", "POST", "/send-audio", 2335, "Audio"),
    ("send_video", "POST", "/send-video", 2426, "Video"),
    ("send_ptv", "POST", "/send-ptv", 2517, "Round video note (PTV)"),
    ("send_document", "POST", "/send-document/{extension}", 2603, "Document"),
    ("send_link", "POST", "/send-link", 2689, "Link with preview"),
    ("send_location", "POST", "/send-location", 2768, "Location"),
    ("send_product", "POST", "/send-product", 2841, "Catalog product"),
    ("send_catalog", "POST", "/send-catalog", 2906, "Catalog"),
    ("send_contact", "POST", "/send-contact", 2979, "Contact card"),
    ("send_contacts", "POST", "/send-contacts", 3049, "Several contact cards"),
    ("send_button_actions", "POST", "/send-button-actions", 3135, "Action buttons"),
    ("send_button_list", "POST", "/send-button-list", 3249, "Buttons (text, image, video)"),
    ("send_option_list", "POST", "/send-option-list", 3536, "Option list"),
    ("send_button_otp", "POST", "/send-button-otp", 3631, "OTP copy button"),
    ("send_button_pix", "POST", "/send-button-pix", 3711, "PIX key button"),
    ("send_carousel", "POST", "/send-carousel", 3785, "Carousel"),
    ("delete_message", "DELETE", "/messages", 3922, "Delete a message"),
    ("read_message", "POST", "/read-message", 3984, "Mark a message read"),
    ("send_poll", "POST", "/send-poll", 4122, "Poll"),
    ("send_poll_vote", "POST", "/send-poll-vote", 4211, "Vote in a poll"),
    ("send_order", "POST", "/send-order", 4279, "Order"),
    ("order_status_update", "POST", "/order-status-update", 4424, "Order status update"),
    ("order_payment_update", "POST", "/order-payment-update", 4550, "Order payment update"),
    ("pin_message", "POST", "/pin-message", 4676, "Pin or unpin a message"),
    ("send_newsletter_admin_invite", "POST", "/send-newsletter-admin-invite", 4743, ""),
    ("send_event", "POST", "/send-event", 4819, "Event"),
    ("send_edit_event", "POST", "/send-edit-event", 4899, "Edit an event"),
    ("send_event_response", "POST", "/send-event-response", 4984, "Answer an event"),
]

# "Privacy > List disallowed contacts" shows /disallowed-contacts without /privacy; the heading and
# the curl use /privacy.
_PRIVACY: list[Row] = [
    ("privacy_disallowed_contacts", "GET", "/privacy/disallowed-contacts", 5058, ""),
    ("privacy_last_seen", "POST", "/privacy/last-seen", 5118, ""),
    ("privacy_photo", "POST", "/privacy/photo", 5203, ""),
    ("privacy_description", "POST", "/privacy/description", 5288, ""),
    ("privacy_group_add", "POST", "/privacy/group-add", 5373, ""),
    ("privacy_online", "POST", "/privacy/online", 5457, ""),
    ("privacy_read_receipts", "POST", "/privacy/read-receipts", 5519, ""),
    ("privacy_messages_duration", "POST", "/privacy/messages-duration", 5576, ""),
]

_CONTACTS: list[Row] = [
    ("contacts", "GET", "/contacts", 5643, "List contacts (page, pageSize)"),
    ("contacts_add", "POST", "/contacts/add", 5705, "Add contacts"),
    ("contacts_remove", "DELETE", "/contacts/remove", 5778, "Remove contacts"),
    ("contact_metadata", "GET", "/contacts/{phone}", 5830, "Contact metadata"),
    ("contact_profile_picture", "GET", "/profile-picture", 5894, "Contact picture (?phone=)"),
    # The heading says /phone-exists; the example ("Contacts > Number with WhatsApp?") puts the
    # phone in the path.
    ("phone_exists", "GET", "/phone-exists/{phone}", 5947, "Has WhatsApp?"),
    ("phone_exists_batch", "POST", "/phone-exists-batch", 6004, "Have WhatsApp? (batch)"),
    ("contact_block", "POST", "/contacts/modify-blocked", 6076, "Block or unblock"),
    ("contact_report", "POST", "/contacts/{phone}/report", 6130, "Report a contact"),
]

# The heading in "Chats > Get Chat Metadata" says /chat/{phone}; the URL and example use
# /chats/{phone}.
# modify-chat is one route for read/archive/pin/mute/clear/delete ("Chats").
_CHATS: list[Row] = [
    ("chats", "GET", "/chats", 6189, "List chats (page, pageSize)"),
    ("chat_metadata", "GET", "/chats/{phone}", 6272, "Chat metadata"),
    ("modify_chat", "POST", "/modify-chat", 6338, "Read, archive, pin, mute, clear, delete"),
    ("send_chat_expiration", "POST", "/send-chat-expiration", 6642, "Disappearing messages"),
]

_CALLS: list[Row] = [
    ("send_call", "POST", "/send-call", 6695, "Ring a number"),
]

# Communities reuse add/remove-participant, add/remove-admin and redefine-invitation-link
# ("Communities"): the same routes, with a community id as the group id.
_GROUPS: list[Row] = [
    ("groups", "GET", "/groups", 6772, "List groups (page, pageSize)"),
    ("create_group", "POST", "/create-group", 6846, "Create a group"),
    ("update_group_name", "POST", "/update-group-name", 6935, ""),
    ("update_group_photo", "POST", "/update-group-photo", 7012, ""),
    (
        "add_participant",
        "POST",
        "/add-participant",
        7083,
        "Also communities (Communities > Add participants)",
    ),
    (
        "remove_participant",
        "POST",
        "/remove-participant",
        7166,
        "Also communities (Communities > Remove participants)",
    ),
    ("approve_participant", "POST", "/approve-participant", 7243, ""),
    ("reject_participant", "POST", "/reject-participant", 7320, ""),
    (
        "add_admin",
        "POST",
        "/add-admin",
        7553,
        "Also communities (Communities > Promote community admin)",
    ),
    (
        "remove_admin",
        "POST",
        "/remove-admin",
        7629,
        "Also communities (Communities > Remove community admin)",
    ),
    ("leave_group", "POST", "/leave-group", 7714, ""),
    ("group_metadata", "GET", "/group-metadata/{phone}", 7788, ""),
    ("light_group_metadata", "GET", "/light-group-metadata/{phone}", 7913, ""),
    ("group_invitation_metadata", "GET", "/group-invitation-metadata", 8012, "?url="),
    ("update_group_settings", "POST", "/update-group-settings", 8094, ""),
    ("update_group_description", "POST", "/update-group-description", 8177, ""),
    ("redefine_invitation_link", "POST", "/redefine-invitation-link/{groupId}", 8251, ""),
    ("group_invitation_link", "POST", "/group-invitation-link/{groupId}", 8307, ""),
    ("accept_invite_group", "GET", "/accept-invite-group", 8364, "?url="),
]

_COMMUNITIES: list[Row] = [
    ("create_community", "POST", "/communities", 8458, ""),
    ("communities", "GET", "/communities", 8525, "List communities"),
    ("community_link", "POST", "/communities/link", 8581, "Link groups"),
    ("community_unlink", "POST", "/communities/unlink", 8642, "Unlink groups"),
    ("community_metadata", "GET", "/communities-metadata/{communityId}", 8703, ""),
    ("community_settings", "POST", "/communities/settings", 9073, ""),
    ("community_deactivate", "DELETE", "/communities/{communityId}", 9129, ""),
    ("update_community_description", "POST", "/update-community-description", 9180, ""),
]

# spec 001, "Queue" (Portuguese). GET /queue takes page and pageSize. The spec documents
# no POST /queue; Z-API's newer API pages the queue by cursor with it (body ``pagingState``,
# ``pageSize`` default 20, at most 30; the answer carries the next ``pagingState``), and the
# product asks for it (issues 3 and 4), so it has a row; spec_line points at the section.
_QUEUE: list[Row] = [
    ("queue", "GET", "/queue", 9354, "Queued messages (page, pageSize)"),
    ("queue_page", "POST", "/queue", 9353, "Queued messages by cursor (pagingState, pageSize)"),
    ("queue_count", "GET", "/queue/count", 9378, "Number of queued messages"),
    ("queue_delete_all", "DELETE", "/queue", 9451, "Empty the queue"),
    ("queue_delete", "DELETE", "/queue/{zaapId}", 9488, "Delete one queued message"),
]

# "WhatsApp Business > Delete Product": the URL says /products/{id}, the curl /product/{id}.
_BUSINESS: list[Row] = [
    ("product_upsert", "POST", "/products", 9548, "Create or edit a product"),
    ("catalogs", "GET", "/catalogs", 9619, "Own products"),
    ("catalog_by_phone", "GET", "/catalogs/{phone}", 9685, "Products of a phone"),
    ("product", "GET", "/products/{productId}", 9748, "One product"),
    ("product_delete", "DELETE", "/products/{productId}", 9812, "Delete a product"),
    ("tags", "GET", "/tags", 9854, "Labels"),
    ("tag_colors", "GET", "/business/tags/colors", 9910, "Label colors"),
    ("tag_create", "POST", "/business/create-tag", 9958, "Create a label"),
    ("tag_edit", "POST", "/business/edit-tag/{tagId}", 10019, "Edit a label"),
    ("tag_delete", "DELETE", "/business/tag/{tagId}", 10086, "Delete a label"),
    ("chat_tag_add", "PUT", "/chats/{phone}/tags/{tag}/add", 10135, "Label a chat"),
    ("chat_tag_remove", "PUT", "/chats/{phone}/tags/{tag}/remove", 10164, "Unlabel a chat"),
    ("catalog_config", "POST", "/catalogs/config", 10194, "Catalog settings"),
    ("collection_create", "POST", "/catalogs/collection", 10244, "Create a collection"),
    ("collections", "GET", "/catalogs/collection", 10296, "List collections (nextCursor)"),
    ("collection_delete", "DELETE", "/catalogs/collection/{collectionId}", 10367, ""),
    ("collection_edit", "POST", "/catalogs/collection-edit/{collectionId}", 10407, ""),
    ("collection_products", "GET", "/catalogs/collection-products/{phone}", 10459, ""),
    ("collection_add_product", "POST", "/catalogs/collection/add-product", 10544, ""),
    ("collection_remove_product", "POST", "/catalogs/collection/remove-product", 10601, ""),
    ("company_description", "POST", "/business/company-description", 10658, ""),
    ("company_email", "POST", "/business/company-email", 10714, ""),
    ("company_address", "POST", "/business/company-address", 10773, ""),
    ("company_websites", "POST", "/business/company-websites", 10829, ""),
    ("business_hours", "POST", "/business/hours", 10891, "Opening hours"),
    ("business_available_categories", "GET", "/business/available-categories", 10970, ""),
    ("business_categories", "POST", "/business/categories", 11033, "Assign categories"),
]

# One ``update-webhook-*`` row per webhook kind, from the kinds table.
_WEBHOOKS: list[Row] = [
    *((kind.endpoint, "PUT", kind.path, kind.spec_line, "") for kind in WEBHOOK_KINDS),
    ("update_every_webhooks", "PUT", "/update-every-webhooks", 13413, "All at once"),
    ("update_notify_sent_by_me", "PUT", "/update-notify-sent-by-me", 13444, ""),
]

_STATUS_STORIES: list[Row] = [
    ("send_text_status", "POST", "/send-text-status", 13814, "Text story"),
    ("send_image_status", "POST", "/send-image-status", 13874, "Image story"),
    ("reply_status_text", "POST", "/reply-status-text", 13941, "Reply to a story"),
    ("reply_status_gif", "POST", "/reply-status-gif", 14003, "Reply to a story with a GIF"),
    ("reply_status_sticker", "POST", "/reply-status-sticker", 14066, "Reply with a sticker"),
    ("send_video_status", "POST", "/send-video-status", 14128, "Video story"),
]

# Partner (integrator) API, Bearer token (spec 001, "Partners"). Subscribe and cancel
# live under the instance's own path but authenticate with the integrator token.
_PARTNER: list[Row] = [
    ("partner_create_instance", "POST", "/instances/integrator/on-demand", 13515, ""),
    (
        "partner_subscribe",
        "POST",
        INSTANCE_PREFIX + "/integrator/on-demand/subscription",
        13607,
        "Keep the instance after the trial",
    ),
    (
        "partner_cancel",
        "POST",
        INSTANCE_PREFIX + "/integrator/on-demand/cancel",
        13654,
        "Stays active 30 more days",
    ),
    ("partner_list_instances", "GET", "/instances", 13704, "page, pageSize, query, middleware"),
]

# spec 003: part 1 gives the URL; part 2 (verify) leaves it blank, so we chose
# /api/whatsapp/verifyNumber by analogy. Both POST JSON with Authorization: Bearer.
_NUMBER_REGISTRATION: list[Row] = [
    ("number_register", "POST", "/api/whatsapp/registerNumber", 15, "Ask for an SMS/voice code"),
    ("number_verify", "POST", "/api/whatsapp/verifyNumber", 40, "Verify the 6-digit code"),
]

_QUERIES: dict[str, tuple[str, ...]] = {
    "contacts": ("page", "pageSize"),
    "chats": ("page", "pageSize"),
    "groups": ("page", "pageSize"),
    "queue": ("page", "pageSize", "count"),
    "contact_profile_picture": ("phone",),
    "delete_message": ("messageId", "phone", "owner"),
    "privacy_disallowed_contacts": ("type",),
    "privacy_read_receipts": ("value",),
    "privacy_messages_duration": ("value",),
    "group_invitation_metadata": ("url",),
    "accept_invite_group": ("url",),
    "catalog_by_phone": ("nextCursor",),
    "collections": ("nextCursor",),
    "collection_products": ("collectionId", "nextCursor"),
    "business_available_categories": ("query",),
    "partner_list_instances": ("page", "pageSize", "query", "middleware"),
}


def _build() -> tuple[Endpoint, ...]:
    rows: list[Endpoint] = []
    instance_sections = [
        ("instance", _INSTANCE),
        ("mobile", _MOBILE),
        ("security", _SECURITY),
        ("messages", _MESSAGES),
        ("privacy", _PRIVACY),
        ("contacts", _CONTACTS),
        ("chats", _CHATS),
        ("calls", _CALLS),
        ("groups", _GROUPS),
        ("communities", _COMMUNITIES),
        ("queue", _QUEUE),
        ("business", _BUSINESS),
        ("webhooks", _WEBHOOKS),
        ("status", _STATUS_STORIES),
    ]
    for section, table in instance_sections:
        rows += _rows("instance", section, table)
    rows += _rows("partner", "partner", _PARTNER)
    rows += _rows(
        "number_registration", "number_registration", _NUMBER_REGISTRATION, spec_file="003"
    )
    return tuple(rows)


ENDPOINTS: tuple[Endpoint, ...] = _build()
ENDPOINTS_BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}
