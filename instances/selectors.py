"""Reads on instances: the fleet list's annotations and states, health history, notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instances.models import (
    ConnectionState,
    HealthProbe,
    Instance,
    InstanceNotice,
    SubscriptionState,
)

# The fleet list's states, most urgent first; one name each, everywhere (filters, badges).
FLEET_STATES: dict[str, Any] = {
    "connected": _("Connected"),
    "phone_offline": _("Phone offline"),
    "disconnected": _("Disconnected"),
    "never_paired": _("Never paired"),
    "trial": _("Trial"),
    "expired": _("Expired"),
    "flagged": _("Probe says down"),
}


# The fleet states only the subscription state can tell.
SUBSCRIPTION_FLEET_STATES = frozenset({"trial", "expired"})


def subscription_states_known(queryset: QuerySet[Instance]) -> list[str]:
    """The subscription states some of these instances are in, ``unknown`` aside. Until
    something writes ``subscription_state`` this is empty, and the filters built on it
    (Trial, Expired, Subscription) offer nothing they could not show."""
    states = (
        queryset.order_by()
        .exclude(subscription_state=SubscriptionState.UNKNOWN)
        .values_list("subscription_state", flat=True)
        .distinct()
    )
    return [str(state) for state in states]


def fleet_state_q(state: str, *, now: datetime | None = None) -> Q:
    """The filter for one of ``FLEET_STATES``."""
    now = now or timezone.now()
    connected = Q(connection_state=ConnectionState.CONNECTED)
    return {
        "connected": connected & ~Q(smartphone_connected=False),
        "phone_offline": connected & Q(smartphone_connected=False),
        "disconnected": Q(connection_state=ConnectionState.DISCONNECTED),
        "never_paired": Q(connection_state=ConnectionState.NEVER_PAIRED),
        "trial": Q(subscription_state=SubscriptionState.TRIAL, due_date__gte=now)
        | Q(subscription_state=SubscriptionState.TRIAL, due_date__isnull=True),
        "expired": Q(subscription_state=SubscriptionState.EXPIRED)
        | Q(
            subscription_state__in=[SubscriptionState.TRIAL, SubscriptionState.CANCELLED],
            due_date__lt=now,
        ),
        "flagged": Q(probe_mismatch_since__isnull=False),
    }[state]


def connection_badge(instance: Instance) -> tuple[str, str]:
    """(state key, css class) of the connection badge."""
    if instance.connection_state == ConnectionState.CONNECTED:
        if instance.smartphone_connected is False:
            return "phone_offline", "badge-warn"
        return "connected", "badge-ok"
    if instance.connection_state == ConnectionState.DISCONNECTED:
        return "disconnected", "badge-bad"
    return "never_paired", "badge-muted"


@dataclass(frozen=True)
class Billing:
    key: str  # "trial", "expired", "due", "" (unknown)
    due: datetime | None
    left: timedelta | None


def billing_of(instance: Instance, *, now: datetime | None = None) -> Billing:
    now = now or timezone.now()
    due, state = instance.due_date, instance.subscription_state
    if state == SubscriptionState.EXPIRED or (
        due is not None
        and due < now
        and state in (SubscriptionState.TRIAL, SubscriptionState.CANCELLED)
    ):
        return Billing("expired", due, None)
    if state == SubscriptionState.TRIAL:
        return Billing("trial", due, due - now if due else None)
    return Billing("due" if due else "", due, due - now if due else None)


def pending_count_subquery() -> Coalesce:
    """Our own messages waiting to go out (``messaging.states.PENDING``), per instance."""
    from messaging.models import Message
    from messaging.states import PENDING

    counts = (
        Message.objects.filter(instance_id=OuterRef("pk"), state__in=[str(s) for s in PENDING])
        .order_by()
        .values("instance_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def fleet_queryset(queryset: QuerySet[Instance]) -> QuerySet[Instance]:
    """The fleet list's rows: partner joined, pending count annotated (one query)."""
    return queryset.select_related("partner").annotate(pending_count=pending_count_subquery())


def instance_probes(*, instance: Instance, limit: int = 200) -> QuerySet[HealthProbe]:
    return HealthProbe.objects.filter(instance=instance).order_by("-at", "-pk")[:limit]


def open_notices(*, user: Any, limit: int = 20) -> QuerySet[InstanceNotice]:
    return (
        InstanceNotice.objects.for_user(user)
        .filter(dismissed_at__isnull=True)
        .select_related("instance")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class UptimeHour:
    start: datetime
    total: int
    up: int

    @property
    def ratio(self) -> float | None:
        return self.up / self.total if self.total else None


def uptime_by_instance(
    *, instance_ids: list[int], now: datetime | None = None, hours: int = 24
) -> dict[int, list[UptimeHour]]:
    """Hour buckets of probe results for many instances in ONE query (the fleet list)."""
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    rows = (
        HealthProbe.objects.filter(instance_id__in=instance_ids, at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at"))
        .values("instance_id", "hour")
        .annotate(total=Count("pk"), up=Count("pk", filter=Q(connected=True)))
    )
    found: dict[tuple[int, datetime], tuple[int, int]] = {
        (row["instance_id"], row["hour"]): (row["total"], row["up"]) for row in rows
    }
    starts = [start + timedelta(hours=n) for n in range(hours)]  # once, not once per row
    return {
        instance_id: [UptimeHour(hour, *found.get((instance_id, hour), (0, 0))) for hour in starts]
        for instance_id in instance_ids
    }
