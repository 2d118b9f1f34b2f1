"""The raw event store: every webhook Z-API sends is kept as received, then processed.

``WebhookEvent`` rows are written by the receiver before it answers 200 and are processed
once by a Celery task or the sweeper; ``WebhookReject`` keeps bodies that could not be
read (with a valid secret) for support; ``ChatPresence`` keeps only the latest presence per
chat, not a row per event.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instances.models import Instance
from partners.scoping import TenantQuerySet


class EventState(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    # No processor for this type (an unknown or informative event): stored and shown.
    IGNORED = "ignored", _("Not handled")
    # Failed, will be tried again by the sweeper.
    FAILED = "failed", _("Failed, will retry")
    # Failed too often, or can never succeed (a payload of the wrong shape): a person looks.
    DEAD = "dead", _("Dead letter")


# The states the sweeper and the task may take an event from.
CLAIMABLE: tuple[str, ...] = (EventState.PENDING, EventState.FAILED)


class WebhookEventQuerySet(TenantQuerySet["WebhookEvent"]):
    tenant_path = "instance__partner"


class WebhookEvent(models.Model):
    instance = models.ForeignKey(
        Instance,
        on_delete=models.CASCADE,
        related_name="webhook_events",
        verbose_name=_("instance"),
    )
    # The payload's ``type`` as sent (``ReceivedCallback``...); "" when it has none.
    event_type = models.CharField(_("type"), max_length=64, blank=True, db_index=True)
    # What makes two deliveries the same event (see ``webhooks.keys``). Unique per instance:
    # two of our numbers in one group both receive the same ``messageId``.
    dedupe_key = models.CharField(_("dedupe key"), max_length=100)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=12, choices=EventState.choices, default=EventState.PENDING
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # What processing did, for support ("message 12 → read", "no message with that id").
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    replays = models.PositiveSmallIntegerField(_("replays"), default=0)

    objects = WebhookEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "dedupe_key"], name="webhook_event_dedupe_unique"
            ),
        ]
        indexes = [
            # The sweeper's scan: few rows are ever pending, so a partial index stays tiny.
            models.Index(
                fields=["received_at"],
                name="webhook_event_unprocessed",
                condition=models.Q(state__in=CLAIMABLE),
            ),
            models.Index(fields=["instance", "event_type", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type or '?'} #{self.pk}"


class WebhookRejectQuerySet(TenantQuerySet["WebhookReject"]):
    tenant_path = "instance__partner"


class WebhookReject(models.Model):
    """A body that was refused (not JSON, not an object, wrong content type) although the
    URL's secret was right: kept so support can see what Z-API (or a proxy) really sent."""

    instance = models.ForeignKey(
        Instance,
        on_delete=models.CASCADE,
        related_name="webhook_rejects",
        verbose_name=_("instance"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255, blank=True)
    # Decoded with replacement characters; the body is already size-limited by the receiver.
    body = models.TextField(_("body"), blank=True)

    objects = WebhookRejectQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("rejected webhook")
        verbose_name_plural = _("rejected webhooks")

    def __str__(self) -> str:
        return f"{self.reason} #{self.pk}"


class ChatPresenceQuerySet(TenantQuerySet["ChatPresence"]):
    tenant_path = "instance__partner"


class ChatPresence(models.Model):
    """The latest ``PresenceChatCallback`` per chat (spec 001, "Webhooks > Status do chat")."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="chat_presences")
    chat_id = models.CharField(_("chat"), max_length=100)
    status = models.CharField(_("presence"), max_length=20)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    # When the presence was observed (presence events carry no ``momment``: the time we
    # received it). An older event processed late never overwrites a newer one.
    at = models.DateTimeField(_("at"))

    objects = ChatPresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("chat presence")
        verbose_name_plural = _("chat presences")
        constraints = [
            models.UniqueConstraint(fields=["instance", "chat_id"], name="chat_presence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.chat_id}: {self.status}"


class DeadLetter(WebhookEvent):
    """The dead letters, as their own page in the dashboard (a proxy: same rows)."""

    class Meta:
        proxy = True
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
