"""``messaging.sweep``: a stale ``sending`` becomes ``uncertain`` (never ``queued``),
uncertain rows are reconciled after the delay, and numbers with due messages are kicked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from instances.models import ConnectionState
from messaging import sweep
from messaging.models import InstancePacer
from messaging.states import MessageState
from tests.factories import InstanceFactory
from tests.webhooks.factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db


def test_a_stale_sending_row_becomes_uncertain_a_fresh_one_is_left(connected, settings):
    settings.MESSAGING_LEASE_SECONDS = 30
    old = OutboundMessageFactory(
        instance=connected,
        state=MessageState.SENDING,
        sending_at=timezone.now() - timedelta(minutes=5),
    )
    fresh = OutboundMessageFactory(
        instance=connected, state=MessageState.SENDING, sending_at=timezone.now()
    )
    assert sweep.messages_sending_expire() == 1
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.state, fresh.state) == (MessageState.UNCERTAIN, MessageState.SENDING)


def test_uncertain_rows_are_due_only_after_the_reconcile_delay(connected, settings):
    settings.MESSAGING_RECONCILE_AFTER_SECONDS = 60
    due = OutboundMessageFactory(
        instance=connected,
        state=MessageState.UNCERTAIN,
        uncertain_at=timezone.now() - timedelta(minutes=5),
    )
    OutboundMessageFactory(
        instance=connected, state=MessageState.UNCERTAIN, uncertain_at=timezone.now()
    )
    assert sweep.messages_uncertain_due() == [due.pk]


def test_only_connected_online_numbers_with_due_messages_are_kicked(partner):
    online = InstanceFactory(partner=partner, connection_state=ConnectionState.CONNECTED)
    offline = InstanceFactory(
        partner=partner, connection_state=ConnectionState.CONNECTED, smartphone_connected=False
    )
    down = InstanceFactory(partner=partner, connection_state=ConnectionState.DISCONNECTED)
    later = InstanceFactory(partner=partner, connection_state=ConnectionState.CONNECTED)
    for instance in (online, offline, down):
        OutboundMessageFactory(instance=instance, state=MessageState.QUEUED)
    OutboundMessageFactory(
        instance=later, state=MessageState.QUEUED, not_before=timezone.now() + timedelta(hours=1)
    )
    assert sweep.instances_due() == [online.pk]


def test_dispatch_sweep_reports_and_sends_the_tasks(connected, settings, monkeypatch):
    settings.MESSAGING_LEASE_SECONDS = 30
    settings.MESSAGING_RECONCILE_AFTER_SECONDS = 60
    reconciled, kicked = [], []
    monkeypatch.setattr(sweep.message_reconcile_task, "delay", reconciled.append)
    monkeypatch.setattr(sweep, "round_start", lambda: kicked.append("round"))
    long_ago = timezone.now() - timedelta(minutes=5)
    OutboundMessageFactory(instance=connected, state=MessageState.SENDING, sending_at=long_ago)
    uncertain = OutboundMessageFactory(
        instance=connected, state=MessageState.UNCERTAIN, uncertain_at=long_ago
    )
    OutboundMessageFactory(instance=connected, state=MessageState.QUEUED)
    assert sweep.dispatch_sweep() == {"expired": 1, "reconciling": 1, "kicked": 1}
    # One due number: one round, however many lanes are free.
    assert reconciled == [uncertain.pk] and kicked == ["round"]
    assert InstancePacer.objects.filter(instance=connected).exists()
