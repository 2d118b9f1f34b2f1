"""Lanes: how many dispatch rounds (``messaging.rounds``) may run at once, fleet-wide.

One ``DispatchLane`` row per lane, leased by a conditional UPDATE on the database's clock
(PostgreSQL and the embedded SQLite alike); the first ``MESSAGING_DISPATCH_LANES`` rows are
used, created on first use. A round killed with ``kill -9`` frees its lane when the lease
runs out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Subquery
from django.db.models.functions import Now

from messaging.models import DispatchLane

# A lane outlives its round's deadline by this much: the last sends may still be in flight.
LANE_GRACE = timedelta(seconds=40)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Lane:
    number: int
    token: str


def lanes_count() -> int:
    return max(1, min(settings.MESSAGING_DISPATCH_LANES, 64))


def lane_claim() -> Lane | None:
    """Lease a free lane, or None when as many rounds as allowed are running."""
    count = lanes_count()
    hold = timedelta(seconds=settings.MESSAGING_DISPATCH_ROUND_SECONDS) + LANE_GRACE
    token = uuid.uuid4().hex
    for attempt in range(2):
        free = DispatchLane.objects.filter(number__lt=count, lease_until__lt=Now())
        won = DispatchLane.objects.filter(
            number=Subquery(free.order_by("number").values("number")[:1]), lease_until__lt=Now()
        ).update(lease_until=Now() + hold, token=token)
        if won:
            number = DispatchLane.objects.filter(token=token).values_list("number", flat=True)
            return Lane(number[0], token)
        if attempt == 0 and DispatchLane.objects.filter(number__lt=count).count() < count:
            DispatchLane.objects.bulk_create(
                (DispatchLane(number=n, lease_until=_EPOCH) for n in range(count)),
                ignore_conflicts=True,
            )
        else:
            return None
    return None


def lane_release(lane: Lane) -> None:
    DispatchLane.objects.filter(number=lane.number, token=lane.token).update(
        lease_until=_EPOCH, token=""
    )


def lanes_free() -> int:
    """How many more rounds may start now (missing lane rows count as free)."""
    busy = DispatchLane.objects.filter(number__lt=lanes_count(), lease_until__gte=Now()).count()
    return max(lanes_count() - busy, 0)
