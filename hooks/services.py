"""Writes of the outbound webhooks: register endpoints, emit events, deliver, replay.

Delivery claims a row with a conditional UPDATE (a lease on ``next_attempt_at``), so any
number of workers and the beat sweeper can run it and each attempt happens once; the HTTP
call runs outside any transaction.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from hooks.events import EVENT_TYPES, TEST_EVENT
from hooks.models import DUE_STATES, Attempt, Delivery, DeliveryState, Endpoint, new_signing_secret
from hooks.selectors import subscribed_endpoints, subscriptions_forget
from partners.models import Partner

logger = logging.getLogger(__name__)

# Standard Webhooks' recommended schedule after the first try: 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 10 h: about 28 hours in all, so a receiver down for a day still gets everything.
RETRY_SCHEDULE_SECONDS: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
# A claimed delivery is not claimed again for this long (a worker killed mid-call).
LEASE_SECONDS = 120
ANSWER_KEPT = 2000


def endpoint_save(
    *,
    partner: Partner,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    endpoint: Endpoint | None = None,
) -> Endpoint:
    types = sorted(set(event_types))
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown or not types:
        raise ValidationError(_("Choose at least one of the events: %(types)s.")
                              % {"types": ", ".join(EVENT_TYPES)})  # fmt: skip
    endpoint = endpoint or Endpoint()
    endpoint.partner = partner
    endpoint.url, endpoint.description, endpoint.event_types = url, description, types
    endpoint.full_clean(exclude=["secret"])
    endpoint.save()
    subscriptions_forget()
    return endpoint


def endpoint_enable(*, endpoint: Endpoint) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_at=None, disabled_reason=""
    )
    subscriptions_forget()


def endpoint_secret_rotate(*, endpoint: Endpoint) -> str:
    secret = new_signing_secret()
    endpoint.secret = secret
    endpoint.save(update_fields=["secret"])
    return secret


def hook_event_emit(
    *, partner_id: int, event_type: str, data: dict[str, Any], at: datetime | None = None
) -> int:
    """Owe ``event_type`` to every active endpoint of the partner that wants it; delivery
    starts after the caller's transaction commits. Returns how many deliveries."""
    endpoints = subscribed_endpoints(partner_id=partner_id, event_type=event_type)
    if not endpoints:
        return 0
    return len(_deliveries_create(endpoints, event_type, data, at))


def endpoint_test_send(*, endpoint: Endpoint) -> Delivery:
    """A test event to one endpoint (the page's "send a test event")."""
    data = {"endpoint": endpoint.pk, "text": "Test event from Z-API Fleet."}
    return _deliveries_create([endpoint.pk], TEST_EVENT, data, None)[0]


def _deliveries_create(
    endpoint_ids: list[int], event_type: str, data: dict[str, Any], at: datetime | None
) -> list[Delivery]:
    payload = {"type": event_type, "timestamp": (at or timezone.now()).isoformat(), "data": data}
    rows = Delivery.objects.bulk_create(
        [Delivery(endpoint_id=pk, event_type=event_type, payload=payload) for pk in endpoint_ids]
    )
    for row in rows:
        transaction.on_commit(partial(_dispatch, delivery_id=row.pk))
    return rows


def _dispatch(*, delivery_id: int) -> None:
    from hooks.tasks import hook_delivery_attempt_task

    try:
        hook_delivery_attempt_task.apply_async(
            args=(delivery_id,), retry=True, retry_policy={"max_retries": 2, "interval_start": 0}
        )
    except Exception:
        logger.warning("broker unreachable: webhook delivery %s left to the sweeper", delivery_id)


