"""The sandbox's own state: a pretend Z-API account, its instances, their queues and the
webhooks they push. Separate from the product's ``instances.Instance`` on purpose: the sandbox
plays the upstream, the product is its client.

Tokens are stored in clear here: these are made-up credentials of an emulator, shown on its
console so that people can use them.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_zapi_id() -> str:
    # Z-API ids and tokens are 32 upper-case hex characters (spec 001, "Queue > Fila").
    return secrets.token_hex(16).upper()


def new_token() -> str:
    return secrets.token_hex(12).upper()


# Timings an instance runs with unless its ``timings`` override them (seconds, shares 0-1).
DEFAULT_TIMINGS: dict[str, float] = {
    "qr_ttl": 20.0,  # WhatsApp invalidates the QR code every 20 s (spec 002).
    "scan_connect": 2.0,  # "scanned" -> connected
    "gap_min": 1.0,  # default random gap between two sends (spec 001, "Queue > Fila")
    "gap_max": 3.0,
    "sent_after": 0.3,  # DeliveryCallback -> MessageStatusCallback SENT
    "received_after": 1.0,  # SENT -> RECEIVED
    "read_after": 2.0,  # RECEIVED -> READ
    "played_after": 1.0,  # READ -> PLAYED (audio, ptv)
    "received_share": 1.0,  # how many sent messages reach the phone
    "read_share": 0.8,
    "played_share": 0.8,
    "webhook_retry": 1.0,  # first retry of a failed webhook; doubles each time
    "code_wait": 60.0,  # mobile registration: wait before asking for another code
    "unban_review": 10.0,  # mobile registration: appeal in review, then unbanned
    "queue_limit": 1000,  # spec 001, "Queue > Recomendação": queued messages while disconnected
}

# Faults an operator can switch on per instance (shares 0-1, latency in ms).
DEFAULT_FAULTS: dict[str, float] = {
    "latency_ms": 0,
    "error_share": 0.0,  # API answers 500
    "rate_limit_share": 0.0,  # API answers 429 with Retry-After
    "drop_share": 0.0,  # webhooks never sent
    "duplicate_share": 0.0,  # webhooks sent twice
    "out_of_order": 0.0,  # 1 = status webhooks in reverse order
}


class SandboxAccount(models.Model):
    """A pretend Z-API account: its security token and its integrator (partner) token."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # Empty: the account does not require the Client-Token header (spec 001, "Introduction > Account
    # Security Token").
    client_token = models.CharField(_("account security token"), max_length=64, blank=True)
    # Bearer token of the partner API and the number-registration API.
    integrator_token = models.CharField(
        _("integrator token"), max_length=64, unique=True, default=new_token
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox account")
        verbose_name_plural = _("sandbox accounts")

    def __str__(self) -> str:
        return self.name


class SandboxInstance(models.Model):
    class State(models.TextChoices):
        WAITING_QR = "waiting_qr", _("Waiting for a QR scan")
        SCANNED = "scanned", _("Scanned, connecting")
        CONNECTED = "connected", _("Connected")
        DISCONNECTED = "disconnected", _("Disconnected")
        BANNED = "banned", _("Banned")

    account = models.ForeignKey(
        SandboxAccount, on_delete=models.CASCADE, related_name="instances", null=True, blank=True
    )
    zapi_id = models.CharField(max_length=64, unique=True, default=new_zapi_id)
    token = models.CharField(max_length=64, default=new_token)
    name = models.CharField(_("name"), max_length=120)
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING_QR)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    smartphone_connected = models.BooleanField(default=True)
    # "web" or "mobile" (isDevice at creation, spec 001, "Partners > Creating an instance").
    middleware = models.CharField(max_length=10, default="web")
    is_business = models.BooleanField(default=True)
    # Start of the current QR session: codes rotate every ``qr_ttl`` from here.
    qr_started_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    # Partner billing (spec 001, "Partners"): TRIAL, PAID, CANCELED.
    payment_status = models.CharField(max_length=20, default="PAID")
    due = models.DateTimeField(null=True, blank=True)
    # Where events go: one URL per kind name of ``zapi.events.WEBHOOK_KINDS``, and the other
    # /me settings.
    webhooks = models.JSONField(default=dict, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    faults = models.JSONField(default=dict, blank=True)
    # Mobile registration, pairing code, profile, company profile, privacy...
    data = models.JSONField(default=dict, blank=True)
    # When the queue may send its next message (the gap after the previous one).
    next_send_at = models.DateTimeField(null=True, blank=True)
    # When a queue tick was last scheduled: one chain of ticks per instance (conditional
    # UPDATE in services.queue_kick), and the sweeper restarts chains left stale.
    tick_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sandbox instance")
        verbose_name_plural = _("sandbox instances")

    def __str__(self) -> str:
        return f"{self.name} ({self.zapi_id})"

    def timing(self, key: str) -> float:
        return float(self.timings.get(key, DEFAULT_TIMINGS[key]))

    def fault(self, key: str) -> float:
        return float(self.faults.get(key, DEFAULT_FAULTS[key]))

    @property
    def is_connected(self) -> bool:
        return self.state == self.State.CONNECTED

    @property
    def can_send(self) -> bool:
        return self.is_connected and self.smartphone_connected

    def webhook_url(self, kind: str) -> str:
        return str(self.webhooks.get(kind) or "")


class SandboxMessage(models.Model):
    """A message sent through the API: queued, then sent by the queue with a gap."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")

    instance = models.ForeignKey(SandboxInstance, on_delete=models.CASCADE, related_name="messages")
    zaap_id = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=64)
    endpoint = models.CharField(max_length=60)  # the ENDPOINTS name: send_text, send_audio...
    phone = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    delay_message = models.PositiveSmallIntegerField(null=True, blank=True)
    delay_typing = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # Statuses already reported (SENT, RECEIVED, READ, PLAYED).
    statuses = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["instance", "state", "id"])]

    def __str__(self) -> str:
        return self.zaap_id

    @property
    def text(self) -> str:
        p: dict[str, Any] = self.payload
        return str(p.get("message") or p.get("caption") or "")


class SandboxWebhook(models.Model):
    """One webhook POST the sandbox owes (or owed) a URL; the delivery log of the console."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Dropped (fault)")

    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="sent_webhooks"
    )
    kind = models.CharField(max_length=30)
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.url}"


