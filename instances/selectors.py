"""Reads on instances: the fleet list's annotations and states, health history, notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractHour
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
    (Trial, Expired, Subscription) offer nothing they could not show.

    One EXISTS per state (an index probe each, ``instance_sub_partner``), not a DISTINCT
    over every row: the cost does not grow with the fleet."""
    states = [str(s) for s in SubscriptionState if s != SubscriptionState.UNKNOWN]
    base = queryset.order_by().values("pk")
    found = (
        Instance.objects.order_by()
        .annotate(
            **{
                f"s{n}": Exists(base.filter(subscription_state=state))
                for n, state in enumerate(states)
            }
        )
        .values_list(*(f"s{n}" for n in range(len(states))))
        .first()
    )
    return [state for state, present in zip(states, found or (), strict=False) if present]


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
        # sorted: the very predicate of the partial index ``message_pending_by_instance``
        Message.objects.filter(instance_id=OuterRef("pk"), state__in=sorted(PENDING))
        .order_by()
        .values("instance_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def fleet_queryset(queryset: QuerySet[Instance]) -> QuerySet[Instance]:
    """The fleet list's rows: partner joined, pending count annotated (one query)."""
    return queryset.select_related("partner").annotate(pending_count=pending_count_subquery())


def pending_page_ids(
    queryset: QuerySet[Instance], order: list[str], low: int, high: int | None
) -> list[int]:
    """The ids of rows ``low:high`` of ``queryset`` in ``order``, which sorts by
    ``pending_count``, without reading any row whole or counting per row.

    Sorted by the count alone (and the id, the admin's tie-break), the fleet is two runs:
    the instances with nothing waiting, in id order, and those with messages waiting, by
    their count. Each run is one query that stops at the page: the empty run walks the id
    index and skips an instance when the partial index ``message_pending_by_instance`` has
    it; the other counts the waiting messages (that index alone) grouped by instance. So a
    page costs what the waiting messages cost, not what the fleet does: ascending, the first
    page of 100,000 numbers reads 100 ids (``bench/README.md``, "sort by our queue"). Any
    other order (a second column) is one grouped join of the fleet with its waiting
    messages (``_pending_page_ids_joined``)."""
    from messaging.models import Message
    from messaging.states import PENDING

    keys = [o for o in order if o.lstrip("-") != "pk"]
    ids_desc = any(o == "-pk" for o in order)
    if len(keys) != 1 or keys != order[:1]:
        return _pending_page_ids_joined(queryset, order, low, high)
    count_desc = keys[0].startswith("-")
    pending = Message.objects.filter(state__in=PENDING)
    waiting = pending
    if queryset.query.has_filters():  # scoped, filtered or searched: only those instances
        waiting = pending.filter(instance__in=queryset.values("pk"))
    counted = (
        waiting.order_by()
        .values("instance_id")
        .annotate(n=Count("instance_id"))
        .order_by("-n" if count_desc else "n", "-instance_id" if ids_desc else "instance_id")
        .values_list("instance_id", flat=True)
    )
    empty = (
        queryset.filter(~Exists(pending.filter(instance_id=OuterRef("pk"))))
        .order_by("-pk" if ids_desc else "pk")
        .values_list("pk", flat=True)
    )
    first, then = (counted, empty) if count_desc else (empty, counted)
    page = list(first[low:high])
    if high is not None and len(page) == high - low:
        return page
    # The first run ends on this page (or before it): the second goes on from there.
    ran = low + len(page) if page else first.count()
    return page + list(then[max(0, low - ran) : None if high is None else high - ran])


def _pending_page_ids_joined(
    queryset: QuerySet[Instance], order: list[str], low: int, high: int | None
) -> list[int]:
    """``pending_page_ids`` for any order: one LEFT JOIN of the instances with their waiting
    messages (the partial index), grouped by instance, selecting the ids only."""
    from messaging.states import PENDING

    waiting = FilteredRelation("messages", condition=Q(messages__state__in=sorted(PENDING)))
    narrow = (
        queryset.alias(waiting=waiting)
        # the counted column is in the partial index: an index-only scan, no message read
        .annotate(pending_n=Count("waiting__instance"))
        .order_by(*(o.replace("pending_count", "pending_n") for o in order))
        .values_list("pk", flat=True)
    )
    return list(narrow[low:high])


def instance_probes(*, instance: Instance, limit: int = 200) -> QuerySet[HealthProbe]:
    return HealthProbe.objects.filter(instance=instance).order_by("-at", "-pk")[:limit]


def open_notices(*, user: Any, limit: int = 20) -> QuerySet[InstanceNotice]:
    return (
        InstanceNotice.objects.for_user(user)
        .filter(dismissed_at__isnull=True)
        .select_related("instance")
        .order_by("-created_at")[:limit]
    )


class UptimeHour(NamedTuple):
    """One hour of probes (a tuple: a fleet page builds 2,400 of them)."""

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
    # Buckets named by the UTC (day, hour) of the probe: plain integers, where a truncated
    # datetime costs a time zone conversion per bucket (2,400 of them on a fleet page).
    rows = (
        HealthProbe.objects.filter(instance_id__in=instance_ids, at__gte=start, at__lt=end)
        .order_by()
        .annotate(day=ExtractDay("at", tzinfo=UTC), hour=ExtractHour("at", tzinfo=UTC))
        .values_list("instance_id", "day", "hour")
        .annotate(total=Count("pk"), up=Count("pk", filter=Q(connected=True)))
    )
    starts = [start + timedelta(hours=n) for n in range(hours)]  # once, not once per row
    utc = [hour.astimezone(UTC) for hour in starts]
    position = {(hour.day, hour.hour): n for n, hour in enumerate(utc)}
    # Every instance starts from the same empty hours; an hour with probes replaces its
    # cell, and equal hours (nearly all: every probe up) are one tuple, not one each.
    empty = [UptimeHour(hour, 0, 0) for hour in starts]
    result = {instance_id: empty.copy() for instance_id in instance_ids}
    made: dict[tuple[int, int, int], UptimeHour] = {}
    for instance_id, day, hour, total, up in rows:
        n = position[day, hour]
        cell = made.get((n, total, up))
        if cell is None:
            cell = made[n, total, up] = UptimeHour(starts[n], total, up)
        result[instance_id][n] = cell
    return result