def signed_request(
    delivery: Delivery, *, now: datetime | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and the Standard Webhooks headers of one attempt."""
    now = now or timezone.now()
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False, default=str)
    signature = Webhook(str(delivery.endpoint.secret)).sign(delivery.webhook_id, now, body)
    return body.encode(), {
        "content-type": "application/json",
        "user-agent": "Z-API-Fleet-Webhooks/1",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def hook_delivery_attempt(*, delivery_id: int) -> str | None:
    """One attempt if the delivery is due and nobody else holds it; its new state, or None."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, state__in=DUE_STATES, next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).update(next_attempt_at=now + timedelta(seconds=LEASE_SECONDS))  # fmt: skip
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint__partner").get(pk=delivery_id)
    body, headers = signed_request(delivery)
    started = time.monotonic()
    status: int | None = None
    answer, error = "", ""
    try:
        response = httpx.post(
            delivery.endpoint.url,
            content=body,
            headers=headers,
            timeout=settings.HOOKS_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
        status, answer = response.status_code, response.text[:ANSWER_KEPT]
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:255]
    took = int((time.monotonic() - started) * 1000)
    return _record(delivery, status=status, answer=answer, error=error, took=took)


@transaction.atomic
def _record(delivery: Delivery, *, status: int | None, answer: str, error: str, took: int) -> str:
    now = timezone.now()
    attempt = Attempt.objects.create(
        delivery=delivery, at=now, status_code=status, error=error,
        response_body=answer, duration_ms=took,
    )  # fmt: skip
    attempts = delivery.attempts + 1
    endpoint = delivery.endpoint
    if attempt.ok:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SUCCEEDED, attempts=attempts, delivered_at=now
        )
        Endpoint.objects.filter(pk=endpoint.pk).update(last_success_at=now)
        return DeliveryState.SUCCEEDED
    if status == 410:
        # "Gone": the receiver says this URL is no more (Standard Webhooks): stop now.
        Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD, attempts=attempts)
        _endpoint_disable(endpoint, _("The URL answered 410 Gone."))
        return DeliveryState.DEAD
    if attempts > len(RETRY_SCHEDULE_SECONDS):
        Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD, attempts=attempts)
        if endpoint.last_success_at is None or endpoint.last_success_at < delivery.created_at:
            what = f"HTTP {status}" if status is not None else error
            _endpoint_disable(
                endpoint,
                _("Nothing was delivered for a day: %(n)d attempts failed, the last with %(what)s.")
                % {"n": attempts, "what": what},
            )
        return DeliveryState.DEAD
    wait = RETRY_SCHEDULE_SECONDS[attempts - 1]
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.RETRYING, attempts=attempts,
        next_attempt_at=now + timedelta(seconds=wait),
    )  # fmt: skip
    return DeliveryState.RETRYING


def _endpoint_disable(endpoint: Endpoint, reason: str) -> None:
    changed = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:255]
    )
    subscriptions_forget()
    if changed:
        transaction.on_commit(partial(_notice_send, endpoint_id=endpoint.pk, reason=reason))


def _notice_send(*, endpoint_id: int, reason: str) -> None:
    """Email the partner's admins that their endpoint was switched off, and why."""
    from django.contrib.auth import get_user_model

    from partners.roles import CAPABILITIES, Capability

    endpoint = Endpoint.objects.select_related("partner").get(pk=endpoint_id)
    roles = [r for r, caps in CAPABILITIES.items() if Capability.MANAGE_API_KEYS in caps]
    emails = sorted(
        set(
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__partner_id=endpoint.partner_id,
                memberships__role__in=roles,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not emails:
        return
    subject = _("[Z-API Fleet] Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
    body = _("We stopped sending events to %(url)s. %(reason)s\n\nFix the receiver, then "
             "enable it again on the Webhook endpoints page and replay what it missed.") % {
        "url": endpoint.url, "reason": reason,
    }  # fmt: skip
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)


def hook_deliveries_replay(*, delivery_ids: Iterable[int]) -> int:
    """Send these deliveries again now (same ``webhook-id``, so receivers can dedupe)."""
    ids = list(delivery_ids)
    count = Delivery.objects.filter(pk__in=ids).update(
        state=DeliveryState.PENDING, next_attempt_at=timezone.now()
    )
    for delivery_id in ids:
        transaction.on_commit(partial(_dispatch, delivery_id=delivery_id))
    return count


def hook_deliveries_due(*, limit: int = 200) -> int:
    """Beat: attempt every delivery whose time has come (retries, lost tasks)."""
    ids = list(
        Delivery.objects.filter(
            state__in=DUE_STATES, next_attempt_at__lte=timezone.now(), endpoint__is_active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if hook_delivery_attempt(delivery_id=pk) is not None)


def hook_deliveries_purge(*, older_than_days: int = 30) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    old = Q(created_at__lt=cutoff) & ~Q(state__in=DUE_STATES)
    return int(Delivery.objects.filter(old).delete()[0])
