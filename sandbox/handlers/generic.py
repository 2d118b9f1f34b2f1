"""The documented success shape of endpoints the sandbox keeps no state for (privacy,
groups, communities, account security...), taken from each endpoint's 200 example."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sandbox.api import Answer, Call, not_connected
from sandbox.webhooks import new_message_id

# Sections that need the phone: Z-API answers "not connected" while it is away ("Instance > Instance
# status").
NEEDS_PHONE = frozenset(
    {"privacy", "contacts", "chats", "calls", "groups", "communities", "business", "security"}
)


def require_phone(call: Call) -> None:
    if call.endpoint.section in NEEDS_PHONE and not call.inst.is_connected:
        raise not_connected()


def _group_id(call: Call) -> str:
    return f"{call.inst.phone or '5511999999999'}-{int(time.time())}"


def _invite() -> str:
    return "https://chat.whatsapp.com/" + secrets.token_urlsafe(16)


def _group_metadata(call: Call) -> dict[str, Any]:
    phone = call.params.get("phone") or _group_id(call)
    return {
        "phone": phone,
        "description": "",
        "owner": call.inst.phone,
        "subject": "Sandbox group",
        "creation": int(time.time() * 1000),
        "invitationLink": _invite(),
        "communityId": None,
        "adminOnlyMessage": False,
        "adminOnlySettings": False,
        "requireAdminApproval": False,
        "isGroupAnnouncement": False,
        "participants": [{"phone": call.inst.phone, "isAdmin": True, "isSuperAdmin": True}],
    }


def _message_ack(call: Call) -> dict[str, Any]:
    message_id = new_message_id()
    return {"zaapId": secrets.token_hex(16).upper(), "messageId": message_id, "id": message_id}


_SHAPES: dict[str, Any] = {
    "security_email": lambda c: {"success": True, "hasEmail": False, "email": None},
    "security_two_fa_code": lambda c: {"success": True, "hasCode": False},
    "privacy_disallowed_contacts": lambda c: {"disallowedContacts": []},
    "create_group": lambda c: {"phone": _group_id(c), "invitationLink": _invite()},
    "group_metadata": _group_metadata,
    "light_group_metadata": _group_metadata,
    "group_invitation_metadata": _group_metadata,
    "redefine_invitation_link": lambda c: {"invitationLink": _invite()},
    "group_invitation_link": lambda c: {
        "phone": c.params.get("groupId"),
        "invitationLink": _invite(),
    },
    "accept_invite_group": lambda c: {"success": True},
    "create_community": lambda c: {
        "id": str(int(time.time() * 1000)),
        "subGroups": [
            {"name": c.data().get("name", ""), "phone": _group_id(c), "isGroupAnnouncement": True}
        ],
    },
    "communities": lambda c: [],
    "community_metadata": lambda c: {
        "name": "Sandbox community",
        "id": c.params.get("communityId"),
        "description": "",
        "subGroups": [],
    },
    "update_community_description": lambda c: {"value": True},
    "send_call": _message_ack,
    "delete_message": _message_ack,
    "read_message": _message_ack,
}

_VALUE_SECTIONS = frozenset({"groups", "chats", "instance", "webhooks"})


def generic(call: Call) -> Answer:
    require_phone(call)
    shape = _SHAPES.get(call.endpoint.name)
    if shape is not None:
        return shape(call)
    if call.endpoint.method == "PUT" or call.endpoint.section in _VALUE_SECTIONS:
        return {"value": True}
    return {"success": True}
