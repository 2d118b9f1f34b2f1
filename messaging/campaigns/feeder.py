"""The feeder: tops up each sender's queue with a few campaign messages at a time.

Run by beat (``campaigns_feed``) and right after a start or resume. Everything it knows is in
the database, so it resumes by itself after a restart or a worker crash:

* a recipient is fed inside one transaction that writes its ``Message`` (through
  ``message_enqueue``, the one outbound path) and links it (``CampaignRecipient.message`` is
  unique); a crash rolls both back, a second feeder skips rows locked by the first
  (``SKIP LOCKED``), and only ``pending`` recipients are ever fed: nobody gets two messages;
* only inside the campaign's window: when it closes, queued messages are held until it opens;
* at most ``CAMPAIGN_FEED_BATCH`` messages waiting per sender, and no more new recipients
  than the number's daily cap with its warm-up ramp leaves today (the dispatcher enforces
  the cap; the feeder just does not flood the queue past it);
* burst and rest: after a burst of N messages a sender rests (``messaging.campaigns.rhythm``);
* a sender whose number is lost (not connected) waits, or after a grace period hands its
  waiting recipients to the other senders (``Campaign.failover``), the ones whose message
  still waits in our queue included (``queued_messages_withdraw``);
* the circuit breaker stops a sender (or the campaign) whose failures, blocks or opt-outs
  pass the campaign's limits, says why, and emails the partner's operators.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hooks.emitters import campaign_progress_emit
from instances.models import ConnectionState
from instances.services import instance_operator_emails
from messaging.campaigns.audience import contact_variables
from messaging.campaigns.breaker import BreakerRule, SenderTally, breaker_verdict
from messaging.campaigns.models import (
    BreakerScope,
    Campaign,
    CampaignRecipient,
    CampaignSender,
    CampaignState,
    Failover,
    RecipientState,
    SenderState,
    SkipReason,
)
from messaging.campaigns.render import recipient_rng, template_render
from messaging.campaigns.rhythm import RestRule
from messaging.campaigns.selectors import campaign_tally_refresh
from messaging.campaigns.services import HELD_FOREVER, campaign_messages_hold, campaign_pause
from messaging.caps import new_recipients_limit, new_recipients_today
from messaging.models import ConsentChange, ConsentSource
from messaging.pacer import pacer_get
from messaging.services import message_enqueue
from messaging.states import DELIVERY_CHAIN, PENDING, MessageState

logger = logging.getLogger(__name__)

# Message states that prove the message left (for the breaker's "sent"): the delivery chain
# and failures.
LEFT = (*DELIVERY_CHAIN, MessageState.FAILED)


@dataclass
class FeedResult:
    fed: int = 0
    skipped: int = 0
    state: str = ""


def campaigns_feed() -> dict[str, int]:
    """Feed every campaign that is running or due to start (the beat task)."""
    now = timezone.now()
    due = (
        Campaign.objects.filter(
            Q(state=CampaignState.RUNNING) | Q(state=CampaignState.SCHEDULED, starts_at__lte=now)
        )
        .filter(audience_pending=False)
        .values_list("pk", flat=True)
    )
    fed = 0
    for campaign_id in list(due):
        fed += campaign_feed(campaign_id=campaign_id).fed
    return {"campaigns": len(due), "fed": fed}


def campaign_feed(*, campaign_id: int, now: datetime | None = None) -> FeedResult:
    now = now or timezone.now()
    # A campaign whose audience file is still being imported has no recipients yet: it
    # starts (or goes on) once campaigns_import_finished has written them.
    started = Campaign.objects.filter(
        pk=campaign_id, state=CampaignState.SCHEDULED, starts_at__lte=now, audience_pending=False
    ).update(state=CampaignState.RUNNING)
    campaign = Campaign.objects.select_related("partner").filter(pk=campaign_id).first()
    if started and campaign is not None:
        campaign_progress_emit(campaign=campaign)
    if campaign is None or campaign.state != CampaignState.RUNNING or campaign.audience_pending:
        return FeedResult(state=campaign.state if campaign else "")
    result = FeedResult(state=campaign.state)
    window = campaign.window
    if not window.contains(now):
        opens = window.next_open(now) or HELD_FOREVER
        campaign_messages_hold(campaign=campaign, until=opens)
        return result
    senders = list(campaign.senders.select_related("instance__pacer").order_by("pk"))
    _failover(campaign, senders, now)
    if _breaker(campaign, senders):
        result.state = CampaignState.PAUSED
        return result
    for sender in senders:
        if sender.state == SenderState.ACTIVE:
            fed, skipped = _sender_feed(campaign, sender, now)
            result.fed += fed
            result.skipped += skipped
    _complete_if_done(campaign)
    campaign_tally_refresh(campaign=campaign)
    return result


def _sender_feed(campaign: Campaign, sender: CampaignSender, now: datetime) -> tuple[int, int]:
    instance = sender.instance
    if instance.connection_state != ConnectionState.CONNECTED:
        return 0, 0
    rule = RestRule(
        every_min=campaign.rest_every_min,
        every_max=campaign.rest_every_max,
        rest_min_seconds=campaign.rest_min_seconds,
        rest_max_seconds=campaign.rest_max_seconds,
    )
    rng = random.Random()
    with transaction.atomic():
        # The sender row is the feeding lock: two feeders never top up one sender at once.
        locked = (
            CampaignSender.objects.select_for_update(skip_locked=True)
            .filter(pk=sender.pk, state=SenderState.ACTIVE)
            .first()
        )
        if locked is None or (locked.rest_until and locked.rest_until > now):
            return 0, 0
        waiting = CampaignRecipient.objects.filter(
            campaign=campaign,
            sender_id=instance.pk,
            state=RecipientState.QUEUED,
            message__state__in=PENDING,
        ).count()
        if locked.burst_left <= 0:
            if waiting:
                return 0, 0  # let the burst drain, then rest
            if locked.fed:
                locked.rest_until = now + rule.next_rest(rng)
                locked.burst_left = rule.next_burst(rng)
                locked.save(update_fields=["rest_until", "burst_left"])
                return 0, 0
            locked.burst_left = rule.next_burst(rng)
        pacer = getattr(instance, "pacer", None) or pacer_get(instance_id=instance.pk)
        allowance = (
            new_recipients_limit(instance=instance, pacer=pacer)
            - new_recipients_today(instance_id=instance.pk)
            - waiting
        )
        room = min(settings.CAMPAIGN_FEED_BATCH - waiting, locked.burst_left, allowance)
        if room <= 0:
            return 0, 0
        rows = list(
            CampaignRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(campaign=campaign, sender_id=instance.pk, state=RecipientState.PENDING)
            .select_related("contact", "variant")
            .order_by("pk")[:room]
        )
        fed = skipped = 0
        for recipient in rows:
            if _recipient_feed(campaign, recipient, now):
                fed += 1
            else:
                skipped += 1
        CampaignSender.objects.filter(pk=locked.pk).update(
            burst_left=locked.burst_left - fed, fed=F("fed") + fed, rest_until=None
        )
    return fed, skipped


def recipient_message_fields(campaign: Campaign, recipient: CampaignRecipient) -> dict[str, object]:
    """The compose fields of one recipient's message: its variant with variables and spintax
    rendered (the same every time: seeded by campaign and recipient) and the opt-out line."""
    variant = recipient.variant
    fields = dict(variant.fields) if variant else {}
    key = "message" if "message" in fields else "caption"
    variables = contact_variables(recipient.contact) if recipient.contact else {}
    rng = recipient_rng(seed=campaign.seed, key=recipient.contact_id or recipient.phone)
    text = template_render(str(fields.get(key) or ""), variables, rng)
    if campaign.opt_out_line:
        text = f"{text}\n\n{campaign.opt_out_line}" if text else campaign.opt_out_line
    if text or key in fields:
        fields[key] = text
    return fields


# messaging.consent's refusal codes → why a recipient was skipped.
REFUSAL_REASONS = {
    "opted_out": SkipReason.OPTED_OUT,
    "invalid": SkipReason.INVALID,
    "erased": SkipReason.ERASED,
}


def _recipient_feed(campaign: Campaign, recipient: CampaignRecipient, now: datetime) -> bool:
    """One recipient handed to its sender as one message. ``message_enqueue`` asks the one
    "may we write to them?" check (messaging.consent): an opt-out since the campaign was
    created, an erased or invalid number is skipped with its reason, never sent."""
    try:
        with transaction.atomic():
            message = message_enqueue(
                instance=recipient.sender,  # type: ignore[arg-type]
                chat_id=recipient.phone,
                kind=recipient.variant.kind if recipient.variant else "text",
                fields=recipient_message_fields(campaign, recipient),
            )
    except ValidationError as exc:
        recipient.state = RecipientState.SKIPPED
        recipient.reason = REFUSAL_REASONS.get(str(exc.code), SkipReason.REFUSED)
        recipient.detail = "; ".join(exc.messages)[:300]
        recipient.save(update_fields=["state", "reason", "detail"])
        return False
    recipient.message, recipient.state, recipient.queued_at = message, RecipientState.QUEUED, now
    recipient.save(update_fields=["message", "state", "queued_at"])
    return True


def _failover(campaign: Campaign, senders: list[CampaignSender], now: datetime) -> None:
    grace = timedelta(seconds=settings.CAMPAIGN_FAILOVER_AFTER_SECONDS)
    for sender in senders:
        connected = sender.instance.connection_state == ConnectionState.CONNECTED
        if connected and sender.lost_since is not None:
            sender.lost_since = None
            if sender.state == SenderState.LOST:
                sender.state, sender.state_reason = SenderState.ACTIVE, ""
            sender.save(update_fields=["lost_since", "state", "state_reason"])
        elif not connected and sender.lost_since is None:
            sender.lost_since = now
            sender.save(update_fields=["lost_since"])
    if campaign.failover != Failover.MOVE:
        return
    for sender in senders:
        lost = sender.lost_since is not None and now - sender.lost_since >= grace
        if not lost or sender.state != SenderState.ACTIVE:
            continue
        others = [
            s.instance_id
            for s in senders
            if s.pk != sender.pk and s.state == SenderState.ACTIVE and s.lost_since is None
        ]
        sender.state = SenderState.LOST
        sender.state_reason = _("%(name)s is %(state)s: its waiting recipients moved.") % {
            "name": sender.instance.name,
            "state": sender.instance.get_connection_state_display().lower(),
        }
        sender.save(update_fields=["state", "state_reason"])
        if others:
            queued_messages_withdraw(campaign=campaign, sender_id=sender.instance_id)
            recipients_move(campaign=campaign, from_id=sender.instance_id, to_ids=others)


def queued_messages_withdraw(*, campaign: Campaign, sender_id: int) -> int:
    """A lost sender's campaign messages still waiting in our queue are taken back, so that
    their recipients move with the others: each message is cancelled by the state machine's
    conditional UPDATE (``queued`` → ``cancelled``), and only when that UPDATE wins does its
    recipient go back to ``pending`` (unlinked). A message the dispatcher claimed meanwhile
    (``sending``) is left to it and its recipient stays; so nobody gets two messages. The
    feeder then writes the recipient a new message on its new sender through
    ``message_enqueue``, the normal queue."""
    from messaging.services import message_transition

    rows = CampaignRecipient.objects.filter(
        campaign=campaign,
        sender_id=sender_id,
        state=RecipientState.QUEUED,
        message__state=MessageState.QUEUED,
    ).values_list("pk", "message_id")
    withdrawn = 0
    for recipient_id, message_id in rows.iterator(chunk_size=1000):
        with transaction.atomic():
            if not message_transition(
                pk=message_id, to=MessageState.CANCELLED, error=_("Moved to another sender")
            ):
                continue
            withdrawn += CampaignRecipient.objects.filter(
                pk=recipient_id, state=RecipientState.QUEUED, message_id=message_id
            ).update(state=RecipientState.PENDING, message=None, queued_at=None)
    return withdrawn


def recipients_move(*, campaign: Campaign, from_id: int, to_ids: list[int]) -> int:
    """Rebind the waiting recipients of one sender to others, evenly (in bounded chunks)."""
    moved = 0
    while True:
        ids = list(
            CampaignRecipient.objects.filter(
                campaign=campaign, sender_id=from_id, state=RecipientState.PENDING
            ).values_list("pk", flat=True)[: 1000 * len(to_ids)]
        )
        if not ids:
            return moved
        for index, to_id in enumerate(to_ids):
            moved += CampaignRecipient.objects.filter(
                pk__in=ids[index :: len(to_ids)], state=RecipientState.PENDING
            ).update(sender_id=to_id)


def sender_tallies(*, campaign: Campaign) -> dict[int, SenderTally]:
    """Per sender: how many of its messages left, failed, and how many of its recipients
    opted out after being written to (one query)."""
    # A block is an opt-out the contacts work records with source "block" (where Z-API
    # tells us), after our message.
    blocks = ConsentChange.objects.filter(
        contact_id=OuterRef("contact_id"),
        source=ConsentSource.BLOCK,
        opted_out=True,
        at__gte=OuterRef("queued_at"),
    )
    rows = (
        CampaignRecipient.objects.filter(campaign=campaign, state=RecipientState.QUEUED)
        .values("sender_id")
        .annotate(
            sent=Count("pk", filter=Q(message__state__in=LEFT)),
            failed=Count("pk", filter=Q(message__state=MessageState.FAILED)),
            opted_out=Count("pk", filter=Q(contact__opted_out_at__gte=F("queued_at"))),
            blocked=Count("pk", filter=Q(Exists(blocks))),
        )
        .order_by()
    )
    return {
        r["sender_id"]: SenderTally(
            sent=r["sent"], failed=r["failed"], opted_out=r["opted_out"], blocked=r["blocked"]
        )
        for r in rows
    }


def _breaker(campaign: Campaign, senders: list[CampaignSender]) -> bool:
    """Trip the senders over the limits; True when the whole campaign was paused."""
    rule = BreakerRule(
        min_sent=campaign.breaker_min_sent,
        max_failed_rate=campaign.breaker_failed_rate,
        max_opt_out_rate=campaign.breaker_opt_out_rate,
        max_blocked_rate=campaign.breaker_blocked_rate,
    )
    tallies = sender_tallies(campaign=campaign)
    for sender in senders:
        if sender.state != SenderState.ACTIVE or sender.instance_id not in tallies:
            continue
        verdict = breaker_verdict(tallies[sender.instance_id], rule)
        if verdict is None:
            continue
        reason = _("Circuit breaker on %(name)s: %(why)s") % {
            "name": sender.instance.name,
            "why": verdict,
        }
        logger.warning("campaign %s: %s", campaign.pk, reason)
        _notify(campaign, sender, reason)
        if campaign.breaker_scope == BreakerScope.CAMPAIGN:
            campaign_pause(campaign=campaign, reason=reason)
            CampaignSender.objects.filter(pk=sender.pk).update(
                state=SenderState.TRIPPED, state_reason=reason
            )
            return True
        sender.state, sender.state_reason = SenderState.TRIPPED, reason
        sender.save(update_fields=["state", "state_reason"])
        campaign_messages_hold(campaign=campaign, until=HELD_FOREVER, sender_id=sender.instance_id)
    return False


def _notify(campaign: Campaign, sender: CampaignSender, reason: str) -> None:
    emails = instance_operator_emails(instance=sender.instance)
    if not emails:
        return
    subject = _("[Z-API Fleet] Campaign %(name)s: a sender was stopped") % {"name": campaign.name}
    body = "\n\n".join(
        [
            reason,
            _("Progress: %(url)s")
            % {"url": f"{settings.PUBLIC_BASE_URL}/messaging/campaign/{campaign.pk}/"},
        ]
    )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True)
    )


def _complete_if_done(campaign: Campaign) -> None:
    open_recipients = CampaignRecipient.objects.filter(campaign=campaign).filter(
        Q(state=RecipientState.PENDING) | Q(state=RecipientState.QUEUED, message__state__in=PENDING)
    )
    if not open_recipients.exists():
        done = Campaign.objects.filter(pk=campaign.pk, state=CampaignState.RUNNING).update(
            state=CampaignState.COMPLETED, finished_at=timezone.now()
        )
        if done:
            campaign.refresh_from_db()
            campaign_progress_emit(campaign=campaign)
