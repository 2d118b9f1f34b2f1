"""The dispatcher: sends the due messages of the numbers whose pacer slot it holds.

A send goes in three steps, the first and last on this worker's database connection:

1. **claim**: the number's slot (``messaging.pacer.slots_claim``, many numbers in one
   statement) and then its oldest due message, moved to ``sending`` by one
   ``UPDATE ... RETURNING`` for all the claimed numbers (no read-then-write) and committed
   before any HTTP call, so a crash from there on leaves a row the sweeper finds, never a
   silent loss. A message to a new recipient over the daily cap (``messaging.caps``, asked
   for the whole batch) goes back to the queue until tomorrow;
2. **call**: one ``send-*`` request, answered as an ``instances.outcome.Outcome`` (the one
   contract for "what Z-API said"). Rounds (``messaging.rounds``) run the calls of many
   numbers at once on a thread pool; the threads touch no database;
3. **record**: the answer stored on the message, the slot freed with a random gap; the
   accepted answers of a batch in one statement (``sends_finish``).

What each answer proves (zapi.errors):

* accepted → ``accepted`` with ``zaapId``/``messageId`` (spec 001, "Messages");
* never sent (connect failed) and 429 → back to ``queued``, tried again later;
* 5xx → back to ``queued`` with backoff, ``failed`` after MESSAGING_MAX_SERVER_ERRORS;
* read timeout after the write ("maybe delivered") → ``uncertain``, reconciled later
  against Z-API's queue and the webhooks (messaging.reconcile), never resent blindly;
* "not connected" → back to ``queued``; the instance waits for its connection;
* any other 4xx → ``failed`` with Z-API's answer.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fields import EncryptedTextField
from core.secrets import Secret
from hooks.emitters import message_status_emit
from instances.models import ConnectionState, Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from messaging.caps import recipients_admit
from messaging.models import Direction, HoldReason, InstancePacer, Message
from messaging.pacer import SlotClaim, pacer_get, slot_gap, slot_release, slots_claim
from messaging.services import message_transition
from messaging.states import MessageState, sources_of
from zapi.clients.instance import InstanceClient
from zapi.errors import (
    MaybeDeliveredError,
    NeverSentError,
    NotConnectedError,
    RateLimitedError,
    ServerError,
    ZapiError,
)
from zapi.models import SendResult

logger = logging.getLogger(__name__)

NOT_CONNECTED_WAIT = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=5)


class DispatchResult(enum.StrEnum):
    SENT = "sent"  # a request went to Z-API (whatever it answered)
    IDLE = "idle"  # nothing due
    BUSY = "busy"  # another worker holds the slot
    PACED = "paced"  # the gap since the last send has not passed; a round is scheduled
    PAUSED = "paused"  # disconnected, phone offline or paused by an operator


def instance_ready(instance: Instance, pacer: InstancePacer) -> bool:
    """May this number send now? A disconnected number or an offline phone would only fill
    Z-API's queue (at most 1000, spec 001, "Queue > Fila") to be sent in a burst on reconnect."""
    return (
        not pacer.paused
        and instance.connection_state == ConnectionState.CONNECTED
        and instance.smartphone_connected is not False
    )


@dataclass
class Send:
    """One claimed number and the message it sends in this slot."""

    claim: SlotClaim
    message: Message
    client: InstanceClient


# -- 1. claim --------------------------------------------------------------------------------

_MESSAGE_CLAIM_SQL = """
UPDATE {message}
   SET state = %s, sending_at = %s, attempts = attempts + 1, hold_reason = ''
 WHERE id = (SELECT id FROM {message}
              WHERE instance_id = %s AND direction = %s AND state = %s
                AND (not_before IS NULL OR not_before <= {now})
              ORDER BY created_at, id LIMIT 1)
   AND state = %s
RETURNING id, chat_id, endpoint, endpoint_path, payload, attempts
"""


