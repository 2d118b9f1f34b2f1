"""Reads of the outbound webhooks: who wants which event."""

from __future__ import annotations

import time

from hooks.models import Endpoint

# Which endpoints want what, per partner, for a few seconds per process: status webhooks
# arrive by the thousand and almost no partner has an endpoint, so the answer "nobody" is
# kept briefly instead of asked each time. Saving an endpoint forgets it in this process;
# other processes see a new endpoint within ``_TTL`` seconds.
_TTL = 15.0
_cache: dict[int, tuple[float, list[tuple[int, list[str]]]]] = {}


def subscriptions_forget() -> None:
    _cache.clear()
    _anyone.clear()


def subscribed_endpoints(*, partner_id: int, event_type: str) -> list[int]:
    now = time.monotonic()
    cached = _cache.get(partner_id)
    if cached is None or cached[0] < now:
        rows = list(
            Endpoint.objects.filter(partner_id=partner_id, is_active=True).values_list(
                "pk", "event_types"
            )
        )
        cached = (now + _TTL, [(pk, list(types or [])) for pk, types in rows])
        _cache[partner_id] = cached
    return [pk for pk, types in cached[1] if event_type in types]


_anyone: dict[str, tuple[float, bool]] = {}


def anyone_wants(*, event_type: str) -> bool:
    """Does any active endpoint of any partner want ``event_type``? (Cached like above: the
    hot paths ask this first and pay nothing more when the answer is no.)"""
    now = time.monotonic()
    cached = _anyone.get(event_type)
    if cached is None or cached[0] < now:
        rows = Endpoint.objects.filter(is_active=True).values_list("event_types", flat=True)
        cached = (now + _TTL, any(event_type in (types or []) for types in rows))
        _anyone[event_type] = cached
    return cached[1]
