"""Webhooks the sandbox pushes: payloads shaped as spec 001, "Webhooks", where each kind
goes (the instance's ``update-webhook-*`` URLs), faults, and delivery over real HTTP.

``momment`` is always milliseconds since the epoch (most spec examples: "Webhooks > Upon
receiving", "Webhooks > Message status"); the disconnected example's seconds ("Webhooks >
When disconnecting") would make events incomparable.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import secrets
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.models import SandboxInstance, SandboxWebhook
from sandbox.tasks import WEBHOOK_MAX_ATTEMPTS, webhook_deliver_task
from zapi.events import kinds_for_event

logger = logging.getLogger("sandbox.webhooks")

WEBHOOK_TIMEOUT = httpx.Timeout(5.0)


def now_ms() -> int:
    return int(time.time() * 1000)


def new_message_id() -> str:
    # WhatsApp message ids from web sessions look like 3EB0 + 16 hex characters.
    return "3EB0" + secrets.token_hex(8).upper()


def is_local_host(url: str) -> bool:
    """Plain http:// is allowed only for local URLs (issue 4); Z-API itself refuses
    non-HTTPS webhooks (spec 001, "Webhooks > Via api")."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "") or "." not in host:
        return True
    if host.endswith((".local", ".internal", ".test", ".localhost")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def _never_reachable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Link-local holds the cloud metadata service (169.254.169.254): never a webhook.
    return (
        address.is_link_local or address.is_unspecified or address.is_multicast
        or address.is_reserved
    )  # fmt: skip


def webhook_url_error(url: str) -> str | None:
    """Why ``url`` cannot be a webhook URL, or None. An empty URL switches the kind off."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Invalid webhook URL"
    try:
        address = ipaddress.ip_address((parts.hostname or "").strip("[]"))
    except ValueError:
        address = None
    if address is not None and _never_reachable(address):
        return "Webhook URLs may not point at link-local or reserved addresses"
    local = is_local_host(url)
    if local and not settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE:
        return "Webhook URLs may not point at private addresses here"
    if parts.scheme == "http" and not local:
        return "Z-API does not accept non-HTTPS webhooks"
    return None


def webhook_delivery_error(url: str) -> str | None:
    """``webhook_url_error`` again at delivery, for every address the host resolves to (a
    public name may resolve to a private or metadata address)."""
    error = webhook_url_error(url)
    if error:
        return error
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return None  # the POST will fail and say so
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if _never_reachable(address):
            return "Webhook host resolves to a link-local or reserved address"
        if (address.is_private or address.is_loopback) and (
            not settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE
        ):
            return "Webhook host resolves to a private address"
    return None


# -- payloads --------------------------------------------------------------------------
def delivery_payload(instance: SandboxInstance, *, phone: str, zaap_id: str, message_id: str):
    return {
        "phone": phone,
        "zaapId": zaap_id,
        "messageId": message_id,
        "type": "DeliveryCallback",
        "instanceId": instance.zapi_id,
    }


def status_payload(
    instance: SandboxInstance, *, status: str, ids: list[str], phone: str, is_group: bool = False
) -> dict[str, Any]:
    return {
        "instanceId": instance.zapi_id,
        "status": status,
        "ids": ids,
        "momment": now_ms(),
        "phoneDevice": 0,
        "phone": phone,
        "type": "MessageStatusCallback",
        "isGroup": is_group,
    }


def connected_payload(instance: SandboxInstance) -> dict[str, Any]:
    return {
        "type": "ConnectedCallback",
        "connected": True,
        "momment": now_ms(),
        "instanceId": instance.zapi_id,
        "phone": instance.phone,
    }


def disconnected_payload(instance: SandboxInstance, *, error: str) -> dict[str, Any]:
    return {
        "momment": now_ms(),
        "error": error,
        "disconnected": True,
        "type": "DisconnectedCallback",
        "instanceId": instance.zapi_id,
    }


def presence_payload(instance: SandboxInstance, *, phone: str, status: str) -> dict[str, Any]:
    last_seen = now_ms() if status == "UNAVAILABLE" else None
    return {
        "type": "PresenceChatCallback",
        "phone": phone,
        "status": status,
        "lastSeen": last_seen,
        "instanceId": instance.zapi_id,
    }


def received_payload(
    instance: SandboxInstance,
    *,
    phone: str,
    content: dict[str, Any],
    message_id: str | None = None,
    sender_name: str = "",
    from_me: bool = False,
    from_api: bool = False,
    is_group: bool = False,
    participant_phone: str | None = None,
) -> dict[str, Any]:
    """A ReceivedCallback (spec 001, "Webhooks > Upon receiving"); ``content`` holds the
    kind's key, e.g. ``{"text": {"message": "hi"}}`` or ``{"image": {...}}`` or a
    ``notification``."""
    return {
        "isStatusReply": False,
        "senderLid": f"{abs(hash(phone)) % 10**14}@lid",
        "connectedPhone": instance.phone,
        "waitingMessage": False,
        "isEdit": False,
        "isGroup": is_group,
        "isNewsletter": False,
        "instanceId": instance.zapi_id,
        "messageId": message_id or new_message_id(),
        "phone": phone,
        "fromMe": from_me,
        "fromApi": from_api,
        "momment": now_ms(),
        "status": "SENT" if from_me else "RECEIVED",
        "chatName": sender_name or phone,
        "senderPhoto": None,
        "senderName": sender_name or phone,
        "participantPhone": participant_phone,
        "participantLid": None,
        "photo": None,
        "broadcast": False,
        "type": "ReceivedCallback",
        **content,
    }


# -- emitting ----------------------------------------------------------------------------
def webhook_emit(
    instance: SandboxInstance, payload: dict[str, Any], *, countdown: float = 0.0
) -> list[SandboxWebhook]:
    """Queue ``payload`` for the URL its kind is configured to; nothing when none is.

    The instance's faults apply here: a share of webhooks is dropped, a share sent twice.
    Delivery tasks are sent after commit (a worker must see the row).
    """
    kind = str(payload["type"])
    # The first kind receiving this event whose URL is set (routing order of the table).
    urls = (instance.webhook_url(k.name) for k in kinds_for_event(kind))
    url = next((u for u in urls if u), "")
    if not url:
        return []
    rows: list[SandboxWebhook] = []
    copies = 2 if random.random() < instance.fault("duplicate_share") else 1
    for _ in range(copies):
        dropped = random.random() < instance.fault("drop_share")
        row = SandboxWebhook.objects.create(
            instance=instance,
            kind=kind,
            url=url,
            payload=payload,
            state=SandboxWebhook.State.DROPPED if dropped else SandboxWebhook.State.PENDING,
        )
        rows.append(row)
        if not dropped:
            _send_after_commit(row.pk, countdown)
    return rows


def _send_after_commit(webhook_id: int, countdown: float) -> None:
    transaction.on_commit(
        lambda: webhook_deliver_task.apply_async((webhook_id,), countdown=max(countdown, 0))
    )


def webhook_deliver(*, webhook_id: int) -> float | None:
    """POST one webhook. Returns the seconds to wait before trying again, or None when done
    (delivered, or failed for good: a 4xx other than 408/429, or too many attempts)."""
    row = SandboxWebhook.objects.filter(pk=webhook_id).select_related("instance").first()
    if row is None or row.state != SandboxWebhook.State.PENDING:
        return None
    row.attempts += 1
    retry_base = row.instance.timing("webhook_retry")
    refused = webhook_delivery_error(row.url)
    if refused:
        row.state, row.last_status, row.last_error = SandboxWebhook.State.FAILED, None, refused
        row.save(update_fields=["attempts", "state", "last_status", "last_error"])
        return None
    try:
        with httpx.Client(timeout=WEBHOOK_TIMEOUT, follow_redirects=False) as http:
            response = http.post(row.url, json=row.payload)
    except httpx.HTTPError as exc:
        row.last_error = f"{type(exc).__name__}"[:300]
        row.last_status = None
        status = None
    else:
        status = response.status_code
        row.last_status = status
        row.last_error = "" if status < 400 else response.text[:300]
    retry: float | None = None
    if status is not None and status < 300:
        row.state = SandboxWebhook.State.DELIVERED
        row.delivered_at = timezone.now()
    elif (
        status is None or status >= 500 or status in (408, 429)
    ) and row.attempts < WEBHOOK_MAX_ATTEMPTS:
        retry = retry_base * 2 ** (row.attempts - 1)
    else:
        row.state = SandboxWebhook.State.FAILED
    row.save(update_fields=["attempts", "state", "last_status", "last_error", "delivered_at"])
    if retry is not None:
        logger.info(
            "sandbox webhook %s %s failed (%s), retry in %.1fs", row.pk, row.kind, status, retry
        )
    return retry
