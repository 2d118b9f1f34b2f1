from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.secrets import mask
from partners.models import Partner
from partners.scoping import TenantQuerySet


def new_webhook_secret() -> str:
    # 32 random bytes (>= 24 asked by the design), URL-safe because it sits in the path.
    return secrets.token_urlsafe(32)


def webhook_secret_digest(secret: str, key: str | bytes | None = None) -> str:
    """A keyed hash of a webhook secret (HMAC-SHA256 under ``SECRET_KEY``, or ``key``): what
    the receiver compares, so a request costs no decrypt, and the stored value gives nothing
    to whoever reads the table without the key."""
    return salted_hmac(
        "instances.webhook_secret", secret, secret=key, algorithm="sha256"
    ).hexdigest()


class ConnectionState(models.TextChoices):
    NEVER_PAIRED = "never_paired", _("Never paired")
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")


class SubscriptionState(models.TextChoices):
    """Z-API's billing state of the instance (spec 001, "Partners > Invoicing"):
    trial -> subscribed -> cancelled (active 30 more days) -> expired / deleted. Written by
    ``partners.lifecycle`` (our actions) and ``partners.sync`` (what Z-API says)."""

    UNKNOWN = "unknown", _("Unknown")
    TRIAL = "trial", _("Trial")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CANCELLED = "cancelled", _("Cancelled (active until due date)")
    EXPIRED = "expired", _("Expired")
    DELETED = "deleted", _("Deleted at Z-API")


class Origin(models.TextChoices):
    """How the instance came into the fleet; the first token's limit counts those created
    with the partner's integrator token (provisioned here or imported from its list)."""

    ADDED = "added", _("Added by id and token")
    PROVISIONED = "provisioned", _("Created here with the integrator token")
    IMPORTED = "imported", _("Imported from the integrator's list")


class InstanceQuerySet(TenantQuerySet["Instance"]):
    tenant_path = "partner"