def message_claim(*, instance_id: int) -> Message | None:
    """The number's oldest due message, moved to ``sending`` in one statement (autocommit:
    committed on return). The caller holds the number's slot, so no other dispatcher takes
    a message of this number meanwhile; the ``state`` condition loses to a cancel."""
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    # "Due" on the database's clock, as the slot claim saw it (a worker's skewed clock must
    # not make a claimed slot find nothing due, and claim it again, forever).
    pg = connection.vendor == "postgresql"
    sql = _MESSAGE_CLAIM_SQL.format(
        message=Message._meta.db_table, now="statement_timestamp()" if pg else "%s"
    )
    queued = str(MessageState.QUEUED)
    params = [str(MessageState.SENDING), at, instance_id, str(Direction.OUTBOUND), queued]
    params += [queued] if pg else [at, queued]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _claimed(instance_id, *row, sending_at=now)


def _claimed(
    instance_id: int, pk: int, chat_id: str, endpoint: str, path: Any, payload: Any,
    attempts: int, *, sending_at: datetime,
) -> Message:  # fmt: skip
    """The message a claim's ``RETURNING`` describes, as a saved row (no read back)."""
    message = Message(
        pk=pk, instance_id=instance_id, direction=Direction.OUTBOUND, chat_id=chat_id,
        endpoint=endpoint, endpoint_path=_json_value(path), payload=_json_value(payload),
        attempts=attempts, state=MessageState.SENDING, sending_at=sending_at,
    )  # fmt: skip
    message._state.adding, message._state.db = False, "default"
    return message


# The same claim for many numbers (one message each, the oldest due) in one statement: the
# PostgreSQL path of ``sends_claim``. ``sources`` is ``sources_of(SENDING)``: the state
# machine decides which rows may move, here as in ``message_transition``.
_MESSAGES_CLAIM_SQL = """
UPDATE {message} AS m
   SET state = %(sending)s, sending_at = %(at)s, attempts = m.attempts + 1, hold_reason = ''
  FROM unnest(%(numbers)s::bigint[]) AS n(instance_id)
       CROSS JOIN LATERAL (
           SELECT q.id FROM {message} AS q
            WHERE q.instance_id = n.instance_id AND q.direction = %(out)s AND q.state = %(queued)s
              AND (q.not_before IS NULL OR q.not_before <= statement_timestamp())
            ORDER BY q.created_at, q.id LIMIT 1) AS due
 WHERE m.id = due.id AND m.state = ANY(%(sources)s)
RETURNING m.id, m.instance_id, m.chat_id, m.endpoint, m.endpoint_path, m.payload, m.attempts
"""


def messages_claim(*, instance_ids: list[int]) -> dict[int, Message]:
    """``message_claim`` for each of these numbers (whose slots the caller holds), by number;
    one statement on PostgreSQL. A number with nothing due (or whose message a cancel took
    first) is missing from the answer."""
    if connection.vendor != "postgresql":
        one_by_one = {pk: message_claim(instance_id=pk) for pk in instance_ids}
        return {pk: m for pk, m in one_by_one.items() if m is not None}
    now = timezone.now()
    params: dict[str, Any] = {
        "sending": str(MessageState.SENDING), "at": now, "numbers": instance_ids,
        "out": str(Direction.OUTBOUND), "queued": str(MessageState.QUEUED),
        "sources": sources_of(MessageState.SENDING),
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_MESSAGES_CLAIM_SQL.format(message=Message._meta.db_table), params)
        rows = cursor.fetchall()
    return {
        instance_id: _claimed(instance_id, pk, *rest, sending_at=now)
        for pk, instance_id, *rest in rows
    }


def _json_value(value: Any) -> Any:
    # PostgreSQL's driver decodes jsonb; SQLite hands back the text.
    return json.loads(value) if isinstance(value, str) else value


def _cap_hold(message: Message, until: datetime) -> None:
    """Undo the claim of a message over the daily cap: queued again, until ``until``. Not a
    state change anybody saw (no status was emitted for the claim yet)."""
    Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.QUEUED,
        attempts=message.attempts - 1,
        not_before=until,
        hold_reason=HoldReason.DAILY_CAP,
    )


