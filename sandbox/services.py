"""Writes on the sandbox's instances: creation, the pairing lifecycle and the simulation
controls (scan, phone offline, ban, inbound messages, presence). Sending lives in sending.py.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sandbox import sending
from sandbox.models import SandboxAccount, SandboxChat, SandboxInstance
from sandbox.tasks import instance_connect_task
from sandbox.webhooks import (
    connected_payload,
    disconnected_payload,
    presence_payload,
    received_payload,
    webhook_emit,
)
from zapi.events import WEBHOOK_KINDS

DEFAULT_ACCOUNT = "Sandbox"
State = SandboxInstance.State


def account_default() -> SandboxAccount:
    """The account instances belong to unless told otherwise (no Client-Token required)."""
    account, _ = SandboxAccount.objects.get_or_create(name=DEFAULT_ACCOUNT)
    return account


def random_phone() -> str:
    return "55119" + "".join(secrets.choice("0123456789") for _ in range(8))


@transaction.atomic
def every_kind(url: str) -> dict[str, str]:
    """``url`` for every webhook kind: what ``update-every-webhooks`` stores."""
    return {kind.name: url for kind in WEBHOOK_KINDS}


def sandbox_instance_create(
    *,
    name: str,
    account: SandboxAccount | None = None,
    connected: bool = False,
    phone: str = "",
    webhook_url: str = "",
    middleware: str = "web",
    payment_status: str = "PAID",
    due_days: int = 30,
    timings: dict[str, float] | None = None,
    webhooks: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
) -> SandboxInstance:
    hooks = every_kind(webhook_url) if webhook_url else {}
    hooks.update(webhooks or {})
    instance = SandboxInstance.objects.create(
        account=account or account_default(),
        name=name,
        phone=phone,
        middleware=middleware,
        payment_status=payment_status,
        due=timezone.now() + timedelta(days=due_days),
        webhooks=hooks,
        timings=timings or {},
        settings=settings or {},
    )
    if connected:
        return instance_connect(instance=instance, phone=phone or random_phone(), notify=False)
    return instance


def _locked(instance: SandboxInstance) -> SandboxInstance:
    return SandboxInstance.objects.select_for_update().get(pk=instance.pk)


# -- lifecycle -----------------------------------------------------------------------------
@transaction.atomic
def instance_qr_session(*, instance: SandboxInstance) -> SandboxInstance:
    """Start the QR session on the first /qr-code call; codes rotate from then on."""
    instance = _locked(instance)
    if instance.qr_started_at is None:
        instance.qr_started_at = timezone.now()
        instance.save(update_fields=["qr_started_at"])
    return instance


@transaction.atomic
def instance_scan(*, instance: SandboxInstance, phone: str = "") -> SandboxInstance:
    """The phone read the QR code (or typed the phone code): "scanned", then connected after
    ``scan_connect`` seconds (a Celery task), with ConnectedCallback."""
    instance = _locked(instance)
    if instance.state in (State.CONNECTED, State.BANNED):
        return instance
    pending = instance.data.get("phone_code", {}).get("phone", "")
    instance.phone = phone or pending or instance.phone or random_phone()
    instance.state = State.SCANNED
    instance.save(update_fields=["phone", "state"])
    delay = instance.timing("scan_connect")
    if delay <= 0:
        return instance_connect(instance=instance)
    pk = instance.pk
    transaction.on_commit(lambda: instance_connect_task.apply_async((pk,), countdown=delay))
    return instance


@transaction.atomic
def instance_connect(
    *, instance: SandboxInstance, phone: str = "", notify: bool = True
) -> SandboxInstance:
    instance = _locked(instance)
    if instance.state == State.CONNECTED or instance.state == State.BANNED:
        return instance
    instance.state = State.CONNECTED
    instance.phone = phone or instance.phone or random_phone()
    instance.smartphone_connected = True
    instance.connected_at = timezone.now()
    instance.qr_started_at = None
    instance.next_send_at = None
    instance.data.pop("phone_code", None)
    instance.save()
    if notify:
        webhook_emit(instance, connected_payload(instance))
    # spec 001, "Queue > Recomendação": on connecting, Z-API sends whatever is queued.
    sending.queue_kick(instance=instance)
    return instance


@transaction.atomic
def instance_disconnect(
    *, instance: SandboxInstance, error: str = "Device has been disconnected"
) -> SandboxInstance:
    instance = _locked(instance)
    if instance.state in (State.WAITING_QR, State.DISCONNECTED, State.BANNED):
        return instance
    was_connected = instance.state == State.CONNECTED
    instance.state = State.DISCONNECTED
    instance.qr_started_at = None
    instance.next_send_at = None
    instance.save(update_fields=["state", "qr_started_at", "next_send_at"])
    if was_connected:
        webhook_emit(instance, disconnected_payload(instance, error=error))
    return instance


@transaction.atomic
def instance_restart(*, instance: SandboxInstance) -> SandboxInstance:
    """Like a reboot: a connected session survives (spec 001, "Instance > Restart instance"), the
    queue resumes."""
    instance = _locked(instance)
    instance.next_send_at = None
    instance.save(update_fields=["next_send_at"])
    sending.queue_kick(instance=instance)
    return instance


@transaction.atomic
def instance_phone_online(*, instance: SandboxInstance, online: bool) -> SandboxInstance:
    """The phone lost (or regained) the internet: the session stays, nothing is sent."""
    instance = _locked(instance)
    instance.smartphone_connected = online
    instance.next_send_at = None
    instance.save(update_fields=["smartphone_connected", "next_send_at"])
    if online:
        sending.queue_kick(instance=instance)
    return instance


@transaction.atomic
def instance_ban(*, instance: SandboxInstance) -> SandboxInstance:
    """WhatsApp banned the number: disconnected for good; mobile registration reports it
    blocked with an appealToken until unbanned."""
    instance = _locked(instance)
    was_connected = instance.state == State.CONNECTED
    instance.state = State.BANNED
    banned = set(instance.data.get("banned_numbers", []))
    if instance.phone:
        banned.add(instance.phone)
    instance.data["banned_numbers"] = sorted(banned)
    instance.save(update_fields=["state", "data"])
    if was_connected:
        webhook_emit(instance, disconnected_payload(instance, error="Number banned"))
    return instance


@transaction.atomic
def instance_unban(*, instance: SandboxInstance) -> SandboxInstance:
    instance = _locked(instance)
    instance.data["banned_numbers"] = []
    if instance.state == State.BANNED:
        instance.state = State.DISCONNECTED
    instance.save(update_fields=["state", "data"])
    return instance


@transaction.atomic
def instance_settings_update(*, instance: SandboxInstance, **values: Any) -> SandboxInstance:
    instance = _locked(instance)
    instance.settings.update(values)
    instance.save(update_fields=["settings"])
    return instance


@transaction.atomic
def instance_webhooks_update(
    *, instance: SandboxInstance, urls: dict[str, str], notify_sent_by_me: bool | None = None
) -> SandboxInstance:
    instance = _locked(instance)
    instance.webhooks.update(urls)
    fields = ["webhooks"]
    if notify_sent_by_me is not None:
        instance.settings["notifySentByMe"] = notify_sent_by_me
        fields.append("settings")
    instance.save(update_fields=fields)
    return instance


@transaction.atomic
def instance_tune(
    *,
    instance: SandboxInstance,
    timings: dict[str, float] | None = None,
    faults: dict[str, float] | None = None,
) -> SandboxInstance:
    instance = _locked(instance)
    instance.timings.update(timings or {})
    instance.faults.update(faults or {})
    instance.save(update_fields=["timings", "faults"])
    return instance


# -- what contacts do ------------------------------------------------------------------------
def chat_touch(*, instance: SandboxInstance, phone: str, name: str = "") -> SandboxChat:
    chat, _ = SandboxChat.objects.get_or_create(
        instance=instance, phone=phone, defaults={"name": name, "is_group": "-" in phone}
    )
    chat.last_message_at = timezone.now()
    if name and not chat.name:
        chat.name = name
    chat.save(update_fields=["last_message_at", "name"])
    return chat


@transaction.atomic
def inbound_message(
    *,
    instance: SandboxInstance,
    phone: str,
    content: dict[str, Any],
    sender_name: str = "",
) -> dict[str, Any]:
    """A contact sent the instance a message of any kind: ReceivedCallback."""
    chat = chat_touch(instance=instance, phone=phone, name=sender_name)
    chat.flags["unread"] = int(chat.flags.get("unread", 0)) + 1
    chat.save(update_fields=["flags"])
    payload = received_payload(instance, phone=phone, content=content, sender_name=sender_name)
    webhook_emit(instance, payload)
    return payload


@transaction.atomic
def inbound_presence(*, instance: SandboxInstance, phone: str, status: str) -> dict[str, Any]:
    payload = presence_payload(instance, phone=phone, status=status)
    webhook_emit(instance, payload)
    return payload
