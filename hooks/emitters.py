"""What the product's events look like to our users' systems. The apps call these where the
event happens (one line each); nothing is written for a partner without an endpoint that
wants the event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from hooks.selectors import anyone_wants, subscribed_endpoints
from hooks.services import hook_event_emit


def wanted(*, partner_id: int, event_type: str) -> bool:
    return bool(subscribed_endpoints(partner_id=partner_id, event_type=event_type))


def message_data(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "instance": message.instance_id,
        "direction": message.direction,
        "kind": message.kind,
        "chat_id": message.chat_id,
        "state": message.state,
        "message_id": message.message_id,
        "zaap_id": message.zaap_id,
        "error": message.error,
    }


def status_hooks_wanted() -> bool:
    return anyone_wants(event_type="message.status")


def message_status_emit(*, message_ids: Iterable[int]) -> int:
    """``message.status`` for these messages, as they are now."""
    from messaging.models import Message

    if not status_hooks_wanted():
        return 0
    sent = 0
    rows = Message.objects.filter(pk__in=list(message_ids)).select_related("instance")
    for message in rows.order_by("pk"):
        sent += hook_event_emit(
            partner_id=message.instance.partner_id,
            event_type="message.status",
            data=message_data(message),
        )
    return sent


def message_received_emit(*, partner_id: int, message: Any) -> int:
    if not wanted(partner_id=partner_id, event_type="message.received"):
        return 0
    data = {**message_data(message), "text": message.text, "at": message.created_at.isoformat()}
    return hook_event_emit(partner_id=partner_id, event_type="message.received", data=data)


def instance_connection_emit(
    *, partner_id: int, instance_id: int, state: str, at: datetime, source: str
) -> int:
    data = {"instance": instance_id, "state": state, "at": at.isoformat(), "source": source}
    return hook_event_emit(partner_id=partner_id, event_type="instance.connection", data=data)


def campaign_progress_emit(*, campaign: Any, rows: list[dict[str, Any]] | None = None) -> int:
    """``campaign.progress``: the campaign's state and the progress page's figures, when its
    state or its counts move (``rows``: the counts just made, else counted now)."""
    from messaging.campaigns.selectors import campaign_figures, campaign_tally_compute

    if not wanted(partner_id=campaign.partner_id, event_type="campaign.progress"):
        return 0
    if rows is None:
        rows = campaign_tally_compute(campaign_ids=[campaign.pk])[campaign.pk]
    data = {"campaign": campaign.pk, "name": campaign.name,
            **campaign_figures(campaign=campaign, rows=rows)}  # fmt: skip
    return hook_event_emit(
        partner_id=campaign.partner_id, event_type="campaign.progress", data=data
    )