class SandboxChat(models.Model):
    """A chat (contact or group) the instance knows: contacts, chats and chat tags."""

    instance = models.ForeignKey(SandboxInstance, on_delete=models.CASCADE, related_name="chats")
    phone = models.CharField(max_length=60)
    name = models.CharField(max_length=120, blank=True)
    is_group = models.BooleanField(default=False)
    is_contact = models.BooleanField(default=True)
    tags = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=dict, blank=True)  # archived, pinned, muted, unread...
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "phone"], name="sandbox_chat_unique")
        ]

    def __str__(self) -> str:
        return self.phone


class SandboxTag(models.Model):
    instance = models.ForeignKey(SandboxInstance, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100)
    color = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SandboxProduct(models.Model):
    instance = models.ForeignKey(SandboxInstance, on_delete=models.CASCADE, related_name="products")
    product_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "product_id"], name="sandbox_product_unique"
            )
        ]

    def __str__(self) -> str:
        return self.product_id


class SandboxCollection(models.Model):
    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="collections"
    )
    collection_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    product_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SandboxNumber(models.Model):
    """A number registered through the number-registration partner API (spec 003)."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="numbers")
    whatsapp = models.CharField(max_length=20)
    method = models.PositiveSmallIntegerField(default=1)  # 1 SMS, 2 voice
    language = models.CharField(max_length=10, default="en")
    comment = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=6)
    # Code requests in the current hour (spec 003: no more than 3).
    code_requests = models.PositiveSmallIntegerField(default=0)
    first_request_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "whatsapp"], name="sandbox_number_unique")
        ]

    def __str__(self) -> str:
        return self.whatsapp
