"""Outbound webhooks: URLs a partner registers, each event we owe them, each attempt.

Signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``: HMAC-SHA256 with the endpoint's ``whsec_`` secret); retried with
backoff for about a day; every attempt kept; an endpoint whose deliveries keep failing for
that long is disabled and its partner told.
"""

from __future__ import annotations

import base64
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from partners.models import Partner
from partners.scoping import TenantQuerySet


def new_signing_secret() -> str:
    # Standard Webhooks: "whsec_" + base64 of 24 to 64 random bytes.
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_webhook_id() -> str:
    return f"msg_{secrets.token_urlsafe(18)}"


class EndpointQuerySet(TenantQuerySet["Endpoint"]):
    tenant_path = "partner"


class Endpoint(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="hook_endpoints", verbose_name=_("partner")
    )
    url = models.URLField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("events"), default=list, help_text=_("Which events this URL receives.")
    )
    secret = EncryptedTextField(_("signing secret"), default=new_signing_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=255, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Failed, will retry")
    SUCCEEDED = "succeeded", _("Delivered")
    DEAD = "dead", _("Gave up")


DUE_STATES = (DeliveryState.PENDING, DeliveryState.RETRYING)


class DeliveryQuerySet(TenantQuerySet["Delivery"]):
    tenant_path = "endpoint__partner"


class Delivery(models.Model):
    """One event owed to one endpoint. ``webhook_id`` stays the same across retries and
    replays, so the receiver can drop duplicates (Standard Webhooks ``webhook-id``)."""

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    webhook_id = models.CharField(_("webhook id"), max_length=40, default=new_webhook_id)
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="hook_delivery_due",
                condition=models.Q(state__in=["pending", "retrying"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    response_body = models.TextField(_("answer"), blank=True)
    duration_ms = models.PositiveIntegerField(_("took (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.at}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
