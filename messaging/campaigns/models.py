"""Campaign, its variants, its senders and its recipients (imported by ``messaging.models``).

A recipient is written once by ``campaign_create`` (bound to a sender and a variant), fed by
the feeder as one ordinary outbound ``Message`` (``message`` is unique: one message per
recipient, ever), and followed through that message's state. What did not go is said in
``reason``.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instances.models import Instance
from messaging.campaigns.window import DEFAULT_TIME_ZONE, SendingWindow
from partners.models import Partner
from partners.scoping import TenantQuerySet


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Failover(models.TextChoices):
    WAIT = "wait", _("Wait for the number to come back")
    MOVE = "move", _("Move its recipients to the other senders")


class BreakerScope(models.TextChoices):
    SENDER = "sender", _("Pause that sender")
    CAMPAIGN = "campaign", _("Pause the whole campaign")


class CampaignQuerySet(TenantQuerySet["Campaign"]):
    tenant_path = "partner"


class Campaign(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    # Why it is paused (an operator, the circuit breaker...), in words.
    state_reason = models.CharField(_("why"), max_length=500, blank=True)
    # Every recipient's spintax and variant choices derive from this: stable across restarts.
    seed = models.BigIntegerField(_("seed"))
    # What the operator chose as the audience (lists, labels, filter, file), for the record
    # and for "duplicate"; the recipients are resolved once, at creation.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    # An uploaded audience file goes through the contact book's import (a Celery task): the
    # campaign is a draft pointing at it, and its recipients are written when the import
    # finishes (``campaigns_import_finished``, in the import's closing transaction).
    audience_import = models.ForeignKey(
        "messaging.ContactImport", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="campaigns", verbose_name=_("audience file"),
    )  # fmt: skip
    # True from creation until the recipients are written (once): nothing is fed meanwhile.
    audience_pending = models.BooleanField(_("audience being imported"), default=False)
    opt_out_line = models.CharField(
        _("opt-out line"),
        max_length=300,
        blank=True,
        help_text=_("Added at the end of every message; empty for none (not advised)."),
    )
    # The campaign's own opt-out answer ("Responda 2 para não receber mais"): honoured, on
    # top of the partner's keywords, from a recipient replying to this campaign's message.
    opt_out_answer = models.CharField(_("opt-out answer"), max_length=20, blank=True)

    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    window_start = models.TimeField(_("sends from"), default=time(9, 0))
    window_end = models.TimeField(_("sends until"), default=time(20, 0))
    window_weekdays = models.JSONField(_("weekdays"), default=list)
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)

    rest_every_min = models.PositiveIntegerField(_("rest after at least (messages)"), default=20)
    rest_every_max = models.PositiveIntegerField(_("rest after at most (messages)"), default=30)
    rest_min_seconds = models.PositiveIntegerField(_("shortest rest (s)"), default=300)
    rest_max_seconds = models.PositiveIntegerField(_("longest rest (s)"), default=900)

    failover = models.CharField(
        _("when a sender is lost"), max_length=8, choices=Failover.choices, default=Failover.MOVE
    )
    breaker_scope = models.CharField(
        _("when a sender trips the breaker"),
        max_length=10,
        choices=BreakerScope.choices,
        default=BreakerScope.SENDER,
    )
    breaker_min_sent = models.PositiveIntegerField(_("judge after (messages)"), default=20)
    breaker_failed_rate = models.FloatField(_("failure limit"), default=0.10)
    breaker_opt_out_rate = models.FloatField(_("opt-out limit"), default=0.03)
    breaker_blocked_rate = models.FloatField(_("block limit"), default=0.02)

    # The progress counts (one GROUP BY over the recipients and their messages), kept here
    # by the feeder every few seconds so the progress page reads one row however many
    # recipients there are (messaging.campaigns.selectors.campaign_tally_rows).
    tally = models.JSONField(default=list, blank=True, editable=False)
    tally_at = models.DateTimeField(null=True, blank=True, editable=False)
    audience_count = models.PositiveIntegerField(_("audience"), default=0)
    excluded_opted_out = models.PositiveIntegerField(_("opted out"), default=0)
    excluded_invalid = models.PositiveIntegerField(_("invalid"), default=0)
    duplicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def window(self) -> SendingWindow:
        return SendingWindow(
            start=self.window_start,
            end=self.window_end,
            weekdays=frozenset(self.window_weekdays or range(7)),
            time_zone=self.time_zone,
        )


class CampaignVariant(models.Model):
    """One way of saying the message: a compose kind and its fields, whose texts (``message``
    or ``caption``) may hold variables and spintax."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, default="text")
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="variant_position_once")
        ]

    def __str__(self) -> str:
        return f"#{self.position}"

    @property
    def template(self) -> str:
        """The text a person reads (the field that carries variables and spintax)."""
        return str(self.fields.get("message") or self.fields.get("caption") or "")


class SenderState(models.TextChoices):
    ACTIVE = "active", _("Active")
    TRIPPED = "tripped", _("Stopped by the circuit breaker")
    LOST = "lost", _("Taken out: disconnected or banned")


class CampaignSender(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="senders")
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=SenderState.choices, default=SenderState.ACTIVE)
    state_reason = models.CharField(max_length=500, blank=True)
    # Burst and rest (messaging.campaigns.rhythm): messages left before the next rest.
    burst_left = models.IntegerField(default=0)
    rest_until = models.DateTimeField(null=True, blank=True)
    # Since when its number is not connected (for failover).
    lost_since = models.DateTimeField(null=True, blank=True)
    fed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "instance"], name="campaign_sender_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.instance_id}"


class RecipientState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    QUEUED = "queued", _("Handed to the sender")  # the message's state says the rest
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    NONE = "", _("—")
    OPTED_OUT = "opted_out", _("Opted out")
    INVALID = "invalid", _("Invalid number")
    ERASED = "erased", _("Erased at the person's request")
    REFUSED = "refused", _("Refused by the send service")
    NO_SENDER = "no_sender", _("No sender left")
    CANCELLED = "cancelled", _("Campaign cancelled")


class CampaignRecipientQuerySet(TenantQuerySet["CampaignRecipient"]):
    tenant_path = "campaign__partner"


class CampaignRecipient(models.Model):
    # Few indexes on purpose: 100,000 rows are written at once (the composite ones cover
    # the lookups by campaign and by sender).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="recipients", db_index=False
    )
    contact = models.ForeignKey(
        "messaging.Contact", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone = models.CharField(max_length=20)
    sender = models.ForeignKey(
        Instance, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    variant = models.ForeignKey(
        CampaignVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    state = models.CharField(
        max_length=8, choices=RecipientState.choices, default=RecipientState.PENDING
    )
    reason = models.CharField(max_length=12, choices=SkipReason.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    message = models.OneToOneField(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    # The first inbound message of this person to the sender after the campaign's message.
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone"], name="campaign_phone_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "sender", "state"]),
            models.Index(
                fields=["sender", "phone"],
                condition=Q(replied_at__isnull=True, state="queued"),
                name="recipient_awaiting_reply",
            ),
        ]

    def __str__(self) -> str:
        return self.phone