# This process's clients by the instance's address and credentials as read, and the
# settings they were built with (a new token, client token or setting makes a new client;
# the cache starts over when full).
_client_cache: dict[tuple[object, ...], InstanceClient] = {}
_CLIENT_CACHE_SIZE = 20_000
_TOKEN_FIELD = cast(EncryptedTextField, Instance._meta.get_field("token"))
_CLIENT_TOKEN_FIELD = cast(EncryptedTextField, Instance._meta.get_field("client_token"))


def _clients(instance_ids: list[int]) -> dict[int, InstanceClient]:
    """Z-API clients for these instances: one query, no model instances, a client built
    (and the credentials decrypted) only when its instance's ciphertext changed."""
    found = {}
    # The columns as stored: decrypting every row on every round cost as much as the claim.
    rows = (
        Instance.objects.filter(pk__in=instance_ids)
        .annotate(
            token_stored=Cast("token", TextField()), client_stored=Cast("client_token", TextField())
        )
        .values_list("pk", "zapi_id", "token_stored", "client_stored")
    )
    for pk, zapi_id, token, client_token in rows:
        key = (pk, zapi_id, token, client_token, settings.ZAPI_BASE_URL,
               settings.ZAPI_CONNECT_TIMEOUT, settings.ZAPI_READ_TIMEOUT)  # fmt: skip
        client = _client_cache.get(key)
        if client is None:
            if len(_client_cache) >= _CLIENT_CACHE_SIZE:
                _client_cache.clear()
            address = Instance(
                pk=pk,
                zapi_id=zapi_id,
                token=_TOKEN_FIELD.from_db_value(token, None, connection) or Secret(""),
                client_token=_CLIENT_TOKEN_FIELD.from_db_value(client_token, None, connection)
                or Secret(""),
            )
            # No retries inside the client: a send is not idempotent (zapi.clients.sends).
            client = _client_cache[key] = instance_client(address, max_retries=0)
        found[pk] = client
    return found


def sends_claim(
    claims: list[SlotClaim], clients: dict[int, InstanceClient]
) -> tuple[list[Send], list[SlotClaim]]:
    """For each claimed slot, claim the message it sends: (sends, slots with nothing to send
    now). ``clients`` caches this round's Z-API clients by instance (one decrypt each)."""
    sends: list[Send] = []
    empty: list[SlotClaim] = []
    missing = [c.lease.instance_id for c in claims if c.lease.instance_id not in clients]
    if missing:
        clients.update(_clients(missing))
    messages = messages_claim(instance_ids=[c.lease.instance_id for c in claims])
    ready = []
    for claim in claims:
        message = messages.get(claim.lease.instance_id)
        if message is None or claim.lease.instance_id not in clients:
            empty.append(claim)
        else:
            ready.append((claim, message))
    holds = recipients_admit([(claim.pacer, message.chat_id) for claim, message in ready])
    for (claim, message), hold_until in zip(ready, holds, strict=True):
        if hold_until is not None:
            _cap_hold(message, hold_until)
            empty.append(claim)
        else:
            sends.append(Send(claim, message, clients[claim.lease.instance_id]))
    if sends:
        message_status_emit(message_ids=[s.message.pk for s in sends])
    return sends, empty


# -- 2. call ---------------------------------------------------------------------------------


def send_call(send: Send) -> Outcome[SendResult]:
    """The one HTTP call of a send. Safe on any thread: no database."""
    message = send.message

    def call() -> SendResult:
        body = send.client.call(
            message.endpoint, path=message.endpoint_path or None, json=message.payload
        )
        return SendResult.model_validate(body or {})

    return zapi_outcome(_("Send"), call, ok_text=_("Accepted by Z-API."))


# -- 3. record -------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _retry_later(message: Message, text: str, wait: timedelta, reason: str) -> datetime:
    at = timezone.now() + wait
    message_transition(
        pk=message.pk, to=MessageState.QUEUED, not_before=at, hold_reason=reason, error=text[:2000]
    )
    return at


