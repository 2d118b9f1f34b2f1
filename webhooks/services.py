"""Writes of the webhooks app: store an event, process it once, replay, sweep, purge.

Exactly-once processing: a runner locks event rows with ``SELECT ... FOR UPDATE SKIP
LOCKED`` limited to claimable states and runs each processor in the same transaction that
marks its event processed. A second runner (the sweeper, another drain, another worker)
either skips the locked rows or, once the first commits, no longer finds them claimable. A
worker killed half-way rolls everything back, the rows stay pending, and a drain or the
sweeper takes them later.

Storing an event is one statement (``_event_insert``: the secret check, the dedupe and the
INSERT together, committed on its own). No Celery task per event: after its commit the receiver
only *wakes the drain* (``webhook_drain_wake``: one ``SET NX`` on the shared cache, skipped for
``LOCAL_WAKE_SECONDS`` once a process has seen it set; a task is published at most once per
``WEBHOOK_DRAIN_WAKE_SECONDS``). The drain (``webhook_events_drain``) processes pending
events in batches of ``WEBHOOK_DRAIN_BATCH``, one transaction each, until none is left.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Field, Q, UniqueConstraint
from django.utils import timezone

from core import statements
from instances.models import Instance, webhook_secret_digest
from instances.services import instance_event_seen
from webhooks.keys import dedupe_key
from webhooks.models import CLAIMABLE, EventState, WebhookEvent, WebhookReject
from webhooks.processors import PROCESSORS
from webhooks.selectors import SecretVerdict, webhook_secret_verdict
from webhooks.tasks import webhook_events_drain_task
from zapi.events import InvalidEventError, parse_event

logger = logging.getLogger(__name__)

# Publishing to a broker that is down must not hold the webhook's answer for long: the event
# is already stored and the sweeper will take it (a few hundred ms at most here).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1}
_MAX_ERROR = 4000


class WebhookSecretRefused(Exception):
    """The URL's secret does not open this instance's webhook (or there is no such instance)."""


def webhook_event_receive(
    *,
    instance_id: int,
    data: Mapping[str, Any],
    received_at: datetime | None = None,
    secret: str | None = None,
) -> tuple[WebhookEvent | None, bool]:
    """Store a webhook's payload once; (event, True) when new, (None, False) when it is a
    duplicate. The drain is woken after the row is committed.

    With ``secret`` (the receiver), the row is written only if it is the instance's webhook
    secret, checked by the same statement that writes it (``_event_insert``): a request is one
    round trip. When that statement writes nothing, the slow path tells a wrong secret
    (``WebhookSecretRefused``), a digest to renew and a duplicate apart.
    """
    event = webhook_event_new(instance_id=instance_id, data=data, received_at=received_at)
    if secret is not None:
        if _event_insert(event, digest=webhook_secret_digest(secret)):
            return event, True
        if webhook_secret_verify(instance_id=instance_id, secret=secret) is None:
            raise WebhookSecretRefused
    if _event_insert(event):
        return event, True
    return None, False


def webhook_event_new(
    *, instance_id: int, data: Mapping[str, Any], received_at: datetime | None = None
) -> WebhookEvent:
    """The event a webhook's payload is stored as (not saved)."""
    received_at = received_at or timezone.now()
    kind = data.get("type")
    return WebhookEvent(
        instance_id=instance_id,
        event_type=kind[:64] if isinstance(kind, str) else "",
        dedupe_key=dedupe_key(data, received_at=received_at),
        payload=dict(data),
        received_at=received_at,
    )


# What the receiver sets on each event; every other column is its field's default, turned into
# a parameter once per process (``_insert_columns``).
_EVENT_ATTRS = frozenset({"instance_id", "event_type", "dedupe_key", "payload", "received_at"})


class _Insert(NamedTuple):
    sql: str
    # Per column: the field to prepare from the event, or None and the prepared default.
    columns: list[tuple[Field[Any, Any] | None, Any]]


class _Columns(NamedTuple):
    fields: list[Field[Any, Any]]
    prepared: list[tuple[Field[Any, Any] | None, Any]]  # as _Insert.columns
    target: str  # the dedupe constraint's columns, for ON CONFLICT
    names: str  # the INSERT's column list


