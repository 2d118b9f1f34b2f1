"""Contacts and chats the instance knows (spec 001, "Contacts"): the list, add, remove,
metadata, phone-exists (and batch), block, and chat flags through modify-chat.

Numbers ending in 404 have no WhatsApp (a sandbox convention, shown on the console).
"""

from __future__ import annotations

from typing import Any

from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from sandbox.handlers.generic import require_phone
from sandbox.models import SandboxChat

CHAT_ACTIONS = {
    "read": ("unread", 0),
    "unread": ("unread", 1),
    "archive": ("archived", True),
    "unarchive": ("archived", False),
    "pin": ("pinned", True),
    "unpin": ("pinned", False),
    "mute": ("muted", True),
    "unmute": ("muted", False),
}


def has_whatsapp(phone: str) -> bool:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return 10 <= len(digits) <= 13 and not digits.endswith("404")


def whatsapp_number(phone: str) -> str:
    """Brazilian mobiles gained a ninth digit: 55 + DDD + 8 digits -> 55 + DDD + 9 + 8."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("55") and len(digits) == 12 and digits[4] in "6789":
        return digits[:4] + "9" + digits[4:]
    return digits


def _contact(chat: SandboxChat) -> dict[str, Any]:
    first = chat.name.split(" ")[0] if chat.name else None
    return {
        "phone": chat.phone,
        "name": chat.name or None,
        "short": first,
        "vname": None,
        "notify": chat.name or None,
    }


def _chat(chat: SandboxChat) -> dict[str, Any]:
    flags = chat.flags
    last = int(chat.last_message_at.timestamp()) if chat.last_message_at else 0
    return {
        "archived": str(bool(flags.get("archived"))).lower(),
        "pinned": str(bool(flags.get("pinned"))).lower(),
        "messagesUnread": 0,
        "phone": chat.phone,
        "unread": str(int(flags.get("unread", 0))),
        "name": chat.name or chat.phone,
        "lastMessageTime": str(last),
        "muteEndTime": -1 if flags.get("muted") else None,
        "isMuted": "1" if flags.get("muted") else "0",
        "isMarketSpam": "false",
        "isGroup": chat.is_group,
        "tags": chat.tags,
    }


def _page(call: Call, rows: Any) -> Any:
    page = call.int_query("page", 1)
    size = call.int_query("pageSize", 100, high=1000)
    return rows[(page - 1) * size : page * size]


@handles("contacts")
def contacts(call: Call) -> Answer:
    require_phone(call)
    rows = call.inst.chats.filter(is_contact=True, is_group=False).order_by("name", "pk")
    return [_contact(c) for c in _page(call, rows)]


def _list_body(call: Call) -> list[Any]:
    if not isinstance(call.body, list) or not call.body:
        raise ApiError(400, INVALID_REQUEST)
    return call.body


@handles("contacts_add")
def contacts_add(call: Call) -> Answer:
    require_phone(call)
    errors = []
    for item in _list_body(call):
        phone = str(item.get("phone", "")) if isinstance(item, dict) else ""
        if not has_whatsapp(phone):
            errors.append({"phone": phone, "error": "Invalid phone"})
            continue
        name = " ".join(str(item.get(k) or "") for k in ("firstName", "lastName")).strip()
        chat, _ = SandboxChat.objects.get_or_create(instance=call.inst, phone=phone)
        chat.name, chat.is_contact = name or chat.name, True
        chat.save(update_fields=["name", "is_contact"])
    return {"success": not errors, "errors": errors}


@handles("contacts_remove")
def contacts_remove(call: Call) -> Answer:
    require_phone(call)
    phones = [str(p) for p in _list_body(call)]
    call.inst.chats.filter(phone__in=phones).update(is_contact=False)
    return {"success": True, "errors": []}


@handles("contact_metadata")
def contact_metadata(call: Call) -> Answer:
    require_phone(call)
    phone = call.params["phone"]
    chat = call.inst.chats.filter(phone=phone).first() or SandboxChat(phone=phone)
    return {**_contact(chat), "about": "", "imgUrl": None}


@handles("contact_profile_picture")
def contact_profile_picture(call: Call) -> Answer:
    require_phone(call)
    if not call.query.get("phone"):
        raise ApiError(400, INVALID_REQUEST, field="phone")
    return [{"link": None}]


@handles("phone_exists")
def phone_exists(call: Call) -> Answer:
    require_phone(call)
    phone = call.params["phone"]
    exists = has_whatsapp(phone)
    return [{"exists": exists, "phone": whatsapp_number(phone) if exists else None, "lid": None}]


@handles("phone_exists_batch")
def phone_exists_batch(call: Call) -> Answer:
    """Up to 50,000 numbers a call ("Contacts > Number with WhatsApp?")."""
    require_phone(call)
    phones = call.require("phones")["phones"]
    if not isinstance(phones, list) or len(phones) > 50_000:
        raise ApiError(400, INVALID_REQUEST, field="phones")
    return [
        {
            "exists": has_whatsapp(str(p)),
            "inputPhone": str(p),
            "outputPhone": whatsapp_number(str(p)) if has_whatsapp(str(p)) else None,
        }
        for p in phones
    ]


@handles("contact_block")
def contact_block(call: Call) -> Answer:
    require_phone(call)
    data = call.require("phone", "action")
    if data["action"] not in ("block", "unblock"):
        raise ApiError(400, INVALID_REQUEST, field="action")
    chat, _ = SandboxChat.objects.get_or_create(instance=call.inst, phone=str(data["phone"]))
    chat.flags["blocked"] = data["action"] == "block"
    chat.save(update_fields=["flags"])
    return {"value": True}


@handles("chats", "groups")
def chats(call: Call) -> Answer:
    require_phone(call)
    rows = call.inst.chats.all()
    if call.endpoint.name == "groups":
        rows = rows.filter(is_group=True)
    return [_chat(c) for c in _page(call, rows)]


@handles("chat_metadata")
def chat_metadata(call: Call) -> Answer:
    require_phone(call)
    chat = call.inst.chats.filter(phone=call.params["phone"]).first()
    if chat is None:
        raise ApiError(404, "Chat not found")
    return _chat(chat)


@handles("modify_chat")
def modify_chat(call: Call) -> Answer:
    require_phone(call)
    data = call.require("phone", "action")
    action = data["action"]
    chat = call.inst.chats.filter(phone=str(data["phone"])).first()
    if action not in (*CHAT_ACTIONS, "clear", "delete"):
        raise ApiError(400, INVALID_REQUEST, field="action")
    if chat is None:
        raise ApiError(404, "Chat not found")
    if action == "delete":
        chat.delete()
    elif action in CHAT_ACTIONS:
        key, value = CHAT_ACTIONS[action]
        chat.flags[key] = value
        chat.save(update_fields=["flags"])
    return {"value": True}
