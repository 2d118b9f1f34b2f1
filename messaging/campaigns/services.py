"""Writes on campaigns: create (audience resolved once, recipients bound and written in
bulk), start, pause, resume, cancel, duplicate. Pages, tasks and the API call these.

Sending is the feeder's job (``messaging.campaigns.feeder``): it hands recipients to the
ordinary outbound service, ``message_enqueue``, a few at a time.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from hooks.emitters import campaign_progress_emit
from instances.models import Instance
from messaging.campaigns.audience import (
    PHONE_MAX_DIGITS,
    PHONE_MIN_DIGITS,
    audience_contacts,
    phone_sendable,
)
from messaging.campaigns.models import (
    Campaign,
    CampaignRecipient,
    CampaignSender,
    CampaignState,
    CampaignVariant,
    RecipientState,
    SkipReason,
)
from messaging.campaigns.render import TemplateError, template_check
from messaging.campaigns.rhythm import RestRule
from messaging.campaigns.safety import SafetyReport
from messaging.compose import send_request_build
from messaging.consent import opt_out_line
from messaging.kick import dispatch_kick
from messaging.models import ContactImport, HoldReason, ImportState, Message
from messaging.states import MessageState
from messaging.tasks import campaign_feed_task
from partners.models import Partner

CHUNK = 10_000
# A paused campaign's queued messages wait "forever" (until resumed or cancelled).
HELD_FOREVER = datetime(9999, 1, 1, tzinfo=UTC)

# Campaign fields an operator may set at creation (the rest are counts and states).
OPTIONS = (
    "starts_at", "window_start", "window_end", "window_weekdays", "time_zone",
    "rest_every_min", "rest_every_max", "rest_min_seconds", "rest_max_seconds",
    "failover", "breaker_scope", "breaker_min_sent", "breaker_failed_rate",
    "breaker_opt_out_rate", "breaker_blocked_rate", "opt_out_line", "opt_out_answer",
)  # fmt: skip


@dataclass(frozen=True)
class VariantSpec:
    """One variant as compose knows it: a kind and its fields (``message`` for text,
    ``caption`` for media...)."""

    kind: str = "text"
    fields: Mapping[str, Any] = field(default_factory=dict)


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _validate(
    *, partner: Partner, name: str, variants: Sequence[VariantSpec], senders: Sequence[Instance]
) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("Give the campaign a name."))
    if not variants:
        errors.setdefault("variants", []).append(_("Write at least one message."))
    for number, variant in enumerate(variants, start=1):
        try:
            # The same check compose runs: every kind compose supports, its required fields.
            send_request_build(
                kind=variant.kind, chat_id="5511999999999", fields=dict(variant.fields)
            )
            template_check(
                str(variant.fields.get("message") or variant.fields.get("caption") or "")
            )
        except (ValidationError, TemplateError, ValueError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            errors.setdefault("variants", []).append(
                _("Variant %(n)d: %(error)s") % {"n": number, "error": text}
            )
    if not senders:
        errors.setdefault("senders", []).append(_("Choose at least one sender number."))
    if any(s.partner_id != partner.pk for s in senders):
        errors.setdefault("senders", []).append(_("Senders must be numbers of this partner."))
    if errors:
        raise ValidationError(errors)


def campaign_create(
    *,
    partner: Partner,
    name: str,
    variants: Sequence[VariantSpec],
    senders: Sequence[Instance],
    audience: Mapping[str, Any],
    user: Any = None,
    seed: int | None = None,
    duplicated_from: Campaign | None = None,
    language: str = "pt-br",
    audience_import: ContactImport | None = None,
    **options: Any,
) -> Campaign:
    """A draft campaign with its recipients written: the audience resolved once, opted-out
    and invalid contacts excluded and counted, every recipient bound to one sender (the one
    it already knows when possible) and one variant. Memory stays bounded: contacts are
    read and written in chunks of CHUNK rows.

    ``audience_import``: an uploaded file being imported into a list the audience names
    (``audience_import_queue``). Until that import is done the campaign is a draft with
    ``audience_pending`` and no recipients; ``campaigns_import_finished`` writes them."""
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise TypeError(f"unknown campaign options: {sorted(unknown)}")
    _validate(partner=partner, name=name, variants=variants, senders=senders)
    if audience_import is not None and audience_import.partner_id != partner.pk:
        raise ValidationError(_("The audience file was imported for another partner."))
    RestRule(
        every_min=options.get("rest_every_min", 20),
        every_max=options.get("rest_every_max", 30),
        rest_min_seconds=options.get("rest_min_seconds", 300),
        rest_max_seconds=options.get("rest_max_seconds", 900),
    )  # raises ValueError in words on bad bounds
    # The partner's opt-out line in the campaign's language (the contacts work's setting);
    # its keywords are honoured by the inbound handling of messaging.consent.
    answer = str(options.get("opt_out_answer") or "").strip()
    options["opt_out_answer"] = answer
    options.setdefault(
        "opt_out_line", opt_out_line(partner_id=partner.pk, language=language, answer=answer)
    )
    options.setdefault("breaker_min_sent", settings.CAMPAIGN_BREAKER_MIN_SENT)
    options.setdefault("breaker_failed_rate", settings.CAMPAIGN_BREAKER_FAILED_RATE)
    options.setdefault("breaker_opt_out_rate", settings.CAMPAIGN_BREAKER_OPT_OUT_RATE)
    options.setdefault("breaker_blocked_rate", settings.CAMPAIGN_BREAKER_BLOCKED_RATE)
    options.setdefault("window_weekdays", list(range(7)))
    with transaction.atomic():
        pending = False
        if audience_import is not None:
            # The import's row is the hand-over lock: its closing transaction updates it
            # before it looks for the campaigns waiting on it, so a campaign is either seen
            # waiting there or finds the import done here, never neither.
            state = (
                ContactImport.objects.select_for_update()
                .values_list("state", flat=True)
                .get(pk=audience_import.pk)
            )
            pending = state != ImportState.DONE
        campaign = Campaign.objects.create(
            partner=partner,
            name=name.strip(),
            seed=seed if seed is not None else random.randrange(2**62),
            audience=dict(audience),
            created_by=user if getattr(user, "pk", None) else None,
            duplicated_from=duplicated_from,
            audience_import=audience_import,
            audience_pending=pending,
            **options,
        )
        variant_rows = CampaignVariant.objects.bulk_create(
            CampaignVariant(campaign=campaign, position=n, kind=v.kind, fields=dict(v.fields))
            for n, v in enumerate(variants, start=1)
        )
        CampaignSender.objects.bulk_create(
            CampaignSender(campaign=campaign, instance=s) for s in senders
        )
        if not pending:
            _recipients_write(
                campaign=campaign,
                variant_ids=[v.pk for v in variant_rows],
                sender_ids=[s.pk for s in senders],
            )
    return campaign


def campaigns_import_finished(*, job: ContactImport) -> int:
    """The campaigns waiting on ``job`` (an audience file), once its import is DONE or
    FAILED. Called by ``contact_import_run`` inside the transaction that records the end,
    so the recipients are written with it or not at all; ``audience_pending`` is cleared in
    that same transaction, so a retried or redelivered import task writes nobody twice.

    Done: each waiting campaign gets its recipients (the same write as ``campaign_create``)
    and, if it was started meanwhile (scheduled, or resumed), is fed now. A cancelled one
    gets none. Failed: a campaign started meanwhile goes back to a draft saying why; its
    start is refused until then (``campaign_start``). Returns the campaigns written."""
    waiting = (
        Campaign.objects.select_for_update()
        .filter(audience_import_id=job.pk, audience_pending=True)
        .select_related("partner")
        .order_by("pk")
    )
    written = 0
    for campaign in waiting:
        if job.state == ImportState.FAILED:
            if campaign.state in (
                CampaignState.SCHEDULED, CampaignState.RUNNING, CampaignState.PAUSED
            ):  # fmt: skip
                Campaign.objects.filter(pk=campaign.pk).update(
                    state=CampaignState.DRAFT, started_at=None, state_reason=_import_failed(job)
                )
            continue
        if job.state != ImportState.DONE:
            continue
        if campaign.state != CampaignState.CANCELLED:
            variants = campaign.variants.order_by("position").values_list("pk", flat=True)
            senders = campaign.senders.order_by("pk").values_list("instance_id", flat=True)
            _recipients_write(
                campaign=campaign, variant_ids=list(variants), sender_ids=list(senders)
            )
            written += 1
        Campaign.objects.filter(pk=campaign.pk).update(audience_pending=False, tally_at=None)
        if campaign.state in (CampaignState.RUNNING, CampaignState.SCHEDULED):
            _feed_soon(campaign)
    return written


def _import_failed(job: ContactImport) -> str:
    return (_("The audience file could not be imported: %(error)s") % {"error": job.error})[:500]


def _audience_pending_refusal(campaign: Campaign) -> str | None:
    """Why ``campaign`` cannot start yet (its audience file is being imported, or failed),
    or None. A start at a later time is accepted while the import runs: the feeder waits
    for the recipients."""
    if not campaign.audience_pending:
        return None
    job = (
        ContactImport.objects.filter(pk=campaign.audience_import_id).first()
        if campaign.audience_import_id is not None
        else None
    )
    again = _("Cancel this campaign and create it again with a readable file.")
    if job is None:
        return (
            _("The audience file's import is gone: the campaign has no recipients.") + " " + again
        )
    if job.state == ImportState.FAILED:
        return f"{_import_failed(job)} {again}"
    if campaign.starts_at and campaign.starts_at > timezone.now():
        return None
    return _(
        "The audience file is still being imported (%(done)d of %(total)d rows): start the "
        "campaign when its recipients are written, or create it with a start time and it "
        "will start then, once they are."
    ) % {"done": job.processed, "total": job.total}


def _recipients_write(*, campaign: Campaign, variant_ids: list[int], sender_ids: list[int]) -> None:
    contacts = audience_contacts(partner=campaign.partner, audience=campaign.audience)
    if connection.vendor == "postgresql":
        total, excluded_opted_out, invalid = _recipients_insert_select(
            campaign=campaign, contacts=contacts, variant_ids=variant_ids, sender_ids=sender_ids
        )
    else:
        total, excluded_opted_out, invalid = _recipients_write_portable(
            campaign=campaign, contacts=contacts, variant_ids=variant_ids, sender_ids=sender_ids
        )
    Campaign.objects.filter(pk=campaign.pk).update(
        audience_count=total, excluded_opted_out=excluded_opted_out, excluded_invalid=invalid
    )
    campaign.audience_count = total
    campaign.excluded_opted_out, campaign.excluded_invalid = excluded_opted_out, invalid


# What campaign_create writes per recipient (the rest are blank until it is fed).
_COPY_COLUMNS = (
    "campaign_id", "contact_id", "phone", "sender_id", "variant_id", "state", "reason", "detail",
)  # fmt: skip
# phone_sendable (messaging.campaigns.audience) as a PostgreSQL pattern.
_SENDABLE_SQL = f"'^[0-9]{{{PHONE_MIN_DIGITS},{PHONE_MAX_DIGITS}}}$'"


def seeded_index(seed: int, key: int, count: int) -> int:
    """A stable pick among ``count`` for one recipient (its variant): a keyed hash, much
    cheaper than seeding a ``random.Random`` per row at 100,000 rows. The database computes
    the same pick (``_SEEDED_INDEX_SQL``) when it writes the recipients itself."""
    digest = hashlib.md5(f"{seed}:{key}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:15], 16) % count


# seeded_index in SQL: the first 60 bits of the same md5, as a bigint. Params: seed, count.
_SEEDED_INDEX_SQL = (
    "(('x' || substr(md5(%s::text || ':' || a.id::text), 1, 15))::bit(60)::bigint %% %s)"
)


def _recipients_insert_select(
    *, campaign: Campaign, contacts: Any, variant_ids: list[int], sender_ids: list[int]
) -> tuple[int, int, int]:
    """Every recipient written by ONE ``INSERT ... SELECT`` in PostgreSQL: the audience,
    the sticky binding, the round-robin of the others and the variant pick are SQL, so no
    row passes through Python (the 100,000-row target). The same rules as
    ``_recipients_write_portable``: in contact-id order, a contact bound to the pool's
    sender of its latest earlier campaign, else to one it exchanged messages with, else to
    the next sender in turn; the variant by ``seeded_index``."""
    try:
        audience_sql, audience_params = contacts.values(
            "pk", "phone", "opted_out_at"
        ).query.sql_with_params()
    except EmptyResultSet:  # an audience Django proves empty (e.g. only a foreign label)
        return 0, 0, 0
    recipient = CampaignRecipient._meta.db_table
    campaign_table = Campaign._meta.db_table
    message = Message._meta.db_table
    columns = ", ".join(_COPY_COLUMNS)
    # Only the models' own table names and constant patterns are formatted in; values are
    # parameters.
    sql = f"""
        WITH a (id, phone, opted_out_at) AS MATERIALIZED ({audience_sql}),
        known AS (
            SELECT DISTINCT ON (contact_id) contact_id, sender_id FROM (
                SELECT r.contact_id, r.sender_id, 0 AS pref, r.id AS ord
                FROM {recipient} r JOIN {campaign_table} ca ON ca.id = r.campaign_id
                WHERE ca.partner_id = %s AND r.sender_id = ANY(%s) AND r.state = %s
                  AND r.contact_id IN (SELECT a.id FROM a)
                UNION ALL
                SELECT m.contact_id, m.instance_id, 1, -m.instance_id
                FROM {message} m
                WHERE m.instance_id = ANY(%s) AND m.contact_id IN (SELECT a.id FROM a)
            ) s ORDER BY contact_id, pref, ord DESC
        ),
        chosen AS (
            SELECT a.id, a.phone, k.sender_id AS known_sender,
                   row_number() OVER (PARTITION BY k.sender_id IS NULL ORDER BY a.id) AS turn
            FROM a LEFT JOIN known k ON k.contact_id = a.id
            WHERE a.opted_out_at IS NULL AND a.phone ~ {_SENDABLE_SQL}
        ),
        written AS (
            INSERT INTO {recipient} ({columns})
            SELECT %s, a.id, a.phone,
                   COALESCE(a.known_sender, (%s::bigint[])[(a.turn - 1) %% %s + 1]),
                   (%s::bigint[])[{_SEEDED_INDEX_SQL} + 1],
                   %s, '', ''
            FROM chosen a ORDER BY a.id
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM written),
               count(*) FILTER (WHERE opted_out_at IS NOT NULL),
               count(*) FILTER (WHERE opted_out_at IS NULL AND NOT phone ~ {_SENDABLE_SQL})
        FROM a
    """  # noqa: S608
    params = [
        *audience_params,
        campaign.partner_id, sender_ids, RecipientState.QUEUED, sender_ids,
        campaign.pk, sender_ids, len(sender_ids),
        variant_ids, campaign.seed, len(variant_ids),
        RecipientState.PENDING,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        # The sorts (binding order, contact order) of 100,000 rows fit in memory with this;
        # the default 4 MB spills them to disk. For this transaction only.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        total, excluded_opted_out, invalid = cursor.fetchone()
    return total, excluded_opted_out, invalid


def _recipients_write_portable(
    *, campaign: Campaign, contacts: Any, variant_ids: list[int], sender_ids: list[int]
) -> tuple[int, int, int]:
    """The recipients written in chunks from Python (the embedded SQLite)."""
    opted_out = Q(opted_out_at__isnull=False)
    excluded_opted_out = contacts.filter(opted_out).count()
    rows = contacts.exclude(opted_out).order_by("pk").values_list("pk", "phone")
    total = invalid = 0
    turn = 0
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        known = _known_senders(
            partner_id=campaign.partner_id,
            contact_range=(chunk[0][0], chunk[-1][0]),
            sender_ids=sender_ids,
        )
        batch: list[CampaignRecipient] = []
        for contact_id, phone in chunk:
            if not phone_sendable(phone):
                invalid += 1
                continue
            sender_id = known.get(contact_id)
            if sender_id is None:
                sender_id = sender_ids[turn % len(sender_ids)]
                turn += 1
            variant_id = variant_ids[seeded_index(campaign.seed, contact_id, len(variant_ids))]
            row = (campaign.pk, contact_id, phone, sender_id, variant_id, RecipientState.PENDING)
            batch.append(CampaignRecipient(**dict(zip(_COPY_COLUMNS, (*row, "", ""), strict=True))))
        CampaignRecipient.objects.bulk_create(batch, batch_size=1000)
        total += len(batch)
    return total, excluded_opted_out, invalid


def _known_senders(
    *, partner_id: int, contact_range: tuple[int, int], sender_ids: list[int]
) -> dict[int, int]:
    """Sticky binding: for each contact of a chunk (a range of contact ids), a sender of the
    pool it already knows — the one of its latest earlier campaign, else one it exchanged
    messages with (the lowest id, as the database's version picks). Ranges, not IN lists:
    two index range scans per chunk."""
    low, high = contact_range
    known: dict[int, int] = {}
    history = (
        Message.objects.filter(
            contact_id__gte=low, contact_id__lte=high, instance_id__in=sender_ids
        )
        .values_list("contact_id", "instance_id")
        .distinct()
        .order_by("contact_id", "-instance_id")
    )
    for contact_id, instance_id in history:
        known[contact_id] = instance_id  # the lowest id comes last
    earlier = (
        CampaignRecipient.objects.filter(
            contact_id__gte=low,
            contact_id__lte=high,
            campaign__partner_id=partner_id,
            sender_id__in=sender_ids,
            state=RecipientState.QUEUED,
        )
        .order_by("pk")
        .values_list("contact_id", "sender_id")
    )
    for contact_id, sender_id in earlier:
        if contact_id is not None and sender_id is not None:
            known[contact_id] = sender_id  # the latest campaign wins
    return known


def campaign_start(
    *,
    campaign: Campaign,
    user: Any = None,
    safety: SafetyReport | None = None,
    ip: str | None = None,
) -> Campaign:
    """Start now, or at ``starts_at`` (scheduled). Refuses when the safety checks found a
    blocker (broken template, no sender)."""
    from messaging.campaigns.selectors import campaign_safety

    refusal = _audience_pending_refusal(campaign)
    if refusal:
        raise ValidationError(refusal)
    report = safety or campaign_safety(campaign=campaign)
    if report.blockers:
        raise ValidationError([f.message for f in report.blockers])
    now = timezone.now()
    state = (
        CampaignState.SCHEDULED
        if campaign.starts_at and campaign.starts_at > now
        else CampaignState.RUNNING
    )
    moved = Campaign.objects.filter(pk=campaign.pk, state=CampaignState.DRAFT).update(
        state=state, started_at=now, state_reason="", tally_at=None
    )
    if not moved:
        raise ValidationError(_("Only a draft campaign can be started."))
    campaign.refresh_from_db()
    _audit(campaign, AuditAction.CAMPAIGN_START, user, ip, state=campaign.state)
    campaign_progress_emit(campaign=campaign)
    _feed_soon(campaign)
    return campaign


def _campaign_messages(campaign: Campaign) -> Any:
    return Message.objects.filter(
        pk__in=CampaignRecipient.objects.filter(
            campaign=campaign, state=RecipientState.QUEUED
        ).values("message_id")
    )


def campaign_messages_hold(
    *, campaign: Campaign, until: datetime, sender_id: int | None = None
) -> int:
    """Keep the campaign's messages still queued from going before ``until`` (a pause, the
    window closing, a tripped sender). Returns how many are held."""
    messages = _campaign_messages(campaign).filter(state=MessageState.QUEUED)
    if sender_id is not None:
        messages = messages.filter(instance_id=sender_id)
    return messages.update(not_before=until, hold_reason=HoldReason.CAMPAIGN)


def _messages_release(campaign: Campaign) -> None:
    released = _campaign_messages(campaign).filter(
        state=MessageState.QUEUED, hold_reason=HoldReason.CAMPAIGN
    )
    instance_ids = set(released.values_list("instance_id", flat=True))
    released.update(not_before=None, hold_reason="")
    transaction.on_commit(lambda: _kick_all(instance_ids))


def _kick_all(instance_ids: set[int]) -> None:
    for instance_id in instance_ids:
        dispatch_kick(instance_id=instance_id)


def campaign_pause(
    *, campaign: Campaign, reason: str = "", user: Any = None, ip: str | None = None
) -> bool:
    """Stop feeding and hold what is queued and not yet sent."""
    with transaction.atomic():
        moved = Campaign.objects.filter(
            pk=campaign.pk, state__in=[CampaignState.RUNNING, CampaignState.SCHEDULED]
        ).update(
            state=CampaignState.PAUSED,
            state_reason=reason or _("Paused by an operator."),
            tally_at=None,
        )
        if moved:
            campaign_messages_hold(campaign=campaign, until=HELD_FOREVER)
            _audit(campaign, AuditAction.CAMPAIGN_PAUSE, user, ip, reason=reason)
    campaign.refresh_from_db()
    if moved:
        campaign_progress_emit(campaign=campaign)
    return bool(moved)


def campaign_resume(*, campaign: Campaign, user: Any = None, ip: str | None = None) -> bool:
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=campaign.pk, state=CampaignState.PAUSED).update(
            state=CampaignState.RUNNING, state_reason="", tally_at=None
        )
        if moved:
            _messages_release(campaign)
            _audit(campaign, AuditAction.CAMPAIGN_RESUME, user, ip)
    campaign.refresh_from_db()
    if moved:
        campaign_progress_emit(campaign=campaign)
        _feed_soon(campaign)
    return bool(moved)


def campaign_cancel(*, campaign: Campaign, user: Any = None, ip: str | None = None) -> bool:
    """Nothing more goes: queued messages are cancelled, waiting recipients skipped."""
    from messaging.services import message_transition

    with transaction.atomic():
        moved = Campaign.objects.filter(
            pk=campaign.pk,
            state__in=[
                CampaignState.DRAFT,
                CampaignState.SCHEDULED,
                CampaignState.RUNNING,
                CampaignState.PAUSED,
            ],
        ).update(state=CampaignState.CANCELLED, finished_at=timezone.now(), tally_at=None)
        if moved:
            for pk in (
                _campaign_messages(campaign)
                .filter(state=MessageState.QUEUED)
                .values_list("pk", flat=True)
            ):
                message_transition(pk=pk, to=MessageState.CANCELLED)
            CampaignRecipient.objects.filter(
                campaign=campaign, state=RecipientState.PENDING
            ).update(state=RecipientState.SKIPPED, reason=SkipReason.CANCELLED)
            _audit(campaign, AuditAction.CAMPAIGN_CANCEL, user, ip)
    campaign.refresh_from_db()
    if moved:
        campaign_progress_emit(campaign=campaign)
    return bool(moved)


def campaign_duplicate(*, campaign: Campaign, user: Any = None, name: str = "") -> Campaign:
    """A new draft with the same audience (resolved again: today's opt-outs count), variants,
    senders and settings."""
    options = {f: getattr(campaign, f) for f in OPTIONS if f != "starts_at"}
    return campaign_create(
        partner=campaign.partner,
        name=name or _("%(name)s (copy)") % {"name": campaign.name},
        variants=[VariantSpec(kind=v.kind, fields=v.fields) for v in campaign.variants.all()],
        senders=[s.instance for s in campaign.senders.select_related("instance")],
        audience=campaign.audience,
        user=user,
        duplicated_from=campaign,
        **options,
    )


def _audit(campaign: Campaign, action: AuditAction, user: Any, ip: str | None, **details: Any
           ) -> None:  # fmt: skip
    """Start, pause, resume and cancel leave an audit row (the circuit breaker's pause has no
    person: the system did it, and its reason says why)."""
    audit_record(
        actor=user, partner=campaign.partner, action=action, target=campaign, ip=ip,
        details={"campaign": campaign.pk, **details},
    )  # fmt: skip


def _feed_soon(campaign: Campaign) -> None:
    campaign_id = campaign.pk
    transaction.on_commit(lambda: campaign_feed_task.delay(campaign_id))


def window_time(value: str) -> time:
    """'09:00' → time(9, 0), with a clear error."""
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("%(value)s is not a time like 09:00.") % {"value": value}) from None
