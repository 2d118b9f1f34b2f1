"""Reads for the campaign pages: safety report, progress (funnel, per sender, per variant,
estimated end), the recipients table. Query counts do not grow with the recipients: the
progress is one GROUP BY over the campaign's recipients joined to their messages."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.campaigns.models import (
    Campaign,
    CampaignRecipient,
    CampaignSender,
    CampaignState,
    CampaignVariant,
    RecipientState,
    SkipReason,
)
from messaging.campaigns.safety import SafetyReport, SenderCapacity, capacity_check, content_check
from messaging.caps import new_recipients_limit, new_recipients_today_of
from messaging.models import HoldReason, InstancePacer
from messaging.pacer import pacer_get
from messaging.states import DELIVERY_CHAIN, MessageState

HORIZON_DAYS = 60

# The funnel, in order: each step counts the recipients that reached it or went further.
S = MessageState
REACHED: dict[str, tuple[str, ...]] = {
    "sent": DELIVERY_CHAIN,
    "delivered": DELIVERY_CHAIN[2:],
    "read": DELIVERY_CHAIN[3:],
}
FUNNEL_STEPS: tuple[tuple[str, Any], ...] = (
    ("audience", _("Audience")),
    ("queued", _("Queued")),
    ("sent", _("Sent")),
    ("delivered", _("Delivered")),
    ("read", _("Read")),
    ("replied", _("Replied")),
)


@dataclass
class Tally:
    """Counts of one slice (the campaign, a sender, a variant)."""

    audience: int = 0
    pending: int = 0
    queued: int = 0
    waiting: int = 0  # handed to the sender, not yet sent
    capped: int = 0  # waiting for tomorrow: daily cap / warm-up
    sent: int = 0
    delivered: int = 0
    read: int = 0
    replied: int = 0
    failed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped_total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.audience) if self.audience else 0

    def rate(self, part: int) -> int:
        return round(100 * part / self.sent) if self.sent else 0

    @property
    def read_rate(self) -> int:
        return self.rate(self.read)

    @property
    def reply_rate(self) -> int:
        return self.rate(self.replied)

    def add(self, row: dict[str, Any]) -> None:
        n = row["n"]
        self.audience += n
        state, message_state = row["state"], row["message__state"]
        if state == RecipientState.PENDING:
            self.pending += n
        elif state == RecipientState.SKIPPED:
            self.skipped[row["reason"] or SkipReason.REFUSED] = (
                self.skipped.get(row["reason"] or SkipReason.REFUSED, 0) + n
            )
        elif message_state is None:  # the message was deleted: say so, do not guess
            self.skipped["message_gone"] = self.skipped.get("message_gone", 0) + n
        else:
            self.queued += n
            self.sent += n if message_state in REACHED["sent"] else 0
            self.delivered += n if message_state in REACHED["delivered"] else 0
            self.read += n if message_state in REACHED["read"] else 0
            self.failed += n if message_state == S.FAILED else 0
            if message_state == S.CANCELLED:
                self.skipped[SkipReason.CANCELLED] = self.skipped.get(SkipReason.CANCELLED, 0) + n
            if message_state in (S.QUEUED, S.SENDING, S.UNCERTAIN):
                self.waiting += n
                if row["message__hold_reason"] == HoldReason.DAILY_CAP:
                    self.capped += n
            self.replied += row["replied"]

    def funnel(self) -> list[tuple[str, Any, int]]:
        values = {
            "audience": self.audience,
            "queued": self.queued,
            "sent": self.sent,
            "delivered": self.delivered,
            "read": self.read,
            "replied": self.replied,
        }
        return [(key, label, values[key]) for key, label in FUNNEL_STEPS]


SKIP_LABELS: dict[str, Any] = {
    **{str(k): v for k, v in SkipReason.choices if k},
    "message_gone": _("Its message was deleted"),
}


@dataclass
class SenderRow:
    sender: CampaignSender
    tally: Tally
    new_today: int
    limit_today: int


@dataclass
class VariantRow:
    variant: CampaignVariant
    tally: Tally


@dataclass
class Progress:
    campaign: Campaign
    total: Tally
    senders: list[SenderRow]
    variants: list[VariantRow]
    estimated_end: datetime | None
    skip_labels: dict[str, Any] = field(default_factory=lambda: SKIP_LABELS)

    @property
    def excluded(self) -> list[tuple[Any, int]]:
        c = self.campaign
        return [(_("Opted out"), c.excluded_opted_out), (_("Invalid number"), c.excluded_invalid)]


TALLY_FIELDS = ("sender_id", "variant_id", "state", "reason", "message__state",
                "message__hold_reason")  # fmt: skip


def campaign_tally_compute(*, campaign_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The GROUP BY behind every count: recipients by sender, variant, state, reason and
    their message's state, with how many replied. One query for many campaigns."""
    rows = (
        CampaignRecipient.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id", *TALLY_FIELDS)
        .annotate(n=Count("pk"), replied=Count("pk", filter=Q(replied_at__isnull=False)))
        .order_by()
    )
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in campaign_ids}
    for row in rows:
        out[row.pop("campaign_id")].append(row)
    return out