@functools.cache
def _insert_columns(vendor: str) -> _Columns:
    """The event's columns as the receiver's statements write them, from the model (so a new
    field cannot be forgotten here), for Django's default database (of ``vendor``)."""
    qn = connection.ops.quote_name
    meta = WebhookEvent._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    (unique,) = (c for c in meta.constraints if c.name == "webhook_event_dedupe_unique")
    assert isinstance(unique, UniqueConstraint)
    column = {f.name: f.column for f in fields}
    prepared: list[tuple[Field[Any, Any] | None, Any]] = []
    for field in fields:
        if field.attname in _EVENT_ATTRS or callable(field.default):
            prepared.append((field, None))
        else:  # the same for every event: prepared once
            prepared.append((None, field.get_db_prep_save(field.get_default(), connection)))
    return _Columns(
        fields,
        prepared,
        target=", ".join(qn(column[name]) for name in unique.fields),
        names=", ".join(qn(f.column) for f in fields),
    )


@functools.cache
def _insert_statement(vendor: str, *, checked: bool) -> _Insert:
    """``INSERT ... ON CONFLICT (instance, dedupe key) DO NOTHING RETURNING id``; when
    ``checked``, the row is selected from the instance whose secret digest is the one given."""
    qn = connection.ops.quote_name
    meta, instance = WebhookEvent._meta, Instance._meta
    columns = _insert_columns(vendor)
    marks = ", ".join(["%s"] * len(columns.fields))
    rows = f"VALUES ({marks})"
    if checked:
        digest = instance.get_field("webhook_secret_digest").column
        rows = (
            f"SELECT {marks} FROM {qn(instance.db_table)} "  # noqa: S608
            f"WHERE {qn(instance.pk.column)} = %s AND {qn(digest)} = %s"
        )
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns.names}) "
        f"{rows} ON CONFLICT ({columns.target}) DO NOTHING RETURNING {qn(meta.pk.column)}"
    )
    return _Insert(sql, columns.prepared)


def _event_params(
    event: WebhookEvent, columns: list[tuple[Field[Any, Any] | None, Any]]
) -> list[Any]:
    return [
        value
        if field is None
        else field.get_db_prep_save(getattr(event, field.attname), connection)
        for field, value in columns
    ]


def _event_insert(event: WebhookEvent, *, digest: str | None = None) -> bool:
    """Write ``event`` unless its dedupe key is stored already (and, given ``digest``, only
    if it is the instance's webhook secret digest): one statement, no transaction of its own
    to open and close. Outside ``atomic()`` the statement commits before ``execute`` returns
    (PostgreSQL answers once the commit is flushed), so the caller's 200 still follows the
    commit. True when written (``event.pk`` is then set).

    The digest is compared by the database's ``=``, not in constant time: what it compares is
    ``webhook_secret_digest`` of what was sent, an HMAC under ``SECRET_KEY`` that a caller
    cannot steer, so its timing tells nothing about the secret. The slow path
    (``webhook_secret_verify``) compares in constant time.
    """
    sql, columns = _insert_statement(connection.vendor, checked=digest is not None)
    params = _event_params(event, columns)
    if digest is not None:
        params += [event.instance_id, digest]
    row = _execute_checked(sql, params)
    if row is None:
        return False
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias
    if connection.in_atomic_block:
        transaction.on_commit(webhook_drain_wake)
    else:  # committed already (autocommit)
        webhook_drain_wake()
    return True


def events_insert_statement(events: list[tuple[WebhookEvent, str]]) -> tuple[str, list[Any]]:
    """One statement that stores many events, each given with the secret digest of the URL it
    came to and written only if that is its instance's (as ``_event_insert``'s checked
    statement, row by row), unless its dedupe key is stored already; its rows are
    ``(id, instance id, dedupe key)`` of the events written. PostgreSQL only: the ingest
    server's batches (``webhooks.ingest``), one commit for all of them."""
    columns = _insert_columns(connection.vendor)
    params: list[Any] = []
    for event, secret_digest in events:
        params += _event_params(event, columns.prepared)
        params.append(secret_digest)
    return _batch_insert_sql(len(events)), params


