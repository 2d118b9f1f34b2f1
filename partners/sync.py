"""Services that reconcile the fleet with the integrator's ``GET /instances`` (spec 001
"Partners > Listing instances": ``page``, ``pageSize``, ``query``, ``middleware``).

What Z-API says wins for its own facts (due date, payment status, connection flags); drift
the other way is flagged, never repaired by deleting: an instance we hold that Z-API's list
no longer has gets ``missing_at_zapi_since`` and a notice; an instance Z-API has and we do
not is offered for import (with its token, read again at import time, never put on a page).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import (
    ConnectionState,
    Instance,
    InstanceNotice,
    NoticeKind,
    Origin,
    ProbeSource,
    SubscriptionState,
)
from instances.outcome import Outcome
from instances.services import (
    instance_connection_apply,
    instance_notice_create,
    instance_notices_dismiss,
)
from partners.lifecycle import PENDING_PREFIX
from partners.models import Partner
from partners.zapi import partner_client, partner_error_text
from zapi.errors import ZapiError
from zapi.models import PartnerInstance
from zapi.times import epoch_time

MAX_PAGES = 1000  # a runaway totalPage must not loop forever
STALE_RESERVATION = timedelta(minutes=15)

# Z-API's paymentStatus -> our subscription state (the sandbox answers TRIAL/PAID/CANCELED;
# the spec's example leaves it empty, so anything else keeps our state).
PAYMENT_STATES = {
    "TRIAL": SubscriptionState.TRIAL,
    "PAID": SubscriptionState.SUBSCRIBED,
    "ACTIVE": SubscriptionState.SUBSCRIBED,
    "CANCELED": SubscriptionState.CANCELLED,
    "CANCELLED": SubscriptionState.CANCELLED,
    "EXPIRED": SubscriptionState.EXPIRED,
}


@dataclass
class SyncReport:
    seen: int = 0
    updated: int = 0
    missing: int = 0
    back: int = 0
    zapi_only: list[dict[str, Any]] = field(default_factory=list)  # never a token
    at: str = ""


def zapi_pages(
    *, partner: Partner, query: str | None = None,
    middleware: Literal["web", "mobile"] | None = None,
) -> list[PartnerInstance]:  # fmt: skip
    """Every row of the integrator's list, page by page (raises ``ZapiError``)."""
    client = partner_client(partner)
    rows: list[PartnerInstance] = []
    page = 1
    while page <= MAX_PAGES:
        answer = client.list_instances(
            page=page, page_size=settings.PARTNER_SYNC_PAGE_SIZE, query=query,
            middleware=middleware,
        )  # fmt: skip
        rows.extend(answer.content)
        if not answer.content or page >= (answer.totalPage or 0):
            break
        page += 1
    return rows