def send_record(message: Message, outcome: Outcome[SendResult]) -> datetime | None:
    """Store what Z-API answered to a message committed as ``sending``. Returns a time
    before which the number must not send again (a 429's Retry-After), if any."""
    exc = outcome.error
    if outcome.ok and outcome.value is not None:
        result = outcome.value
        zaap_id = result.zaapId or ""
        message_id = result.messageId or result.id or ""
        moved = message_transition(
            pk=message.pk, to=MessageState.ACCEPTED, zaap_id=zaap_id, message_id=message_id,
            error="",
        )  # fmt: skip
        if not moved:
            # The row moved on meanwhile (a stale-sending sweep made it uncertain and a webhook
            # advanced it): still keep the ids, they are Z-API's truth.
            Message.objects.filter(pk=message.pk, zaap_id="").update(
                zaap_id=zaap_id, message_id=message_id
            )
        return None
    text = outcome.text
    if isinstance(exc, MaybeDeliveredError):
        logger.warning("message %s uncertain: %s", message.pk, exc)
        message_transition(pk=message.pk, to=MessageState.UNCERTAIN, error=text[:2000])
    elif isinstance(exc, RateLimitedError):
        wait = timedelta(seconds=exc.retry_after or 0) or _backoff(message.attempts)
        return _retry_later(message, text, wait, HoldReason.RETRY)
    elif isinstance(exc, NeverSentError) or (
        # 5xx: tried again a bounded number of times, then failed below.
        isinstance(exc, ServerError) and message.attempts < settings.MESSAGING_MAX_SERVER_ERRORS
    ):
        _retry_later(message, text, _backoff(message.attempts), HoldReason.RETRY)
    elif isinstance(exc, NotConnectedError):
        _retry_later(message, text, NOT_CONNECTED_WAIT, HoldReason.NOT_CONNECTED)
    else:
        _fail(message, outcome)
    return None


def _fail(message: Message, outcome: Outcome[Any]) -> None:
    """Failed for good, with what Z-API answered (already free of secrets)."""
    text = outcome.text
    body = outcome.error.body if isinstance(outcome.error, ZapiError) else None
    if isinstance(body, dict | list):
        text = f"{text}\n{json.dumps(body, ensure_ascii=False)}"
    message_transition(pk=message.pk, to=MessageState.FAILED, error=text[:2000])


def send_finish(send: Send, outcome: Outcome[SendResult] | None) -> timedelta:
    """Record the answer (None: the call itself crashed, so Z-API may have the message: the
    row stays ``sending`` for the sweeper to make it uncertain) and free the slot with a
    gap. Returns the gap drawn."""
    not_before = None
    try:
        if outcome is not None:
            not_before = send_record(send.message, outcome)
    finally:
        gap = slot_release(
            lease=send.claim.lease, pacer=send.claim.pacer, sent=True, not_before=not_before
        )
    return gap


# Accepted answers, many at once (the PostgreSQL path of ``sends_finish``): the messages
# move to ``accepted`` where the state machine allows it (``sources``: ``sources_of``), the
# ones that moved on meanwhile keep Z-API's ids (as ``send_record``), and the slots are freed
# with their gaps, all in one statement: the gaps start on the database's clock once the
# answers are recorded, and nobody sees a slot free before its answer.
_ACCEPTED_FINISH_SQL = """
WITH answer AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(zaap_ids)s::text[], %(message_ids)s::text[])
        AS a(id, zaap_id, message_id)),
moved AS (
    UPDATE {message} AS m
       SET state = %(accepted)s, accepted_at = %(at)s, zaap_id = a.zaap_id,
           message_id = a.message_id, error = ''
      FROM answer AS a
     WHERE m.id = a.id AND m.state = ANY(%(sources)s)
 RETURNING m.id),
kept AS (
    UPDATE {message} AS m
       SET zaap_id = a.zaap_id, message_id = a.message_id
      FROM answer AS a
     WHERE m.id = a.id AND m.zaap_id = '' AND m.id NOT IN (SELECT id FROM moved)),
released AS (
    UPDATE {pacer} AS p
       SET next_slot_at = statement_timestamp() + r.gap * interval '1 second',
           lease_token = '', leased_at = NULL, last_sent_at = statement_timestamp()
      FROM unnest(%(numbers)s::bigint[], %(tokens)s::text[], %(gaps)s::float8[])
           AS r(instance_id, token, gap)
     WHERE p.instance_id = r.instance_id AND p.lease_token = r.token)
SELECT id FROM moved
"""