@functools.cache  # by number of rows: the ingest server's batches are bounded
def _batch_insert_sql(rows: int) -> str:
    qn = connection.ops.quote_name
    meta, instance = WebhookEvent._meta, Instance._meta
    columns = _insert_columns(connection.vendor)
    # Typed, so that a row's values need no inference from the other rows or the target.
    row = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in columns.fields)
    row = f"({row}, %s)"
    digest, key = instance.get_field("webhook_secret_digest").column, "secret_digest"
    by = {f.attname: qn(f.column) for f in columns.fields}
    values = ", ".join(f"v.{qn(f.column)}" for f in columns.fields)
    return (
        f"INSERT INTO {qn(meta.db_table)} ({columns.names}) "  # noqa: S608
        f"SELECT {values} FROM (VALUES {', '.join([row] * rows)}) "
        f"AS v ({columns.names}, {key}) JOIN {qn(instance.db_table)} AS i "
        f"ON i.{qn(instance.pk.column)} = v.{by['instance_id']} AND i.{qn(digest)} = v.{key} "
        f"ON CONFLICT ({columns.target}) DO NOTHING "
        f"RETURNING {qn(meta.pk.column)}, {by['instance_id']}, {by['dedupe_key']}"
    )


def _execute_checked(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """Run one autocommitted statement and return its first row. The statement is its own
    health check: with ``CONN_HEALTH_CHECKS`` Django would first send a ``SELECT 1`` (a round
    trip per request); instead, when the check was due and the reused connection turns out
    dead, it is closed and the statement sent once more on a new one. Sending it twice is
    safe: if the first one did commit, the second finds the row and writes nothing (the
    caller's slow path then answers it as a duplicate)."""
    db: Any = connection  # the health-check flags are not in django-stubs
    skipped = (
        db.connection is not None
        and db.health_check_enabled
        and not db.health_check_done
        and not db.in_atomic_block
    )
    if skipped:
        db.health_check_done = True
    try:
        return statements.fetchone(sql, params)
    except (InterfaceError, OperationalError):
        if not skipped:
            raise
    connection.close()
    return statements.fetchone(sql, params)


def webhook_secret_verify(*, instance_id: int, secret: str) -> int | None:
    """The instance's id when ``secret`` opens its webhook URL, else None. A digest missing
    (a row written in bulk) or made under a key in ``SECRET_KEY_FALLBACKS`` is checked against
    the decrypted secret once and renewed."""
    verdict = webhook_secret_verdict(instance_id=instance_id, secret=secret)
    if verdict is SecretVerdict.RENEW:
        return _digest_refresh(instance_id=instance_id, secret=secret)
    return instance_id if verdict is SecretVerdict.OPEN else None


def _digest_refresh(*, instance_id: int, secret: str) -> int | None:
    row = Instance.objects.filter(pk=instance_id).values_list("webhook_secret", flat=True).first()
    if row is None or not hmac.compare_digest(str(row).encode(), secret.encode()):
        return None
    Instance.objects.filter(pk=instance_id).update(
        webhook_secret_digest=webhook_secret_digest(secret)
    )
    return instance_id


def webhook_reject_record(
    *, instance_id: int, reason: str, content_type: str, body: bytes
) -> WebhookReject:
    return WebhookReject.objects.create(
        instance_id=instance_id,
        reason=reason[:255],
        content_type=content_type[:255],
        # PostgreSQL's text holds no NUL (a UTF-16 body is full of them): shown as U+FFFD.
        body=body.decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
    )


_WAKE_KEY = "webhooks:drain-wake"
# A process that saw the wake mark set does not ask the cache again for this long (a
# request's SET NX costs about as much as the rest of its Python): a drain that clears the
# mark waits this long before its last look (webhook_events_drain), so an event committed
# by a process that skipped its wake is still seen. Never longer than the mark lives.
LOCAL_WAKE_SECONDS = 0.25
_mark_seen_at = -math.inf  # time.monotonic() before the cache last said "set"


def _local_wake_seconds() -> float:
    return min(LOCAL_WAKE_SECONDS, settings.WEBHOOK_DRAIN_WAKE_SECONDS)


def webhook_drain_woken(now: float | None = None) -> bool:
    """True while this process knows a drain will look after what it commits now (the wake
    mark seen set within ``LOCAL_WAKE_SECONDS``): ``webhook_drain_wake`` would return False
    without asking the cache."""
    now = time.monotonic() if now is None else now
    return now - _mark_seen_at < _local_wake_seconds()


def webhook_drain_wake() -> bool:
    """Make sure a drain runs soon: publish one unless one was published in the last
    ``WEBHOOK_DRAIN_WAKE_SECONDS`` (a drain that empties the queue clears the mark, then
    looks once more, so an event committed before this call is never left behind). False
    when nothing was published: already woken, or the broker is unreachable (the event is
    stored and the sweeper will process it, so this never fails the webhook's answer)."""
    global _mark_seen_at
    now = time.monotonic()
    if webhook_drain_woken(now):
        return False  # seen set since ``now`` - that: a drain will look after this commit
    try:
        if not cache.add(_WAKE_KEY, 1, timeout=settings.WEBHOOK_DRAIN_WAKE_SECONDS):
            _mark_seen_at = now
            return False
        webhook_events_drain_task.apply_async(retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.warning("broker or cache unreachable: webhook events left to the sweeper")
        return False
    _mark_seen_at = now
    return True


def _wake_clear() -> None:
    """Clear the wake mark (the queue is empty), then wait until no process can still be
    skipping its wake on having seen it (``LOCAL_WAKE_SECONDS``) before the last look."""
    global _mark_seen_at
    cache.delete(_WAKE_KEY)
    _mark_seen_at = -math.inf
    time.sleep(_local_wake_seconds())


def _claim_pending(limit: int) -> list[WebhookEvent]:
    return list(
        WebhookEvent.objects.select_for_update(skip_locked=True)
        .filter(state=EventState.PENDING)
        .order_by("received_at", "pk")[:limit]
    )


_MARK_FIELDS = ["state", "outcome", "error", "attempts", "last_attempt_at", "processed_at"]


def _lock_order(event: WebhookEvent) -> tuple[int, str]:
    """The rows an event's processor writes, as a sort key (its number, then the first
    message id or phone it names). Two drains run their batches in this order, so they take
    the message rows they share in the same order and cannot deadlock on them."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    ids = payload.get("ids")
    names = [str(i) for i in ids] if isinstance(ids, list) else []
    for field in ("messageId", "zaapId", "phone"):
        if not names and payload.get(field):
            names = [str(payload[field])]
    return event.instance_id, min(names, default="")


def webhook_events_batch_process(*, limit: int | None = None) -> int:
    """Process up to ``limit`` pending events (the oldest) in one transaction, each processor
    in its own savepoint as in ``webhook_event_process``. Returns how many."""
    limit = limit or settings.WEBHOOK_DRAIN_BATCH
    with transaction.atomic():
        events = sorted(_claim_pending(limit), key=_lock_order)
        now = timezone.now()
        for event in events:
            event.last_attempt_at = now
            _run(event)
            if event.state in (EventState.PROCESSED, EventState.IGNORED):
                event.processed_at = now
        WebhookEvent.objects.bulk_update(events, _MARK_FIELDS)
    _events_seen(events)
    return len(events)


def _events_seen(events: list[WebhookEvent]) -> None:
    # The fleet list's "last event", outside the events' transaction so instance rows are not
    # held locked while other events of the same numbers are processed; once per number.
    latest: dict[int, datetime] = {}
    for event in events:
        if event.instance_id not in latest or event.received_at > latest[event.instance_id]:
            latest[event.instance_id] = event.received_at
    for instance_id, at in latest.items():
        instance_event_seen(instance_id=instance_id, at=at)


def webhook_events_drain(*, max_seconds: float = 10.0) -> int:
    """Process pending events batch after batch until none is left (or ``max_seconds``
    passed: then a successor is woken). Returns how many were processed.

    A full batch means a backlog (workers that were down, a burst larger than one drain
    keeps up with): the drain then wakes a helper as the receiver would, so every worker
    joins in even when no new event arrives to wake one; the wake's own mark keeps that to
    one task per ``WEBHOOK_DRAIN_WAKE_SECONDS``, and a helper that finds nothing left ends
    at once."""
    deadline = time.monotonic() + max_seconds
    total = 0
    while time.monotonic() < deadline:
        done = webhook_events_batch_process()
        total += done
        if done >= settings.WEBHOOK_DRAIN_BATCH:
            webhook_drain_wake()
        if done:
            continue
        # Empty: clear the wake mark, then look once more (see webhook_drain_wake).
        _wake_clear()
        done = webhook_events_batch_process()
        total += done
        if not done:
            return total
    webhook_drain_wake()
    return total


def webhook_event_process(*, event_id: int) -> str | None:
    """Process the event if it is claimable and nobody else holds it; returns its new state,
    or None when there was nothing to do (done already, or being done elsewhere)."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, state__in=CLAIMABLE)
            .first()
        )
        if event is None:
            return None
        now = timezone.now()
        event.last_attempt_at = now
        _run(event)
        if event.state in (EventState.PROCESSED, EventState.IGNORED):
            event.processed_at = now
        event.save(update_fields=_MARK_FIELDS)
    _events_seen([event])
    return str(event.state)


def _run(event: WebhookEvent) -> None:
    try:
        parsed = parse_event(event.payload)
    except InvalidEventError as exc:
        # A known type with fields of the wrong shape can never succeed: no retries.
        event.attempts += 1
        event.state, event.error, event.outcome = EventState.DEAD, str(exc)[:_MAX_ERROR], ""
        return
    processor = PROCESSORS.get(type(parsed))
    if processor is None:
        # Unknown types are kept and shown, never an error (spec: Z-API adds events).
        event.state, event.outcome, event.error = EventState.IGNORED, "no processor", ""
        return
    try:
        with transaction.atomic():
            outcome = processor(event, parsed)
    except Exception as exc:
        logger.exception("webhook event %s failed", event.pk)
        event.attempts += 1
        failed = EventState.DEAD if event.attempts >= settings.WEBHOOK_MAX_ATTEMPTS else None
        event.state = failed or EventState.FAILED
        event.error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR]
        event.outcome = ""
        return
    event.state, event.outcome, event.error = EventState.PROCESSED, outcome[:255], ""


