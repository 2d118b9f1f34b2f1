"""What makes two webhook deliveries "the same event", and what time an event speaks of.

Z-API signs nothing and documents no retry policy, so a delivery may come twice (its retry
after our slow answer, a replay from their panel, a proxy). The dedupe key names the fact an
event reports, from the payload alone, so a second delivery of that fact is recognised:

- ``DeliveryCallback``: the message left Z-API's queue: its ``zaapId``/``messageId``
  (spec 001, "Webhooks > When sending").
- ``MessageStatusCallback``: "these ``ids`` reached ``status``" ("Webhooks > Message status"). The
  ``momment`` is left out: hearing the same status of the same message again is the same fact, and
  states only move forward anyway.
- ``ReceivedCallback``: the ``messageId`` and its ``momment`` (an edit keeps the id of the
  message it edits, so ``isEdit`` and the time tell two edits apart, "Webhooks > Upon receiving").
  Payloads with no ``messageId`` (profile changes, "Webhooks > Upon receiving") fall back to the
  whole body.
- ``ConnectedCallback``/``DisconnectedCallback``: the state and its ``momment``.
- ``PresenceChatCallback``: no time of its own ("Webhooks > Status do chat"): the same presence of
  the same chat within the same second of receipt is the same event; later, it is news again.
- Anything else: the whole body, canonically encoded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from zapi.times import epoch_time

# A ``momment`` further ahead than this is not believed (the spec's ConnectedCallback example
# says 26151515154, "Webhooks > When connecting"): a bogus future time would win "latest wins"
# forever.
_FUTURE_SLACK = timedelta(days=1)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def dedupe_key(data: Mapping[str, Any], *, received_at: datetime) -> str:
    """A short stable key: the lower-case type and a hash of the event's identity."""
    kind = _text(data.get("type")).lower()[:40]
    identity: list[Any]
    if kind == "deliverycallback":
        identity = [data.get("zaapId"), data.get("messageId"), data.get("error")]
    elif kind == "messagestatuscallback":
        ids = data.get("ids")
        ids = sorted(map(str, ids)) if isinstance(ids, list) else ids
        identity = [data.get("status"), ids, data.get("phone")]
    elif kind == "receivedcallback" and data.get("messageId"):
        identity = [
            data.get("messageId"),
            data.get("momment"),
            bool(data.get("isEdit")),
            data.get("notification"),
            bool(data.get("fromMe")),
        ]
    elif kind in ("connectedcallback", "disconnectedcallback"):
        identity = [data.get("connected"), data.get("disconnected"), data.get("momment")]
        identity.append(data.get("error"))
    elif kind == "presencechatcallback":
        second = received_at.replace(microsecond=0).isoformat()
        identity = [data.get("phone"), data.get("status"), data.get("lastSeen"), second]
    else:
        identity = [data]
    digest = hashlib.sha256(_canonical(identity).encode()).hexdigest()
    return f"{kind or 'untyped'}:{digest}"


def momment_time(value: Any, *, default: datetime) -> datetime:
    """The time a ``momment`` (``zapi.times.epoch_time``) speaks of, or ``default`` when it
    is missing, unreadable or too far in the future."""
    at = epoch_time(value)
    if at is None or at > default + _FUTURE_SLACK:
        return default
    return at
