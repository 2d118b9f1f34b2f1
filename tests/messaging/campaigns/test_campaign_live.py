"""Campaigns with real workers against the sandbox: kill -9 of workers mid-campaign sends
nothing twice and loses nobody; opted-out contacts get nothing; every recipient ends in one
final state."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from messaging.campaigns.models import CampaignRecipient, CampaignState, RecipientState, SkipReason
from messaging.campaigns.services import campaign_start
from messaging.models import Contact, Message
from messaging.states import MessageState
from tests.live import wait_for
from tests.messaging.campaigns.conftest import make_campaign
from tests.messaging.live import DONE, received_at_sandbox, sandbox_faults, sandbox_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_killed_workers_mid_campaign_send_nothing_twice(celery_workers, partner, monkeypatch):
    monkeypatch.setenv("MESSAGING_LEASE_SECONDS", "4")
    monkeypatch.setenv("MESSAGING_RECONCILE_AFTER_SECONDS", "2")
    monkeypatch.setenv("CAMPAIGN_FEED_SECONDS", "0.5")
    monkeypatch.setenv("CAMPAIGN_FEED_BATCH", "2")
    numbers = [
        sandbox_number(partner, name=f"Camp {i}", min_gap=0.1, max_gap=0.2) for i in range(3)
    ]
    people = Contact.objects.bulk_create(
        Contact(partner=partner, phone=f"55119876{i:05d}", name=f"P{i}") for i in range(24)
    )
    Contact.objects.filter(pk=people[5].pk).update(opted_out_at=timezone.now())
    campaign = make_campaign(partner, numbers, rest_every_min=5, rest_every_max=6,
                             rest_min_seconds=1, rest_max_seconds=2)  # fmt: skip
    for n in numbers:
        sandbox_faults(n, latency_ms=1500)  # every send spends 1.5 s inside the HTTP call
    solo = ["--pool", "solo"]
    celery_workers.start(4, extra=solo)
    # The fifth only runs beat (the feeder's and the sweeper's schedule): it consumes a queue
    # nothing is sent to, so every send runs on the four solo workers killed below.
    celery_workers.start(
        1, extra=[*solo, "-B", "--schedule", "var/test-beat-camp", "-Q", "drill-beat-only"]
    )
    campaign_start(campaign=campaign)
    # A person opts out after the campaign was written: the one consent check skips them.
    Contact.objects.filter(pk=people[6].pk).update(opted_out_at=timezone.now())
    # Sends in flight. One dispatch round may hold all of them (it sends for many numbers at
    # once), so every solo worker is killed: whichever holds them dies mid-send. Fresh
    # workers then finish the campaign.
    wait_for(lambda: Message.objects.filter(state=MessageState.SENDING).count() >= 2, timeout=60)
    for index in range(4):
        celery_workers.kill(index)
    celery_workers.start(2, extra=solo)

    def finished():
        campaign.refresh_from_db()
        return campaign.state == CampaignState.COMPLETED

    wait_for(finished, timeout=240)
    recipients = list(CampaignRecipient.objects.filter(campaign=campaign).select_related("message"))
    assert len(recipients) == 23  # people[5] left out at creation
    skipped = [r for r in recipients if r.state == RecipientState.SKIPPED]
    assert [(r.contact_id, r.reason) for r in skipped] == [(people[6].pk, SkipReason.OPTED_OUT)]
    sent = [r for r in recipients if r.state == RecipientState.QUEUED]
    assert all(r.message.state in DONE for r in sent)
    # At Z-API (the sandbox): each recipient exactly once, from its own sender, nobody else.
    at_sandbox = Counter(
        (n.pk, m.payload["phone"]) for n in numbers for m in received_at_sandbox(n)
    )
    assert at_sandbox == Counter({(r.sender_id, r.phone): 1 for r in sent})
    assert people[5].phone not in {p for _n, p in at_sandbox}
    assert people[6].phone not in {p for _n, p in at_sandbox}
    # The drill did hit a send in flight.
    assert Message.objects.filter(uncertain_at__isnull=False).exists()
