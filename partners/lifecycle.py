"""Services of an instance's life at Z-API for a partner (spec 001, Partners): provisioning
on demand (2-day trial), subscribing, cancelling (active 30 more days), and the trial clock.

Every function that calls Z-API returns an :class:`~instances.outcome.Outcome` (the one error
contract); our own rules (limits, states) fail the same way, before any call.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from instances.models import Instance, InstanceNotice, NoticeKind, Origin, SubscriptionState
from instances.outcome import Outcome
from instances.services import instance_notice_create, instance_notices_dismiss
from partners.billing import BillingRules
from partners.models import Customer, Partner
from partners.zapi import partner_client, partner_error_text
from zapi.errors import ZapiError
from zapi.events import WEBHOOK_KINDS
from zapi.times import epoch_time

PENDING_PREFIX = "pending-"  # a row reserved for an on-demand call not answered yet


def _fail(action: str, text: str, *, retryable: bool = False) -> Outcome[Any]:
    return Outcome(ok=False, action=action, text=text, retryable=retryable)


# -- limits ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenUsage:
    used: int  # instances the integrator token created (provisioned here or imported)
    limit: int | None  # None: the definitive token, no limit
    fleet: int  # every instance of the partner
    fleet_limit: int | None  # the partner's own limit (Partner.max_instances)

    @property
    def left(self) -> int | None:
        lefts = [
            limit - used
            for limit, used in ((self.limit, self.used), (self.fleet_limit, self.fleet))
            if limit is not None
        ]
        return max(0, min(lefts)) if lefts else None


def token_usage(*, partner: Partner) -> TokenUsage:
    rows = Instance.objects.filter(partner=partner)
    return TokenUsage(
        # Z-API counts what the token created: deleted instances still count ("Partners > First
        # token").
        used=rows.filter(origin__in=[Origin.PROVISIONED, Origin.IMPORTED]).count(),
        limit=settings.PARTNER_FIRST_TOKEN_LIMIT if partner.first_token else None,
        fleet=rows.exclude(subscription_state=SubscriptionState.DELETED).count(),
        fleet_limit=partner.max_instances,
    )


def provision_refusal(*, partner: Partner) -> str:
    """Why ``partner`` may not create an instance now ("" when it may)."""
    if not str(partner.integrator_token):
        return _(
            "%(partner)s has no Z-API integrator token: a partner admin must enter it first."
        ) % {"partner": partner.name}
    usage = token_usage(partner=partner)
    if usage.limit is not None and usage.used >= usage.limit:
        return _(
            "The first integrator token creates at most %(limit)d instances and "
            "%(partner)s has created %(used)d. Ask Z-API for the definitive token, then "
            "untick “first integrator token” in the partner's settings."
        ) % {"limit": usage.limit, "partner": partner.name, "used": usage.used}
    if usage.fleet_limit is not None and usage.fleet >= usage.fleet_limit:
        return _("%(partner)s has reached its limit of %(limit)d instances.") % {
            "partner": partner.name,
            "limit": usage.fleet_limit,
        }
    return ""


# -- provisioning ----------------------------------------------------------------------------
def webhook_options(instance: Instance) -> dict[str, str]:
    """Every ``*CallbackUrl`` of the on-demand body, each pointing at our receiver (one per
    kind of ``zapi.events.WEBHOOK_KINDS``: the kind is in the path, for people)."""
    return {kind.callback_field: instance.webhook_url_of(kind.slug) for kind in WEBHOOK_KINDS}


@transaction.atomic
def _reserve(*, partner: Partner, name: str, customer: Customer | None) -> Outcome[Instance]:
    # Lock the partner: two concurrent provisions must not both pass the limits. The row is
    # reserved (and counted) before the call so the webhook URLs can name it.
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    refusal = provision_refusal(partner=partner)
    if refusal:
        return _fail(_("New instance"), refusal)
    instance = Instance.objects.create(
        partner=partner,
        zapi_id=f"{PENDING_PREFIX}{secrets.token_hex(8)}",
        token="",
        name=name,
        customer=customer,
        origin=Origin.PROVISIONED,
        subscription_state=SubscriptionState.TRIAL,
    )
    return Outcome(ok=True, action=_("New instance"), text="", value=instance)


def instance_provision(
    *,
    partner: Partner,
    name: str,
    session_name: str = "",
    mobile: bool = False,
    business: bool = True,
    call_reject_auto: bool = False,
    call_reject_message: str = "",
    auto_read_message: bool = False,
    customer: Customer | None = None,
    actor: Any = None,
    ip: str | None = None,
) -> Outcome[Instance]:
    """Create an instance at Z-API (``POST /instances/integrator/on-demand``, "Partners > Creating
    an instance") in its 2-day trial, with every webhook pointing at us, and add it to the fleet."""
    action = _("New instance")
    name = name.strip()
    if not name:
        return _fail(action, _("The instance needs a name."))
    if customer is not None and customer.partner_id != partner.pk:
        return _fail(action, _("That customer belongs to another partner."))
    reserved = _reserve(partner=partner, name=name[:120], customer=customer)
    if not reserved.ok or reserved.value is None:
        return reserved
    instance = reserved.value
    options: dict[str, Any] = {
        **webhook_options(instance),
        "sessionName": session_name.strip() or None,
        "isDevice": mobile,
        "businessDevice": business,
        "callRejectAuto": call_reject_auto,
        "callRejectMessage": call_reject_message.strip() or None,
        "autoReadMessage": auto_read_message,
    }
    try:
        created = partner_client(partner).create_instance(name, **options)
    except ZapiError as exc:
        # Nothing to keep: if the answer was lost after Z-API created it, the sync offers it
        # for import (it comes back with its token).
        instance.delete()
        return _fail(action, partner_error_text(exc), retryable=exc.retryable)
    now = timezone.now()
    due = epoch_time(created.due) or now + timedelta(days=settings.PARTNER_TRIAL_DAYS)
    instance.zapi_id, instance.token, instance.due_date = created.id, created.token, due
    instance.payment_status = "TRIAL"
    instance.settings_snapshot = {"provisioned": {"mobile": mobile, "business": business}}
    instance.save(
        update_fields=["zapi_id", "token", "due_date", "payment_status", "settings_snapshot"]
    )
    audit_record(actor=actor, partner=partner, action=AuditAction.INSTANCE_PROVISION,
                 target=instance, instance=instance, ip=ip,
                 details={"mobile": mobile, "business": business,
                          "customer": customer.name if customer else None})  # fmt: skip
    return Outcome(
        ok=True,
        action=action,
        text=_("Created at Z-API in its trial, which ends %(due)s. Pair it now.")
        % {"due": _local(due)},
        value=instance,
    )


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# -- subscribe and cancel --------------------------------------------------------------------
@dataclass(frozen=True)
class Quote:
    """What subscribing or cancelling means in money and dates, for the confirmation."""

    price: Any
    currency: str
    first_invoice: date | None  # subscribing today: the first invoice that bills it
    active_until: date | None  # cancelling today: until when it stays active (and billed)
    last_invoice: date | None


def subscription_quote(*, instance: Instance, today: date | None = None) -> Quote:
    rules = BillingRules.from_settings()
    today = today or timezone.localdate()
    subscribed_on = timezone.localdate(instance.subscribed_at) if instance.subscribed_at else today
    return Quote(
        price=instance.partner.instance_price,
        currency=settings.BILLING_CURRENCY,
        first_invoice=rules.first_invoice(subscribed_on),
        active_until=rules.active_until(today),
        last_invoice=rules.last_invoice(subscribed_on, today),
    )


def _pending(instance: Instance) -> bool:
    return instance.zapi_id.startswith(PENDING_PREFIX)


def _on_demand_refusal(instance: Instance) -> str:
    """Why subscribe/cancel cannot be asked of Z-API for ``instance`` ("" when it can)."""
    if _pending(instance):
        return _("This instance is still being created at Z-API.")
    if not str(instance.partner.integrator_token):
        return _("%(partner)s has no Z-API integrator token: a partner admin must enter it.") % {
            "partner": instance.partner.name
        }
    return ""


def instance_subscribe(
    *, instance: Instance, now: datetime | None = None, actor: Any = None, ip: str | None = None
) -> Outcome[Instance]:
    """Keep the instance after its trial (``.../on-demand/subscription``, "Partners > Subscribing to
    an instance")."""
    action = _("Subscribe")
    if refusal := _on_demand_refusal(instance):
        return _fail(action, refusal)
    if instance.subscription_state in (SubscriptionState.SUBSCRIBED,):
        return _fail(action, _("%(name)s is already subscribed.") % {"name": instance.name})
    if instance.subscription_state == SubscriptionState.DELETED:
        return _fail(action, _("Z-API has deleted this instance: it cannot be subscribed."))
    try:
        partner_client(instance.partner).subscribe(instance.zapi_id, str(instance.token))
    except ZapiError as exc:
        return _fail(action, partner_error_text(exc), retryable=exc.retryable)
    now = now or timezone.now()
    changes: dict[str, Any] = {
        "subscription_state": SubscriptionState.SUBSCRIBED,
        "cancelled_at": None,
        "payment_status": "PAID",
        "updated_at": now,
    }
    if instance.subscribed_at is None:
        changes["subscribed_at"] = now
    Instance.objects.filter(pk=instance.pk).update(**changes)
    audit_record(actor=actor or _("auto-subscribe"), partner=instance.partner,
                 action=AuditAction.INSTANCE_SUBSCRIBE, target=instance, instance=instance,
                 ip=ip)  # fmt: skip
    _notices_close(instance, NoticeKind.TRIAL_ENDING)
    instance.refresh_from_db()
    quote = subscription_quote(instance=instance)
    return Outcome(
        ok=True,
        action=action,
        text=_("Subscribed. It is first billed on the invoice of %(date)s.")
        % {"date": quote.first_invoice},
        value=instance,
    )


def instance_cancel(
    *, instance: Instance, now: datetime | None = None, actor: Any = None, ip: str | None = None
) -> Outcome[Instance]:
    """Cancel (``.../on-demand/cancel``, "Partners > Canceling an instance"): it stays active 30
    more days."""
    action = _("Cancel")
    if refusal := _on_demand_refusal(instance):
        return _fail(action, refusal)
    if instance.subscription_state != SubscriptionState.SUBSCRIBED:
        # A trial needs no cancelling: Z-API deletes it when the trial ends ("Partners > Definitive
        # Token").
        return _fail(
            action,
            _("Only a subscribed instance can be cancelled; a trial simply ends on its own."),
        )
    try:
        partner_client(instance.partner).cancel(instance.zapi_id, str(instance.token))
    except ZapiError as exc:
        return _fail(action, partner_error_text(exc), retryable=exc.retryable)
    now = now or timezone.now()
    until = now + timedelta(days=settings.BILLING_CANCEL_ACTIVE_DAYS)
    Instance.objects.filter(pk=instance.pk).update(
        subscription_state=SubscriptionState.CANCELLED,
        cancelled_at=now,
        payment_status="CANCELED",
        due_date=until,
        updated_at=now,
    )
    audit_record(actor=actor, partner=instance.partner, action=AuditAction.INSTANCE_CANCEL,
                 target=instance, instance=instance, ip=ip,
                 details={"active_until": until.isoformat()})  # fmt: skip
    instance.refresh_from_db()
    return Outcome(
        ok=True,
        action=action,
        text=_("Cancelled, active until %(date)s (and billed until then).")
        % {"date": timezone.localdate(until)},
        value=instance,
    )


# -- the trial clock -------------------------------------------------------------------------
def trials_ending(*, partner_ids: Any = None, now: datetime | None = None) -> Any:
    now = now or timezone.now()
    rows = Instance.objects.filter(
        subscription_state=SubscriptionState.TRIAL, due_date__gt=now
    ).exclude(zapi_id__startswith=PENDING_PREFIX)
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=partner_ids)
    return rows.select_related("partner").order_by("due_date")


