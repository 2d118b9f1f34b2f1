"""A campaign's own opt-out answer ("Responda 2 para não receber mais"): the line names it,
and a recipient answering it to that campaign's number is opted out through the one consent
path (source: the campaign), while the same word elsewhere is only a message."""

from __future__ import annotations

import pytest
from django.utils import timezone

from messaging.campaigns.models import RecipientState
from messaging.consent import recipient_refusal
from messaging.models import ConsentSource, Contact
from tests.messaging.campaigns.conftest import contacts, make_campaign
from tests.messaging.test_consent import write_to_us

pytestmark = pytest.mark.django_db


def fed(campaign, contact):
    """The recipient as the feeder leaves it once its message is queued."""
    campaign.recipients.filter(contact=contact).update(
        state=RecipientState.QUEUED, queued_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    return campaign.recipients.get(contact=contact).sender


def test_the_line_names_the_answer_and_a_reply_with_it_opts_out(partner, senders):
    (ana,) = contacts(partner, 1)
    campaign = make_campaign(partner, senders[:1], opt_out_answer=" 2 ")
    assert campaign.opt_out_answer == "2"
    assert "2" in campaign.opt_out_line and "SAIR" not in campaign.opt_out_line
    sender = fed(campaign, ana)
    event = write_to_us(sender, "2", phone=ana.phone)
    ana.refresh_from_db()
    assert ana.opted_out_at is not None
    change = ana.consent_changes.get()
    assert (change.source, change.instance_id) == (ConsentSource.CAMPAIGN, sender.pk)
    assert "Black Friday" in change.reason
    assert "campaign answer" in event.outcome
    refusal = recipient_refusal(partner_id=partner.pk, value=ana.phone)
    assert refusal is not None  # no number of the partner writes to her now


def test_the_answer_counts_only_as_a_reply_to_the_campaign_that_offered_it(partner, senders):
    ana, bruno, carla = contacts(partner, 3)
    a, b = senders
    offering = make_campaign(partner, [a], opt_out_answer="2", audience={"contacts": [ana.pk]})
    plain = make_campaign(partner, [a], audience={"contacts": [bruno.pk, carla.pk]})
    fed(offering, ana)
    fed(plain, bruno)
    write_to_us(b, "2", phone=ana.phone)  # to another number: not an answer to the campaign
    write_to_us(a, "2", phone=bruno.phone)  # his campaign offers no answer of its own
    write_to_us(a, "2", phone=carla.phone)  # no campaign message reached her yet
    assert not Contact.objects.filter(opted_out_at__isnull=False).exists()
    write_to_us(a, "Sair", phone=bruno.phone)  # the partner's keywords hold as ever
    assert Contact.objects.get(pk=bruno.pk).consent_changes.get().source == ConsentSource.KEYWORD
