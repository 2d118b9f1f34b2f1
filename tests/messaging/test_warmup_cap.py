"""The warm-up ramp lowers the one daily cap on new recipients (messaging.caps): min(cap,
ramp by age since pairing), counted by the same NewRecipient rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from instances.models import HealthProbe
from messaging.caps import new_recipients_limit
from messaging.dispatcher import instance_dispatch
from messaging.models import HoldReason, InstancePacer, Message
from messaging.pacer import pacer_get
from messaging.services import message_enqueue
from messaging.states import MessageState

pytestmark = pytest.mark.django_db

RAMP = "0:2,3:5,30:-"


def test_a_new_number_reaches_only_what_its_ramp_allows(connected, fake_zapi, settings):
    settings.MESSAGING_WARMUP_RAMP = RAMP
    InstancePacer.objects.filter(instance=connected).update(daily_new_recipients=100)
    sent = [
        message_enqueue(instance=connected, chat_id=f"55119999900{i:02d}", kind="text",
                        fields={"message": "oi"})
        for i in range(4)
    ]  # fmt: skip
    for _ in range(8):
        instance_dispatch(instance_id=connected.pk)
    states = [Message.objects.get(pk=m.pk) for m in sent]
    assert [m.state for m in states] == [MessageState.ACCEPTED] * 2 + [MessageState.QUEUED] * 2
    assert states[3].hold_reason == HoldReason.DAILY_CAP
    assert fake_zapi.paths() == ["send-text"] * 2


def test_age_counts_from_the_first_connected_probe_and_the_cap_still_wins(connected, settings):
    settings.MESSAGING_WARMUP_RAMP = RAMP
    HealthProbe.objects.create(instance=connected, at=timezone.now() - timedelta(days=4),
                               source="probe", connected=True)  # fmt: skip
    pacer = pacer_get(instance_id=connected.pk)
    pacer.daily_new_recipients = 100
    assert new_recipients_limit(instance=connected, pacer=pacer) == 5  # day 4: step 3
    pacer.refresh_from_db()
    assert pacer.paired_at is not None  # stored: asked once
    later = timezone.localdate() + timedelta(days=30)
    assert new_recipients_limit(instance=connected, pacer=pacer, day=later) == 100
    pacer.daily_new_recipients = 3
    assert new_recipients_limit(instance=connected, pacer=pacer, day=later) == 3


def test_an_operator_sets_since_when_a_number_is_paired(connected, operator_client, settings):
    settings.MESSAGING_WARMUP_RAMP = RAMP
    url = reverse("admin:messaging_pace", args=[connected.pk])
    form = {"min_gap_seconds": "1", "max_gap_seconds": "2", "daily_new_recipients": "100"}
    pacer = pacer_get(instance_id=connected.pk)
    assert new_recipients_limit(instance=connected, pacer=pacer) == 2  # paired today
    matured = timezone.localdate() - timedelta(days=40)
    operator_client.post(url, {**form, "paired_since": matured.isoformat()})
    pacer.refresh_from_db()
    assert timezone.localdate(pacer.paired_at) == matured
    assert new_recipients_limit(instance=connected, pacer=pacer) == 100
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = operator_client.post(url, {**form, "paired_since": tomorrow.isoformat()})
    assert response.status_code == 302  # refused with a message, nothing saved
    pacer.refresh_from_db()
    assert timezone.localdate(pacer.paired_at) == matured