def _state_from(row: PartnerInstance, instance: Instance, now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    due = epoch_time(row.due)
    if due is not None and due != instance.due_date:
        changes["due_date"] = due
    status = (row.paymentStatus or "").strip()
    if status and status != instance.payment_status:
        changes["payment_status"] = status[:40]
    state = PAYMENT_STATES.get(status.upper())
    if state == SubscriptionState.TRIAL and due is not None and due <= now:
        state = SubscriptionState.EXPIRED
    if state is not None and state != instance.subscription_state:
        changes["subscription_state"] = state
        # Subscribed or cancelled outside the dashboard: billing needs a date, the best we
        # know is now (for a cancellation: 30 days before the active-until date).
        if state == SubscriptionState.SUBSCRIBED and instance.subscribed_at is None:
            changes["subscribed_at"] = now
        if state == SubscriptionState.CANCELLED and instance.cancelled_at is None:
            grace = timedelta(days=settings.BILLING_CANCEL_ACTIVE_DAYS)
            changes["cancelled_at"] = (due - grace) if due else now
            if instance.subscribed_at is None:
                changes["subscribed_at"] = changes["cancelled_at"]
    return changes


def partner_sync(*, partner: Partner, now: datetime | None = None) -> Outcome[SyncReport]:
    """Reconcile ``partner``'s fleet with Z-API's list (the beat task calls this)."""
    action = _("Sync with Z-API")
    now = now or timezone.now()
    if not str(partner.integrator_token):
        return Outcome(ok=False, action=action, text=_("No integrator token."))
    try:
        rows = zapi_pages(partner=partner)
    except ZapiError as exc:
        # A partial list proves nothing missing: change nothing.
        return Outcome(
            ok=False, action=action, text=partner_error_text(exc), retryable=exc.retryable
        )
    report = SyncReport(seen=len(rows), at=now.isoformat())
    theirs = {row.id: row for row in rows if row.id}
    ours = {
        instance.zapi_id: instance
        for instance in Instance.objects.filter(partner=partner).exclude(
            zapi_id__startswith=PENDING_PREFIX
        )
    }
    others = set(
        Instance.objects.exclude(partner=partner)
        .filter(zapi_id__in=list(theirs))
        .values_list("zapi_id", flat=True)
    )
    for zapi_id, row in theirs.items():
        instance = ours.get(zapi_id)
        if instance is None:
            if zapi_id not in others:
                report.zapi_only.append(
                    {"id": zapi_id, "name": row.name or "", "middleware": row.middleware or "",
                     "paymentStatus": row.paymentStatus or "",
                     "due": (epoch_time(row.due) or now).isoformat() if row.due else ""}
                )  # fmt: skip
            continue
        report.updated += _reconcile(instance, row, now)
        if instance.missing_at_zapi_since is not None:
            report.back += 1
    for zapi_id, instance in ours.items():
        if zapi_id in theirs or instance.subscription_state == SubscriptionState.DELETED:
            continue
        known_there = instance.origin != Origin.ADDED or instance.last_synced_at is not None
        if known_there and instance.missing_at_zapi_since is None:
            _flag_missing(instance, now)
            report.missing += 1
    # Reservations of provisioning calls that never finished (a killed process): the
    # instance, if Z-API made it, is in ``zapi_only`` above and can be imported.
    Instance.objects.filter(
        partner=partner, zapi_id__startswith=PENDING_PREFIX, created_at__lt=now - STALE_RESERVATION
    ).delete()
    Partner.objects.filter(pk=partner.pk).update(last_sync=asdict(report))
    text = _(
        "%(seen)d at Z-API, %(updated)d updated, %(missing)d missing from Z-API's list, "
        "%(only)d only at Z-API."
    ) % {"seen": report.seen, "updated": report.updated, "missing": report.missing,
         "only": len(report.zapi_only)}  # fmt: skip
    return Outcome(ok=True, action=action, text=text, value=report)


def _reconcile(instance: Instance, row: PartnerInstance, now: datetime) -> int:
    changes = _state_from(row, instance, now)
    changes.update(last_synced_at=now, missing_at_zapi_since=None)
    if instance.missing_at_zapi_since is not None:
        instance_notices_dismiss(
            notices=InstanceNotice.objects.filter(
                instance=instance, kind=NoticeKind.MISSING_AT_ZAPI
            )
        )
    Instance.objects.filter(pk=instance.pk).update(**changes)
    if isinstance(row.whatsappConnected, bool):
        connected = instance.connection_state == ConnectionState.CONNECTED
        phone_drift = (
            row.whatsappConnected
            and row.phoneConnected is not None
            and (row.phoneConnected != instance.smartphone_connected)
        )
        if row.whatsappConnected != connected or phone_drift:
            # The one place connection state changes (newest observation wins).
            instance_connection_apply(
                instance_id=instance.pk, connected=row.whatsappConnected, at=now,
                source=ProbeSource.PROBE, smartphone_connected=row.phoneConnected,
                error="" if row.whatsappConnected else _("Z-API's instance list says so."),
            )  # fmt: skip
            return 1
    return int(len(changes) > 2)


def _flag_missing(instance: Instance, now: datetime) -> None:
    with transaction.atomic():
        Instance.objects.filter(pk=instance.pk).update(missing_at_zapi_since=now)
        instance_notice_create(
            instance_id=instance.pk,
            kind=NoticeKind.MISSING_AT_ZAPI,
            text=_(
                "%(name)s is not in Z-API's instance list any more (since %(at)s). It was "
                "kept here: check at Z-API before removing it."
            )
            % {"name": instance.name, "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
        )


def instance_import(*, partner: Partner, zapi_id: str) -> Outcome[Instance]:
    """Add an instance that only Z-API has: its token is read from Z-API's list now."""
    from instances.services import instance_add, instance_webhooks_point_here

    action = _("Import")
    zapi_id = zapi_id.strip()
    if not str(partner.integrator_token):
        return Outcome(ok=False, action=action, text=_("No integrator token."))
    if not zapi_id:
        return Outcome(ok=False, action=action, text=_("Say which instance to import."))
    try:
        rows = zapi_pages(partner=partner, query=zapi_id)
    except ZapiError as exc:
        return Outcome(ok=False, action=action, text=partner_error_text(exc))
    row = next((r for r in rows if r.id == zapi_id), None)
    if row is None or not row.token:
        return Outcome(
            ok=False,
            action=action,
            text=_("Z-API's list has no instance %(id)s.") % {"id": zapi_id},
        )
    from django.core.exceptions import ValidationError

    try:
        instance = instance_add(
            partner=partner, zapi_id=zapi_id, token=row.token, name=row.name or ""
        )
    except ValidationError as exc:
        return Outcome(ok=False, action=action, text="; ".join(exc.messages))
    now = timezone.now()
    changes = _state_from(row, instance, now)
    Instance.objects.filter(pk=instance.pk).update(
        origin=Origin.IMPORTED, last_synced_at=now, **changes
    )
    instance.refresh_from_db()
    hooks = instance_webhooks_point_here(instance=instance)
    Partner.objects.filter(pk=partner.pk).update(last_sync=_without(partner, zapi_id))
    text = _("Imported %(name)s.") % {"name": instance.name}
    if not hooks.ok:
        text += " " + _("Its webhooks could not be pointed here yet: %(why)s") % {"why": hooks.text}
    return Outcome(ok=True, action=action, text=text, value=instance)


def _without(partner: Partner, zapi_id: str) -> dict[str, Any]:
    state = dict(Partner.objects.filter(pk=partner.pk).values_list("last_sync", flat=True)[0])
    state["zapi_only"] = [row for row in state.get("zapi_only", []) if row.get("id") != zapi_id]
    return state


def partners_sync_all() -> dict[str, str]:
    """Beat: sync every partner with an integrator token."""
    results = {}
    for partner in Partner.objects.exclude(integrator_token=""):
        results[partner.name] = str(partner_sync(partner=partner))
    return results