class Instance(models.Model):
    """One WhatsApp number connected through Z-API."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="instances", verbose_name=_("partner")
    )
    zapi_id = models.CharField(_("Z-API instance id"), max_length=64, unique=True)
    token = EncryptedTextField(_("instance token"))
    client_token = EncryptedTextField(
        _("account security token"),
        blank=True,
        help_text=_("The Client-Token header, when the Z-API account requires one."),
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    connection_state = models.CharField(
        _("connection"),
        max_length=20,
        choices=ConnectionState.choices,
        default=ConnectionState.NEVER_PAIRED,
    )
    smartphone_connected = models.BooleanField(_("phone online"), null=True, blank=True)
    # The ``momment`` of the latest connection event applied, so an older event arriving
    # late never overwrites a newer state (webhooks carry their own time).
    connection_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    subscription_state = models.CharField(
        _("subscription"),
        max_length=20,
        choices=SubscriptionState.choices,
        default=SubscriptionState.UNKNOWN,
    )
    payment_status = models.CharField(_("payment status"), max_length=40, blank=True)
    due_date = models.DateTimeField(_("due date"), null=True, blank=True)
    # The dates billing needs (spec 001, "Partners > Invoicing"): subscribed in a month -> billed
    # from the invoice of the 5th of the next; cancelled -> billed while its 30 active days last.
    subscribed_at = models.DateTimeField(_("subscribed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    customer = models.ForeignKey(
        "partners.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instances",
        verbose_name=_("customer"),
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.ADDED, editable=False
    )
    # Set by the sync when Z-API's list no longer has this instance: flagged, never deleted.
    missing_at_zapi_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)

    webhook_secret = EncryptedTextField(default=new_webhook_secret, editable=False)
    # ``webhook_secret_digest(webhook_secret)``, kept by ``save``; blank for rows written in
    # bulk, which the receiver fills on their first webhook (webhooks.services).
    webhook_secret_digest = models.CharField(max_length=64, blank=True, editable=False)
    settings_snapshot = models.JSONField(
        _("settings seen at Z-API"), default=dict, blank=True, editable=False
    )
    # Where the current connection state came from ("probe" or "webhook"), and since when a
    # probe has found down an instance that webhooks last called connected (a webhook that
    # never arrived: the flag operators must see).
    connection_source = models.CharField(max_length=10, blank=True, editable=False)
    probe_mismatch_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Cached from the last probe, so the fleet list never calls Z-API per row.
    last_probe_at = models.DateTimeField(_("last probe"), null=True, blank=True, editable=False)
    zapi_queue_size = models.PositiveIntegerField(
        _("Z-API queue"), null=True, blank=True, editable=False
    )
    # The last webhook event of any kind (bumped by the webhook processors).
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstanceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        indexes = [
            models.Index(fields=["partner", "connection_state"]),
            # The fleet list's default order: its first page reads 100 index entries, not
            # every row (``ordering`` above, with pk as the tie-break).
            models.Index(fields=["name", "id"], name="instance_fleet_order"),
            # Which subscription states the user's instances are in (the fleet list's
            # filters): one index probe per state.
            models.Index(fields=["subscription_state", "partner"], name="instance_sub_partner"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        digest = webhook_secret_digest(str(self.webhook_secret))
        if digest != self.webhook_secret_digest:
            self.webhook_secret_digest = digest
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "webhook_secret_digest"}
        super().save(*args, **kwargs)

    @property
    def webhook_url(self) -> str:
        """The absolute URL Z-API must call for every event of this instance."""
        return self.webhook_url_of()

    def webhook_url_of(self, kind: str = "") -> str:
        """``webhook_url``, or with ``kind`` the URL of one kind of event (Z-API lets each
        have its own; the kind in the path is for people, the payload decides). Under
        ``WEBHOOK_BASE_URL`` (the ingest process) when set, else ``PUBLIC_BASE_URL``."""
        kwargs = {"instance_id": self.pk, "secret": self.webhook_secret}
        if kind:
            path = reverse("webhooks:receive-kind", kwargs={**kwargs, "kind": kind})
        else:
            path = reverse("webhooks:receive", kwargs=kwargs)
        return f"{settings.WEBHOOK_BASE_URL or settings.PUBLIC_BASE_URL}{path}"

    @property
    def webhook_url_masked(self) -> str:
        """``webhook_url`` as people may see it: the secret in its path masked."""
        secret = str(self.webhook_secret)
        return self.webhook_url.replace(secret, mask(secret))

    def own_urls_redacted(self, answer: Any) -> Any:
        """Z-API's answer with every value that holds our webhook secret (the
        ``*CallbackUrl`` fields of ``/me``) replaced by ``POINTS_HERE``: stored and shown
        so, the secret stays only in its encrypted field."""
        secret = str(self.webhook_secret)
        if isinstance(answer, dict):
            return {key: self.own_urls_redacted(value) for key, value in answer.items()}
        if isinstance(answer, list):
            return [self.own_urls_redacted(value) for value in answer]
        if isinstance(answer, str) and secret and secret in answer:
            return POINTS_HERE
        return answer


# Stored instead of one of our webhook URLs in a snapshot of Z-API's answers.
POINTS_HERE = "(points here)"


class ProbeSource(models.TextChoices):
    PROBE = "probe", _("Status probe")
    WEBHOOK = "webhook", _("Webhook")


class HealthProbeQuerySet(TenantQuerySet["HealthProbe"]):
    tenant_path = "instance__partner"


class HealthProbe(models.Model):
    """One observation of an instance's connection: a ``/status`` probe or a connection
    webhook (spec 001, "Instance" ``connected``/``smartphoneConnected``/``error``)."""

    instance = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="probes", verbose_name=_("instance")
    )
    at = models.DateTimeField(_("at"))
    source = models.CharField(_("source"), max_length=10, choices=ProbeSource.choices)
    connected = models.BooleanField(_("connected"))
    smartphone_connected = models.BooleanField(_("phone online"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)

    objects = HealthProbeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("health probe")
        verbose_name_plural = _("health probes")
        indexes = [models.Index(fields=["instance", "at"])]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.at:%Y-%m-%d %H:%M:%S} {self.source}"


class NoticeKind(models.TextChoices):
    DISCONNECTED = "disconnected", _("Disconnected")
    PROBE_MISMATCH = "probe_mismatch", _("Webhooks say connected, probe says down")
    ACTION_FAILED = "action_failed", _("A bulk action failed at Z-API")
    TRIAL_ENDING = "trial_ending", _("Trial ending")
    UNPAID = "unpaid", _("Unpaid: expiry and deletion ahead")
    MISSING_AT_ZAPI = "missing_at_zapi", _("Not in Z-API's list any more")


class InstanceNoticeQuerySet(TenantQuerySet["InstanceNotice"]):
    tenant_path = "instance__partner"

    def open(self) -> InstanceNoticeQuerySet:
        return self.filter(dismissed_at__isnull=True)


class InstanceNotice(models.Model):
    """A persistent notice shown to operators until someone dismisses it (or the instance
    reconnects): a number that disconnected must not go unnoticed."""

    instance = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="notices", verbose_name=_("instance")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    text = models.CharField(_("text"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    objects = InstanceNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("instance notice")
        verbose_name_plural = _("instance notices")
        indexes = [models.Index(fields=["dismissed_at", "created_at"])]

    def __str__(self) -> str:
        return self.text


# The WhatsApp Business models live in their own module; importing them here registers them.
from instances.business.models import (  # noqa: E402, F401
    BusinessAccount,
    BusinessCopy,
    ChatLabel,
    Collection,
    Label,
    Product,
)