def _accepted_finish(sends: list[tuple[Send, SendResult]]) -> list[timedelta]:
    gaps = [slot_gap(send.claim.pacer, sent=True) for send, _result in sends]
    params: dict[str, Any] = {
        "ids": [send.message.pk for send, _ in sends],
        "zaap_ids": [result.zaapId or "" for _, result in sends],
        "message_ids": [result.messageId or result.id or "" for _, result in sends],
        "accepted": str(MessageState.ACCEPTED), "at": timezone.now(),
        "sources": sources_of(MessageState.ACCEPTED),
        "numbers": [send.claim.lease.instance_id for send, _ in sends],
        "tokens": [send.claim.lease.token for send, _ in sends],
        "gaps": [gap.total_seconds() for gap in gaps],
    }  # fmt: skip
    sql = _ACCEPTED_FINISH_SQL.format(
        message=Message._meta.db_table, pacer=InstancePacer._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        moved = [row[0] for row in cursor.fetchall()]
    if moved:
        message_status_emit(message_ids=moved)
    return gaps


def sends_finish(finished: list[tuple[Send, Outcome[SendResult] | None]]) -> list[timedelta]:
    """``send_finish`` for many sends at once, in the order given; returns their gaps. On
    PostgreSQL the accepted ones (nearly all) are recorded and freed in one statement; the
    rest (errors, crashed calls) one by one through ``send_finish``."""
    accepted: list[tuple[Send, SendResult]] = []
    gaps: dict[int, timedelta] = {}
    for send, outcome in finished:
        ok = outcome is not None and outcome.ok and outcome.value is not None
        if ok and connection.vendor == "postgresql":
            accepted.append((send, outcome.value))  # type: ignore[union-attr,arg-type]
        else:
            gaps[id(send)] = send_finish(send, outcome)
    if accepted:
        for (send, _result), gap in zip(accepted, _accepted_finish(accepted), strict=True):
            gaps[id(send)] = gap
    return [gaps[id(send)] for send, _outcome in finished]


def slots_free(claims: list[SlotClaim]) -> None:
    """Give back slots that sent nothing, at once."""
    for claim in claims:
        slot_release(lease=claim.lease, pacer=claim.pacer, sent=False)


# -- one number ------------------------------------------------------------------------------


def instance_dispatch(*, instance_id: int) -> DispatchResult:
    """Send at most one message of one number now, if its slot is free (a round restricted
    to it, run on this thread); schedule a round for its next slot. For a single number:
    rounds (``messaging.rounds``) are the fleet's path."""
    from messaging.rounds import dispatch_round_schedule

    instance = Instance.objects.select_related("pacer").filter(pk=instance_id).first()
    if instance is None:
        return DispatchResult.IDLE
    pacer = getattr(instance, "pacer", None) or pacer_get(instance_id=instance_id)
    if not instance_ready(instance, pacer):
        return DispatchResult.PAUSED
    clients: dict[int, InstanceClient] = {}
    # Each turn either sends or holds one message over the daily cap; bounded all the same.
    for _turn in range(100):
        claims = slots_claim(limit=1, instance_id=instance_id)
        if not claims:
            pacer.refresh_from_db(fields=["lease_token"])
            if pacer.lease_token:
                return DispatchResult.BUSY
            if not Message.objects.filter(
                instance_id=instance_id, direction=Direction.OUTBOUND, state=MessageState.QUEUED
            ).exists():
                return DispatchResult.IDLE
            dispatch_round_schedule()
            return DispatchResult.PACED
        sends, empty = sends_claim(claims, clients)
        slots_free(empty)
        if sends:
            break
    else:
        return DispatchResult.IDLE
    send = sends[0]
    outcome: Outcome[SendResult] | None = None
    try:
        outcome = send_call(send)
    finally:
        sends_finish([(send, outcome)])
    dispatch_round_schedule()
    return DispatchResult.SENT
