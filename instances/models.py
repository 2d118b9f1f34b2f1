from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from partners.models import Partner
from partners.scoping import TenantQuerySet


def new_webhook_secret() -> str:
    # 32 random bytes (>= 24 asked by the design), URL-safe because it sits in the path.
    return secrets.token_urlsafe(32)


class ConnectionState(models.TextChoices):
    NEVER_PAIRED = "never_paired", _("Never paired")
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")


class SubscriptionState(models.TextChoices):
    """Z-API's billing state of the instance (spec 001, Partners, l.13462-13798)."""

    UNKNOWN = "unknown", _("Unknown")
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Subscribed")
    CANCELLED = "cancelled", _("Cancelled (active until due date)")
    EXPIRED = "expired", _("Expired")


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

    webhook_secret = EncryptedTextField(default=new_webhook_secret, editable=False)
    settings_snapshot = models.JSONField(
        _("settings seen at Z-API"), default=dict, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstanceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        indexes = [models.Index(fields=["partner", "connection_state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def webhook_url(self) -> str:
        """The absolute URL Z-API must call for every event of this instance."""
        path = reverse(
            "webhooks:receive", kwargs={"instance_id": self.pk, "secret": self.webhook_secret}
        )
        return f"{settings.PUBLIC_BASE_URL}{path}"
