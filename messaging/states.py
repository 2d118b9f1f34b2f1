"""The message state machine. States only move forward.

Outbound: queued → sending → accepted → sent → received → read → played, plus failed,
cancelled and uncertain. Z-API's webhooks may arrive out of order or twice (spec 001,
"Webhooks"): a late SENT after READ must change nothing, so every move is checked
against this table and applied with a conditional UPDATE (see ``messaging.services``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    ACCEPTED = "accepted", _("Accepted by Z-API")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Delivered")
    READ = "read", _("Read")
    PLAYED = "played", _("Played")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # A read timeout after the request was written: Z-API may or may not have it. Reconciled
    # against Z-API's queue and the webhooks, never resent blindly.
    UNCERTAIN = "uncertain", _("Uncertain")


S = MessageState

# The delivery chain, in order. Any later state may follow an earlier one (webhooks skip:
# a READ may be the first status we hear of).
DELIVERY_CHAIN: tuple[MessageState, ...] = (S.ACCEPTED, S.SENT, S.RECEIVED, S.READ, S.PLAYED)

_TRANSITIONS: dict[MessageState, frozenset[MessageState]] = {
    S.QUEUED: frozenset({S.SENDING, S.CANCELLED, S.FAILED}),
    # Back to queued only for errors that prove the request never reached Z-API.
    S.SENDING: frozenset({S.QUEUED, S.FAILED, S.UNCERTAIN, *DELIVERY_CHAIN}),
    S.UNCERTAIN: frozenset({S.QUEUED, S.FAILED, S.CANCELLED, *DELIVERY_CHAIN}),
    # A DeliveryCallback with an error fails an accepted message.
    S.ACCEPTED: frozenset({S.FAILED, *DELIVERY_CHAIN[1:]}),
    S.SENT: frozenset(DELIVERY_CHAIN[2:]),
    S.RECEIVED: frozenset(DELIVERY_CHAIN[3:]),
    S.READ: frozenset(DELIVERY_CHAIN[4:]),
    S.PLAYED: frozenset(),
    # Support staff may retry a failed message: it goes back to the queue.
    S.FAILED: frozenset({S.QUEUED}),
    S.CANCELLED: frozenset(),
}

TERMINAL: frozenset[MessageState] = frozenset(s for s, nxt in _TRANSITIONS.items() if not nxt)
# Waiting on our side (the dispatcher's queue): what support sees on "our queue".
PENDING: frozenset[MessageState] = frozenset({S.QUEUED, S.SENDING, S.UNCERTAIN})


def sources_of(target: MessageState | str) -> list[str]:
    """Every state from which ``target`` may be reached: the WHERE of a conditional UPDATE."""
    target = MessageState(target)
    return [str(source) for source, nxt in _TRANSITIONS.items() if target in nxt]


# The timestamp column each state sets when reached.
STATE_TIME_FIELD: dict[MessageState, str] = {
    S.QUEUED: "queued_at",
    S.SENDING: "sending_at",
    S.ACCEPTED: "accepted_at",
    S.SENT: "sent_at",
    S.RECEIVED: "received_at",
    S.READ: "read_at",
    S.PLAYED: "played_at",
    S.FAILED: "failed_at",
    S.CANCELLED: "cancelled_at",
    S.UNCERTAIN: "uncertain_at",
}