def campaign_tally_refresh(*, campaign: Campaign) -> list[dict[str, Any]]:
    """Recount and keep the counts on the campaign row (the feeder calls this each run)."""
    from hooks.emitters import campaign_progress_emit

    rows = campaign_tally_compute(campaign_ids=[campaign.pk])[campaign.pk]
    now = timezone.now()
    changed = _tally_key(rows) != _tally_key(campaign.tally or [])
    Campaign.objects.filter(pk=campaign.pk).update(tally=rows, tally_at=now)
    campaign.tally, campaign.tally_at = rows, now
    if changed:  # the counts moved: tell the partner's systems (hooks, when subscribed)
        campaign_progress_emit(campaign=campaign, rows=rows)
    return rows


def _tally_key(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def campaign_tally_rows(*, campaign: Campaign) -> list[dict[str, Any]]:
    """The kept counts if fresh enough (``CAMPAIGN_TALLY_SECONDS``; a campaign that no
    longer runs still gets reads and replies, so it is recounted too, less often), else
    recounted now."""
    if _tally_fresh(campaign):
        return list(campaign.tally)
    return campaign_tally_refresh(campaign=campaign)


def _tally_fresh(campaign: Campaign) -> bool:
    fresh = timedelta(seconds=settings.CAMPAIGN_TALLY_SECONDS)
    if campaign.state not in (CampaignState.RUNNING, CampaignState.SCHEDULED):
        fresh *= 12
    return campaign.tally_at is not None and timezone.now() - campaign.tally_at < fresh


def campaign_progress(*, campaign: Campaign) -> Progress:
    """Everything the progress page shows, in a number of queries that depends neither on
    the recipients (their counts are kept on the campaign) nor on the senders."""
    total = Tally()
    by_sender: dict[int | None, Tally] = defaultdict(Tally)
    by_variant: dict[int | None, Tally] = defaultdict(Tally)
    for row in campaign_tally_rows(campaign=campaign):
        total.add(row)
        by_sender[row["sender_id"]].add(row)
        by_variant[row["variant_id"]].add(row)
    senders = list(campaign.senders.select_related("instance__pacer").order_by("pk"))
    new_today = new_recipients_today_of(instance_ids=[s.instance_id for s in senders])
    rows = []
    for sender in senders:
        pacer = getattr(sender.instance, "pacer", None) or pacer_get(instance_id=sender.instance_id)
        rows.append(
            SenderRow(
                sender=sender,
                tally=by_sender.get(sender.instance_id, Tally()),
                new_today=new_today.get(sender.instance_id, 0),
                limit_today=new_recipients_limit(instance=sender.instance, pacer=pacer),
            )
        )
    variants = [
        VariantRow(variant=v, tally=by_variant.get(v.pk, Tally())) for v in campaign.variants.all()
    ]
    return Progress(
        campaign=campaign,
        total=total,
        senders=rows,
        variants=variants,
        estimated_end=campaign_estimated_end(
            campaign=campaign, senders=rows, total=total, new_today=new_today
        ),
    )


def _per_day(sender: CampaignSender, pacer: InstancePacer, campaign: Campaign,
             days: list[date], used: int) -> list[int]:  # fmt: skip
    """What one sender may reach on each coming sending day: the smaller of its pace over
    the window's hours (with the rests) and its daily cap with the warm-up ramp."""
    gap = (pacer.min_gap_seconds + pacer.max_gap_seconds) / 2
    burst = (campaign.rest_every_min + campaign.rest_every_max) / 2
    rest = (campaign.rest_min_seconds + campaign.rest_max_seconds) / 2
    per_message = max(gap + rest / max(burst, 1), 0.5)
    by_pace = int(campaign.window.hours_per_day * 3600 / per_message)
    today = timezone.localdate()
    out = []
    for day in days:
        limit = new_recipients_limit(instance=sender.instance, pacer=pacer, day=day)
        if day == today:
            limit = max(limit - used, 0)
        out.append(min(by_pace, limit))
    return out


def _capacities(campaign: Campaign, senders: Iterable[CampaignSender], days: list[date],
                new_today: dict[int, int]) -> list[SenderCapacity]:  # fmt: skip
    out = []
    for sender in senders:
        pacer = getattr(sender.instance, "pacer", None) or pacer_get(instance_id=sender.instance_id)
        used = new_today.get(sender.instance_id, 0)
        out.append(
            SenderCapacity(sender.instance.name, _per_day(sender, pacer, campaign, days, used))
        )
    return out


def campaign_safety(*, campaign: Campaign) -> SafetyReport:
    """The checks before start: content of every variant, and the audience against what
    the senders may reach per day (with the date it would end)."""
    texts = [v.template for v in campaign.variants.all()]
    report = content_check(texts, opt_out_line=bool(campaign.opt_out_line))
    start = timezone.localdate(campaign.starts_at) if campaign.starts_at else timezone.localdate()
    days = campaign.window.open_days(start, HORIZON_DAYS)
    senders = list(campaign.senders.select_related("instance__pacer"))
    new_today = new_recipients_today_of(instance_ids=[s.instance_id for s in senders])
    capacity, _end = capacity_check(
        audience=campaign.audience_count,
        senders=_capacities(campaign, senders, days, new_today),
        open_days=days,
    )  # fmt: skip
    report.findings.extend(capacity.findings)
    return report


def campaign_estimated_end(*, campaign: Campaign, senders: list[SenderRow], total: Tally,
                           new_today: dict[int, int]) -> datetime | None:  # fmt: skip
    """When the last recipient should be reached at the senders' pace, caps and window."""
    left = total.pending + total.waiting
    if left == 0:
        return campaign.finished_at
    active = [row.sender for row in senders if row.sender.state == "active"]
    if not active:
        return None
    now = timezone.now()
    days = campaign.window.open_days(timezone.localdate(), HORIZON_DAYS)
    capacities = _capacities(campaign, active, days, new_today)
    for index, day in enumerate(days):
        per_day = sum(c.per_day[index] for c in capacities)
        if per_day >= left:
            window = campaign.window
            opens = window.next_open(max(now, _day_start(day, window.zone)))
            if opens is None:
                return None
            closes = window.closes_after(opens) or opens
            share = left / per_day if per_day else 1
            return opens + (closes - opens) * share
        left -= per_day
    return None


def _day_start(day: date, zone: Any) -> datetime:
    return datetime.combine(day, datetime.min.time(), zone)


def recipients_filtered(
    *, campaign: Campaign, params: dict[str, str]
) -> QuerySet[CampaignRecipient]:
    """The recipients table: filter by outcome (``state``), sender, variant, phone."""
    rows = (
        CampaignRecipient.objects.filter(campaign=campaign)
        .select_related("contact", "sender", "variant", "message")
        .order_by("pk")
    )
    outcome = params.get("outcome", "")
    if outcome == "pending":
        rows = rows.filter(state=RecipientState.PENDING)
    elif outcome == "skipped":
        rows = rows.filter(state=RecipientState.SKIPPED)
    elif outcome == "replied":
        rows = rows.filter(replied_at__isnull=False)
    elif outcome in {str(s) for s in MessageState}:
        rows = rows.filter(state=RecipientState.QUEUED, message__state=outcome)
    sender = params.get("sender", "")
    if sender.isdigit():
        rows = rows.filter(sender_id=int(sender))
    variant = params.get("variant", "")
    if variant.isdigit():
        rows = rows.filter(variant_id=int(variant))
    phone = "".join(ch for ch in params.get("phone", "") if ch.isdigit())
    if phone:
        rows = rows.filter(phone__contains=phone)
    return rows


def recipient_outcome(recipient: CampaignRecipient) -> tuple[str, str]:
    """(state label, reason in words) for one row of the table and the CSV."""
    if recipient.state == RecipientState.PENDING:
        return str(_("Waiting")), ""
    if recipient.state == RecipientState.SKIPPED:
        label = SKIP_LABELS.get(recipient.reason, recipient.reason)
        return str(_("Skipped")), " — ".join(x for x in (str(label), recipient.detail) if x)
    message = recipient.message
    if message is None:
        return str(_("Skipped")), str(SKIP_LABELS["message_gone"])
    reason = ""
    if message.state == S.FAILED:
        reason = message.error.splitlines()[0][:200] if message.error else ""
    elif message.state == S.QUEUED and message.hold_reason:
        reason = str(message.get_hold_reason_display())
    return str(message.get_state_display()), reason


def campaigns_for(*, user: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.for_user(user)
        .select_related("partner")
        .prefetch_related("senders__instance")
    )


def campaigns_of_import(*, user: Any, job: Any) -> QuerySet[Campaign]:
    """The campaigns whose audience file ``job`` is (waiting on it, or made from it), those
    ``user`` sees and of the import's own partner: the import's page links back to them."""
    return (
        Campaign.objects.for_user(user)
        .filter(audience_import_id=job.pk, partner_id=job.partner_id)
        .only("pk", "name", "state", "audience_pending", "audience_count", "partner_id")
        .order_by("created_at", "pk")
    )


def campaign_progress_rows(*, campaigns: Iterable[Campaign]) -> dict[int, Tally]:
    """Progress of many campaigns for the list page: their kept counts, the missing ones
    recounted in one query."""
    campaigns = list(campaigns)
    missing = [c.pk for c in campaigns if not _tally_fresh(c)]
    computed = campaign_tally_compute(campaign_ids=missing) if missing else {}
    out: dict[int, Tally] = {}
    for campaign in campaigns:
        tally = Tally()
        for row in computed.get(campaign.pk, campaign.tally or []):
            tally.add(row)
        out[campaign.pk] = tally
    return out


@dataclass
class PreviewRow:
    name: str
    phone: str
    sender: str
    variant: int
    kind: str
    text: str


def _preview_row(campaign: Campaign, recipient: CampaignRecipient, sender_name: str) -> PreviewRow:
    from messaging.campaigns.feeder import recipient_message_fields

    fields = recipient_message_fields(campaign, recipient)
    variant = recipient.variant
    return PreviewRow(
        name=recipient.contact.name if recipient.contact else "",
        phone=recipient.phone,
        sender=sender_name,
        variant=variant.position if variant else 0,
        kind=variant.kind if variant else "text",
        text=str(fields.get("message") or fields.get("caption") or ""),
    )


def campaign_preview(*, campaign: Campaign, count: int = 3) -> list[PreviewRow]:
    """The message as its first ``count`` recipients will get it (the same render the
    feeder does: same seed, same variant, same variables)."""
    rows = (
        CampaignRecipient.objects.filter(campaign=campaign)
        .exclude(state=RecipientState.SKIPPED)
        .select_related("contact", "variant", "sender")
        .order_by("pk")[:count]
    )
    return [_preview_row(campaign, r, r.sender.name if r.sender else "") for r in rows]


def draft_preview(
    *,
    partner: Any,
    audience: dict[str, Any],
    variants: list[dict[str, Any]],
    opt_out_line: str,
    seed: int,
    sender_names: list[str],
    count: int = 3,
) -> list[PreviewRow]:
    """The preview on the create form, before anything is saved: three real contacts of
    the audience (opted-out and invalid ones left out, as ``campaign_create`` does)."""
    from messaging.campaigns.audience import audience_contacts, phone_sendable
    from messaging.campaigns.services import seeded_index

    campaign = Campaign(partner=partner, seed=seed, opt_out_line=opt_out_line)
    rows = []
    contacts = audience_contacts(partner=partner, audience=audience).filter(
        opted_out_at__isnull=True
    )
    unsaved = [
        CampaignVariant(position=n, kind=v["kind"], fields=v["fields"])
        for n, v in enumerate(variants, start=1)
    ]
    for turn, contact in enumerate(contacts.order_by("pk")[: count * 5]):
        if not phone_sendable(contact.phone) or not unsaved:
            continue
        variant = unsaved[seeded_index(seed, contact.pk, len(unsaved))]
        recipient = CampaignRecipient(contact=contact, phone=contact.phone, variant=variant)
        name = sender_names[turn % len(sender_names)] if sender_names else ""
        rows.append(_preview_row(campaign, recipient, name))
        if len(rows) == count:
            break
    return rows


def campaign_figures(*, campaign: Campaign, rows: list[dict[str, Any]] | None = None
                     ) -> dict[str, Any]:  # fmt: skip
    """The progress page's headline figures, for the API and the ``campaign.progress``
    webhook: state, the funnel, what was skipped and why, the rates."""
    total = Tally()
    for row in campaign_tally_rows(campaign=campaign) if rows is None else rows:
        total.add(row)
    return {
        "state": campaign.state,
        "state_reason": campaign.state_reason,
        "audience": total.audience,
        "excluded_opted_out": campaign.excluded_opted_out,
        "excluded_invalid": campaign.excluded_invalid,
        "pending": total.pending,
        "queued": total.queued,
        "waiting": total.waiting,
        "capped": total.capped,
        "sent": total.sent,
        "delivered": total.delivered,
        "read": total.read,
        "replied": total.replied,
        "failed": total.failed,
        "skipped": total.skipped_total,
        "skipped_by_reason": dict(total.skipped),
        "percent": total.percent,
        "read_rate": total.read_rate,
        "reply_rate": total.reply_rate,
    }