def _notices_close(instance: Instance, kind: NoticeKind) -> None:
    instance_notices_dismiss(notices=InstanceNotice.objects.filter(instance=instance, kind=kind))


def _notice_once(instance: Instance, kind: NoticeKind, text: str) -> bool:
    """Raise a notice unless the same one is already there (dismissed or not)."""
    if InstanceNotice.objects.filter(instance=instance, kind=kind, text=text).exists():
        return False
    instance_notice_create(instance_id=instance.pk, kind=kind, text=text)
    return True


def trial_clock_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Beat: a notice when a trial has 24 h and 2 h left (``PARTNER_TRIAL_NOTICE_HOURS``);
    trials of auto-subscribing partners are subscribed ``PARTNER_AUTO_SUBSCRIBE_HOURS`` before
    they end; ended trials become expired (Z-API deletes them, "Partners > Definitive Token")."""
    now = now or timezone.now()
    counts = {"notices": 0, "subscribed": 0, "expired": 0}
    counts["expired"] = (
        Instance.objects.filter(subscription_state=SubscriptionState.TRIAL, due_date__lte=now)
        .exclude(zapi_id__startswith=PENDING_PREFIX)
        .update(subscription_state=SubscriptionState.EXPIRED, updated_at=now)
    )
    marks = sorted(settings.PARTNER_TRIAL_NOTICE_HOURS, reverse=True)
    for instance in trials_ending(now=now):
        left = instance.due_date - now
        auto = timedelta(hours=settings.PARTNER_AUTO_SUBSCRIBE_HOURS)
        wants = instance.partner.auto_subscribe and left <= auto
        if wants and instance_subscribe(instance=instance, now=now).ok:
            counts["subscribed"] += 1
            continue
        passed = [hours for hours in marks if left <= timedelta(hours=hours)]
        if passed:
            hours = min(passed)
            text = _(
                "Trial of %(name)s ends %(due)s (less than %(hours)d h left): subscribe it to "
                "keep it, or Z-API deletes it."
            ) % {"name": instance.name, "due": _local(instance.due_date), "hours": hours}
            counts["notices"] += _notice_once(instance, NoticeKind.TRIAL_ENDING, text)
    return counts


def unpaid_warnings_tick(*, now: datetime | None = None) -> int:
    """Beat: instances Z-API reports unpaid are warned before the 10th (they stop) and the
    15th (they are deleted), spec 001, "Partners > Invoicing"."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expiry, deletion = settings.BILLING_UNPAID_EXPIRY_DAY, settings.BILLING_UNPAID_DELETION_DAY
    if today.day > deletion:
        return 0
    step = _("stop on the %(day)d") if today.day <= expiry else _("be deleted on the %(day)d")
    day = expiry if today.day <= expiry else deletion
    unpaid = Instance.objects.filter(
        Q(payment_status__iexact="UNPAID") | Q(payment_status__iexact="OVERDUE")
        | Q(payment_status__iexact="PENDING"),
        subscription_state__in=[SubscriptionState.SUBSCRIBED, SubscriptionState.CANCELLED],
    )  # fmt: skip
    raised = 0
    for instance in unpaid:
        text = _("%(name)s is unpaid at Z-API: it will %(step)s of %(month)s.") % {
            "name": instance.name,
            "step": step % {"day": day},
            "month": today.strftime("%Y-%m"),
        }
        raised += _notice_once(instance, NoticeKind.UNPAID, text)
    return raised
