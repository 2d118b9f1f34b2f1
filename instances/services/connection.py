"""The one place an instance's connection state changes: connection webhooks
(``ConnectedCallback``/``DisconnectedCallback``, spec 001, "Webhooks") and ``/status`` probes
(spec 001, "Instance") both call :func:`instance_connection_apply`.

Events arrive late and out of order: each carries its own time (the webhook's ``momment``, the
probe's clock), and the newest one wins. An older event still leaves its trace in the health
history, but never overwrites a newer state.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import (
    ConnectionState,
    HealthProbe,
    Instance,
    InstanceNotice,
    NoticeKind,
    ProbeSource,
)
from instances.services.notices import instance_notice_create, instance_notices_dismiss
from instances.tasks import instance_disconnected_email_task

NEVER_PAIRED = ConnectionState.NEVER_PAIRED


def instance_connection_apply(
    *,
    instance_id: int,
    connected: bool,
    at: datetime,
    source: str,
    smartphone_connected: bool | None = None,
    error: str = "",
    latency_ms: int | None = None,
    phone: str = "",
) -> bool:
    """Record an observation and apply it if it is the newest; True when it was applied.

    ``phone``: the connected number, when the observation tells it (a ConnectedCallback).

    When a connected instance becomes disconnected, operators are told: a persistent notice
    in the dashboard and an email to the partner's operators (sent after commit).
    """
    source = ProbeSource(source)
    with transaction.atomic():
        # Lock the row: the "was it connected?" read and the write must see the same state,
        # or two concurrent disconnects would both notify (or neither).
        row = (
            Instance.objects.select_for_update()
            .filter(pk=instance_id)
            .values("connection_state", "connection_source", "connection_changed_at")
            .first()
        )
        if row is None:
            return False
        if source == ProbeSource.WEBHOOK:
            instance_event_seen(instance_id=instance_id, at=at)
        HealthProbe.objects.create(
            instance_id=instance_id,
            at=at,
            source=source,
            connected=connected,
            smartphone_connected=smartphone_connected,
            error=error[:255],
            latency_ms=latency_ms,
        )
        if connected:
            new_state = ConnectionState.CONNECTED
        elif source == ProbeSource.PROBE and row["connection_state"] == NEVER_PAIRED:
            # A probe's "not connected" on a number never seen connected: still waiting for its
            # first pairing. (A DisconnectedCallback means it was paired, so it disconnects.)
            new_state = ConnectionState.NEVER_PAIRED
        else:
            new_state = ConnectionState.DISCONNECTED
        changes: dict[str, object] = {
            "connection_state": new_state,
            "connection_changed_at": at,
            "connection_source": source,
            "updated_at": timezone.now(),
        }
        # A DisconnectedCallback says nothing of the phone; keep what we knew unless told.
        if smartphone_connected is not None or not connected:
            changes["smartphone_connected"] = smartphone_connected if connected else None
        if source == ProbeSource.PROBE:
            changes["last_probe_at"] = at
        if connected and phone.strip():
            changes["phone"] = phone.strip()[: Instance._meta.get_field("phone").max_length]
        was_connected = row["connection_state"] == ConnectionState.CONNECTED
        if source == ProbeSource.PROBE and not connected and was_connected:
            if row["connection_source"] == ProbeSource.WEBHOOK:
                # Webhooks said connected and never told us otherwise: flag it.
                changes["probe_mismatch_since"] = at
        elif connected or source == ProbeSource.WEBHOOK:
            changes["probe_mismatch_since"] = None
        # Conditional UPDATE: only an observation newer than the applied one wins
        # (spec 001, "Webhooks > Message status" ``momment``); equal times keep the first.
        applied = bool(
            Instance.objects.filter(pk=instance_id)
            .filter(Q(connection_changed_at__isnull=True) | Q(connection_changed_at__lt=at))
            .update(**changes)
        )
        if not applied:
            if source == ProbeSource.PROBE:
                Instance.objects.filter(pk=instance_id).filter(
                    Q(last_probe_at__isnull=True) | Q(last_probe_at__lt=at)
                ).update(last_probe_at=at)
            return False
        if new_state != row["connection_state"]:
            _connection_emit(instance_id=instance_id, state=new_state, at=at, source=source)
        if was_connected and not connected:
            _notify_disconnected(instance_id=instance_id, at=at, source=source, error=error)
        elif connected:
            instance_notices_dismiss(
                notices=InstanceNotice.objects.filter(
                    instance_id=instance_id, kind=NoticeKind.DISCONNECTED
                )
            )
    return True


def instance_event_seen(*, instance_id: int, at: datetime) -> None:
    """Bump the fleet list's "last event" (any webhook kind); never moves it backwards."""
    Instance.objects.filter(pk=instance_id).filter(
        Q(last_event_at__isnull=True) | Q(last_event_at__lt=at)
    ).update(last_event_at=at)


def _connection_emit(*, instance_id: int, state: str, at: datetime, source: str) -> None:
    """``instance.connection`` to the partner's own systems (hooks app)."""
    from hooks.emitters import instance_connection_emit

    partner_id = Instance.objects.filter(pk=instance_id).values_list("partner_id", flat=True)[0]
    instance_connection_emit(
        partner_id=partner_id, instance_id=instance_id, state=state, at=at, source=source
    )


def _notify_disconnected(*, instance_id: int, at: datetime, source: str, error: str) -> None:
    name = Instance.objects.filter(pk=instance_id).values_list("name", flat=True).first()
    if source == ProbeSource.PROBE:
        text = _("%(name)s is disconnected (found by a status probe at %(at)s).")
    else:
        text = _("%(name)s disconnected at %(at)s.")
    text = text % {"name": name, "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")}
    if error:
        text = f"{text} {error}"
    notice = instance_notice_create(
        instance_id=instance_id, kind=NoticeKind.DISCONNECTED, text=text
    )
    transaction.on_commit(lambda: instance_disconnected_email_task.delay(instance_id, notice.text))
