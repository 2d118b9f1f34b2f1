"""The feeder: window and schedule (frozen clock), batches, rest, warm-up, opt-outs,
pause/resume/cancel, failover, circuit breaker, nothing fed twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from instances.models import ConnectionState
from messaging.campaigns.feeder import campaign_feed, recipient_message_fields
from messaging.campaigns.models import (
    BreakerScope,
    CampaignRecipient,
    CampaignSender,
    CampaignState,
    Failover,
    RecipientState,
    SenderState,
    SkipReason,
)
from messaging.campaigns.services import (
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_start,
)
from messaging.models import Contact, HoldReason, Message
from messaging.states import MessageState
from tests.factories import MembershipFactory
from tests.messaging.campaigns.conftest import contacts, make_campaign

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")


def fed_messages(campaign):
    return Message.objects.filter(
        pk__in=CampaignRecipient.objects.filter(campaign=campaign).values("message_id")
    )


def started(campaign):
    return campaign_start(campaign=campaign)


def test_feeds_small_batches_per_sender_and_never_twice(partner, senders, settings):
    settings.CAMPAIGN_FEED_BATCH = 3
    contacts(partner, 20)
    campaign = started(make_campaign(partner, senders))
    assert campaign.state == CampaignState.RUNNING
    assert campaign_feed(campaign_id=campaign.pk).fed == 6  # 3 per sender
    assert campaign_feed(campaign_id=campaign.pk).fed == 0  # queues are full: nothing more
    assert fed_messages(campaign).count() == 6
    # Every fed recipient has exactly one message, of its own sender, to its own phone.
    for r in CampaignRecipient.objects.filter(state=RecipientState.QUEUED).select_related(
        "message"
    ):
        assert (r.message.instance_id, r.message.chat_id) == (r.sender_id, r.phone)
    # Once sent, the next batch goes.
    fed_messages(campaign).update(state=MessageState.ACCEPTED)
    assert campaign_feed(campaign_id=campaign.pk).fed == 6
    assert Message.objects.count() == 12


def test_the_message_is_rendered_with_the_opt_out_line(partner, senders):
    Contact.objects.create(partner=partner, phone="5511988887777", name="Ana Souza")
    campaign = started(make_campaign(partner, senders[:1], texts=("{Oi|Olá} {{primeiro_nome}}!",)))
    campaign_feed(campaign_id=campaign.pk)
    message = fed_messages(campaign).get()
    assert message.text.split("\n\n") == [
        message.text.split("\n\n")[0], "Responda SAIR para não receber mais",
    ]  # fmt: skip
    assert message.text.split("\n\n")[0] in {"Oi Ana!", "Olá Ana!"}
    recipient = CampaignRecipient.objects.get()
    # The same text every time it is rendered (preview, restart): seeded.
    assert recipient_message_fields(campaign, recipient)["message"] == message.text


@time_machine.travel(datetime(2026, 12, 5, 12, 0, tzinfo=SP), tick=False)  # a Saturday
def test_nothing_is_fed_outside_the_window_and_queued_ones_are_held(partner, senders):
    contacts(partner, 4)
    campaign = make_campaign(partner, senders, window_start=time(9), window_end=time(18),
                             window_weekdays=[0, 1, 2, 3, 4])  # fmt: skip
    started(campaign)
    assert campaign_feed(campaign_id=campaign.pk).fed == 0
    # Monday 08:59: still closed; 09:00 opens.
    assert (
        campaign_feed(campaign_id=campaign.pk, now=datetime(2026, 12, 7, 8, 59, tzinfo=SP)).fed == 0
    )
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=SP), tick=False):
        assert campaign_feed(campaign_id=campaign.pk).fed == 4
    # 18:00: closed again; what is still queued waits for Tuesday 09:00.
    with time_machine.travel(datetime(2026, 12, 7, 18, 0, tzinfo=SP), tick=False):
        campaign_feed(campaign_id=campaign.pk)
    held = fed_messages(campaign)
    assert {m.hold_reason for m in held} == {HoldReason.CAMPAIGN}
    assert {m.not_before for m in held} == {datetime(2026, 12, 8, 9, 0, tzinfo=SP)}


def test_a_scheduled_campaign_waits_for_its_time(partner, senders):
    contacts(partner, 2)
    at = timezone.now() + timedelta(hours=2)
    campaign = started(make_campaign(partner, senders, starts_at=at))
    assert campaign.state == CampaignState.SCHEDULED
    assert campaign_feed(campaign_id=campaign.pk).fed == 0
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        result = campaign_feed(campaign_id=campaign.pk)
    assert result.fed == 2 and result.state == CampaignState.RUNNING


def test_a_sender_rests_after_its_burst(partner, senders, settings):
    settings.CAMPAIGN_FEED_BATCH = 10
    contacts(partner, 30)
    campaign = started(make_campaign(partner, senders[:1], rest_every_min=4, rest_every_max=4,
                                     rest_min_seconds=600, rest_max_seconds=600))  # fmt: skip
    assert campaign_feed(campaign_id=campaign.pk).fed == 4
    fed_messages(campaign).update(state=MessageState.ACCEPTED)
    assert campaign_feed(campaign_id=campaign.pk).fed == 0  # the rest starts now
    sender = CampaignSender.objects.get()
    assert sender.rest_until is not None
    rest = sender.rest_until - timezone.now()
    assert timedelta(seconds=590) < rest <= timedelta(seconds=600)
    with time_machine.travel(sender.rest_until + timedelta(seconds=1), tick=False):
        assert campaign_feed(campaign_id=campaign.pk).fed == 4


def test_the_feeder_stays_within_the_warm_up_allowance(partner, senders, settings):
    settings.MESSAGING_WARMUP_RAMP = "0:2,30:-"
    settings.CAMPAIGN_FEED_BATCH = 10
    contacts(partner, 10)
    campaign = started(make_campaign(partner, senders[:1]))
    assert campaign_feed(campaign_id=campaign.pk).fed == 2


def test_a_contact_who_opted_out_after_creation_is_skipped_with_the_reason(partner, senders):
    people = contacts(partner, 3)
    campaign = started(make_campaign(partner, senders[:1]))
    Contact.objects.filter(pk=people[1].pk).update(opted_out_at=timezone.now())
    campaign_feed(campaign_id=campaign.pk)
    skipped = CampaignRecipient.objects.get(state=RecipientState.SKIPPED)
    assert (skipped.contact_id, skipped.reason) == (people[1].pk, SkipReason.OPTED_OUT)
    assert not Message.objects.filter(chat_id=people[1].phone).exists()


def test_pause_holds_resume_releases_cancel_ends(partner, senders, settings):
    settings.CAMPAIGN_FEED_BATCH = 2
    contacts(partner, 10)
    campaign = started(make_campaign(partner, senders))
    campaign_feed(campaign_id=campaign.pk)
    assert campaign_pause(campaign=campaign)
    assert campaign.state == CampaignState.PAUSED and campaign.state_reason
    assert {m.hold_reason for m in fed_messages(campaign)} == {HoldReason.CAMPAIGN}
    assert campaign_feed(campaign_id=campaign.pk).fed == 0
    assert campaign_resume(campaign=campaign)
    assert {(m.hold_reason, m.not_before) for m in fed_messages(campaign)} == {("", None)}
    assert campaign_cancel(campaign=campaign)
    assert {m.state for m in fed_messages(campaign)} == {MessageState.CANCELLED}
    left = CampaignRecipient.objects.filter(state=RecipientState.PENDING)
    assert not left.exists()
    assert CampaignRecipient.objects.filter(reason=SkipReason.CANCELLED).count() == 6
    assert not campaign_resume(campaign=campaign)  # cancelled is final
    with pytest.raises(ValidationError):
        campaign_start(campaign=campaign)


def test_a_lost_sender_hands_its_waiting_recipients_over(partner, senders, settings):
    settings.CAMPAIGN_FAILOVER_AFTER_SECONDS = 60
    settings.CAMPAIGN_FEED_BATCH = 1
    contacts(partner, 10)
    a, b = senders
    campaign = started(make_campaign(partner, senders, failover=Failover.MOVE))
    type(a).objects.filter(pk=a.pk).update(connection_state=ConnectionState.DISCONNECTED)
    campaign_feed(campaign_id=campaign.pk)  # lost since now; within the grace: waits
    assert CampaignRecipient.objects.filter(sender=a, state=RecipientState.PENDING).count() == 5
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        campaign_feed(campaign_id=campaign.pk)
    sender = CampaignSender.objects.get(instance=a)
    assert sender.state == SenderState.LOST and "disconnected" in sender.state_reason
    assert not CampaignRecipient.objects.filter(sender=a, state=RecipientState.PENDING).exists()
    assert CampaignRecipient.objects.filter(sender=b).count() == 10


def test_wait_failover_keeps_recipients_with_their_sender(partner, senders, settings):
    settings.CAMPAIGN_FAILOVER_AFTER_SECONDS = 0
    contacts(partner, 4)
    a, _b = senders
    campaign = started(make_campaign(partner, senders, failover=Failover.WAIT))
    type(a).objects.filter(pk=a.pk).update(connection_state=ConnectionState.DISCONNECTED)
    campaign_feed(campaign_id=campaign.pk)
    campaign_feed(campaign_id=campaign.pk)
    assert CampaignRecipient.objects.filter(sender=a, state=RecipientState.PENDING).count() == 2
    assert CampaignSender.objects.get(instance=a).state == SenderState.ACTIVE


def trip_opt_outs(campaign, count):
    rows = CampaignRecipient.objects.filter(campaign=campaign, state=RecipientState.QUEUED)
    Message.objects.filter(pk__in=rows.values("message_id")).update(state=MessageState.RECEIVED)
    ids = list(rows.values_list("contact_id", flat=True)[:count])
    Contact.objects.filter(pk__in=ids).update(opted_out_at=timezone.now() + timedelta(seconds=1))


def test_circuit_breaker_stops_a_sender_says_why_and_emails(
    partner, senders, settings, django_capture_on_commit_callbacks
):
    settings.CAMPAIGN_FEED_BATCH = 20
    MembershipFactory(partner=partner, user__username="op", user__email="op@example.com")
    contacts(partner, 60)
    campaign = started(make_campaign(partner, senders[:1], breaker_min_sent=20))
    campaign_feed(campaign_id=campaign.pk)
    trip_opt_outs(campaign, 1)  # 1 of 20 = 5% > 3%
    with django_capture_on_commit_callbacks(execute=True):
        campaign_feed(campaign_id=campaign.pk)
    sender = CampaignSender.objects.get()
    assert sender.state == SenderState.TRIPPED
    assert "1 of 20 recipients opted out (5.0%, limit 3.0%)" in sender.state_reason
    assert mail.outbox and "op@example.com" in mail.outbox[0].to
    assert campaign_feed(campaign_id=campaign.pk).fed == 0


def test_circuit_breaker_may_pause_the_whole_campaign(partner, senders, settings):
    settings.CAMPAIGN_FEED_BATCH = 20
    contacts(partner, 60)
    campaign = started(make_campaign(partner, senders[:1], breaker_scope=BreakerScope.CAMPAIGN))
    campaign_feed(campaign_id=campaign.pk)
    trip_opt_outs(campaign, 2)
    campaign_feed(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PAUSED and "Circuit breaker" in campaign.state_reason


def test_completes_when_every_recipient_has_an_end(partner, senders):
    contacts(partner, 2)
    campaign = started(make_campaign(partner, senders))
    campaign_feed(campaign_id=campaign.pk)
    fed_messages(campaign).update(state=MessageState.READ)
    campaign_feed(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.COMPLETED and campaign.finished_at


def test_a_lost_senders_queued_messages_move_too_and_nobody_gets_two(partner, senders, settings):
    settings.CAMPAIGN_FAILOVER_AFTER_SECONDS = 60
    settings.CAMPAIGN_FEED_BATCH = 2
    contacts(partner, 10)
    a, b = senders
    campaign = started(make_campaign(partner, senders, failover=Failover.MOVE))
    campaign_feed(campaign_id=campaign.pk)
    on_a = list(CampaignRecipient.objects.filter(sender=a, state=RecipientState.QUEUED))
    assert len(on_a) == 2
    # The dispatcher took one of them meanwhile: that one stays with a (it may be sent).
    Message.objects.filter(pk=on_a[0].message_id).update(state=MessageState.SENDING)
    type(a).objects.filter(pk=a.pk).update(connection_state=ConnectionState.DISCONNECTED)
    campaign_feed(campaign_id=campaign.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        campaign_feed(campaign_id=campaign.pk)
    kept, moved = (CampaignRecipient.objects.get(pk=r.pk) for r in on_a)
    assert (kept.sender_id, kept.state, kept.message_id) == (a.pk, RecipientState.QUEUED,
                                                             on_a[0].message_id)  # fmt: skip
    withdrawn = Message.objects.get(pk=on_a[1].message_id)
    assert withdrawn.state == MessageState.CANCELLED and withdrawn.instance_id == a.pk
    assert moved.sender_id == b.pk and moved.message_id != on_a[1].message_id
    live = Message.objects.exclude(state=MessageState.CANCELLED).filter(instance__in=senders)
    assert live.filter(instance=a).count() == 1
    assert len(set(live.values_list("chat_id", flat=True))) == live.count()  # one each
    assert CampaignRecipient.objects.filter(sender=b).count() == 9