def webhook_events_replay(*, event_ids: Iterable[int]) -> int:
    """Process these events again (support's "replay"). Processors are idempotent, so a
    replay repairs what a bug or a missing row prevented and changes nothing else."""
    ids = list(event_ids)
    with transaction.atomic():
        count = (
            WebhookEvent.objects.filter(pk__in=ids)
            .exclude(state=EventState.PENDING)
            .update(
                state=EventState.PENDING,
                attempts=0,
                error="",
                outcome="",
                processed_at=None,
                replays=F("replays") + 1,
            )
        )
        transaction.on_commit(webhook_drain_wake)
    return count


def webhook_events_sweep(
    *, older_than: timedelta | None = None, limit: int = 500, now: datetime | None = None
) -> int:
    """Process events left pending or failed for longer than ``older_than`` (a broker that
    was down, a killed worker); each under the same row lock as the normal path. Runs them
    here, not through the broker, since the broker may be what failed."""
    now = now or timezone.now()
    if older_than is None:
        older_than = timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER_SECONDS)
    cutoff = now - older_than
    ids = list(
        WebhookEvent.objects.filter(state__in=CLAIMABLE, received_at__lt=cutoff)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=cutoff))
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for event_id in ids if webhook_event_process(event_id=event_id) is not None)


def webhook_events_purge(*, older_than_days: int | None = None, batch: int = 5000) -> int:
    """Delete raw events and rejects older than the retention. Events not yet processed are
    kept whatever their age: they are still owed processing."""
    days = settings.WEBHOOK_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    old = WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(state__in=CLAIMABLE)
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        deleted += WebhookEvent.objects.filter(pk__in=ids).delete()[0]
    WebhookReject.objects.filter(received_at__lt=cutoff).delete()
    return deleted
