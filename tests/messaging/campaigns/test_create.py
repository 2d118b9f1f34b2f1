"""campaign_create: audience exclusions, sender binding (sticky), variants, in bulk."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from messaging.campaigns.models import CampaignRecipient, RecipientState
from messaging.campaigns.services import campaign_duplicate
from messaging.models import Contact, Direction, Message
from tests.factories import InstanceFactory
from tests.messaging.campaigns.conftest import contacts, make_campaign

pytestmark = pytest.mark.django_db


def test_opted_out_and_invalid_contacts_are_excluded_and_counted(partner, senders):
    contacts(partner, 10)
    contacts(partner, 3, start=100, opted_out_at=timezone.now())
    Contact.objects.create(partner=partner, phone="123", name="Too short")
    Contact.objects.create(partner=partner, lid="abc@lid", name="Only a LID")
    campaign = make_campaign(partner, senders)
    assert (campaign.audience_count, campaign.excluded_opted_out, campaign.excluded_invalid) == (
        10, 3, 2,
    )  # fmt: skip
    phones = set(
        CampaignRecipient.objects.filter(campaign=campaign).values_list("phone", flat=True)
    )
    assert len(phones) == 10 and "123" not in phones
    assert set(CampaignRecipient.objects.values_list("state", flat=True)) == {
        RecipientState.PENDING
    }


def test_other_partners_contacts_are_never_in_the_audience(partner, other_partner, senders):
    contacts(partner, 2)
    contacts(other_partner, 5, start=50)
    assert make_campaign(partner, senders).audience_count == 2


def test_a_whatsapp_business_label_is_an_audience(partner, other_partner, senders):
    """Issue 15: "a label is an audience for campaigns": the contacts whose chat carries the
    label, at the campaign's partner only (another partner's label names nobody)."""
    from instances.business.models import ChatLabel, Label

    people = contacts(partner, 5)
    theirs = contacts(other_partner, 2, start=50)
    at = timezone.now()
    paid = Label.objects.create(instance=senders[0], label_id="1", name="Paid", read_at=at)
    foreign = Label.objects.create(
        instance=InstanceFactory(partner=other_partner), label_id="1", name="Paid", read_at=at
    )
    for person in people[:2]:
        ChatLabel.objects.create(label=paid, chat_id=person.phone, read_at=at)
    ChatLabel.objects.create(label=foreign, chat_id=theirs[0].phone, read_at=at)
    campaign = make_campaign(partner, senders, audience={"labels": [paid.pk, foreign.pk]})
    assert campaign.audience_count == 2
    assert set(campaign.recipients.values_list("contact_id", flat=True)) == {
        people[0].pk, people[1].pk
    }  # fmt: skip
    assert make_campaign(partner, senders, audience={"labels": [foreign.pk]}).audience_count == 0


def test_recipients_are_spread_over_the_senders_and_variants(partner, senders):
    contacts(partner, 100)
    campaign = make_campaign(partner, senders, texts=("Oi {{nome}}", "Olá {{nome}}", "E aí"))
    by_sender = Counter(CampaignRecipient.objects.values_list("sender_id", flat=True))
    assert sorted(by_sender.values()) == [50, 50]
    by_variant = Counter(CampaignRecipient.objects.values_list("variant__position", flat=True))
    assert set(by_variant) == {1, 2, 3} and min(by_variant.values()) > 15
    # Deterministic: the same seed binds the same variants.
    again = make_campaign(partner, senders, texts=("Oi {{nome}}", "Olá {{nome}}", "E aí"))
    first = dict(campaign.recipients.values_list("contact_id", "variant__position"))
    assert dict(again.recipients.values_list("contact_id", "variant__position")) == first


def test_a_person_stays_with_the_number_it_already_knows(partner, senders):
    people = contacts(partner, 6)
    a, b = senders
    # People 0 and 1 wrote to sender b before; person 2 was reached by b in a campaign.
    for person in people[:2]:
        Message.objects.create(instance=b, direction=Direction.INBOUND, chat_id=person.phone,
                               contact=person)  # fmt: skip
    first = make_campaign(partner, [b], audience={"contacts": [people[2].pk]})
    first.recipients.update(state=RecipientState.QUEUED)
    campaign = make_campaign(partner, [a, b])
    bound = dict(campaign.recipients.values_list("contact_id", "sender_id"))
    assert bound[people[0].pk] == bound[people[1].pk] == bound[people[2].pk] == b.pk


def test_bad_input_is_refused_in_words(partner, other_partner, senders):
    with pytest.raises(ValidationError) as exc:
        make_campaign(partner, [], texts=("Oi {nome",))
    errors = exc.value.message_dict
    assert "never closed" in " ".join(errors["variants"]) and errors["senders"]
    foreign = InstanceFactory(partner=other_partner)
    with pytest.raises(ValidationError, match="this partner"):
        make_campaign(partner, [foreign])
    with pytest.raises(ValueError, match="N must be"):
        make_campaign(partner, senders, rest_every_min=0)


def test_duplicate_copies_settings_and_resolves_the_audience_again(partner, senders):
    contacts(partner, 4)
    campaign = make_campaign(partner, senders, texts=("A {{nome}}", "B"), rest_every_min=5,
                             rest_every_max=9)  # fmt: skip
    contacts(partner, 1, start=500)
    copy = campaign_duplicate(campaign=campaign)
    assert copy.duplicated_from == campaign and copy.name.endswith("(copy)")
    assert copy.audience_count == 5 and (copy.rest_every_min, copy.rest_every_max) == (5, 9)
    assert [v.fields for v in copy.variants.all()] == [v.fields for v in campaign.variants.all()]
    assert set(copy.senders.values_list("instance_id", flat=True)) == {s.pk for s in senders}


def test_the_database_writes_the_recipients_as_the_portable_code_would(partner, senders):
    """PostgreSQL writes the recipients in one INSERT ... SELECT; the embedded database's
    Python loop must bind the same senders and pick the same variants (the draft preview
    uses the same pick, seeded_index)."""
    from messaging.campaigns.audience import audience_contacts
    from messaging.campaigns.services import _recipients_write_portable

    people = contacts(partner, 40)
    contacts(partner, 3, start=100, opted_out_at=timezone.now())
    Contact.objects.create(partner=partner, phone="123", name="Too short")
    a, b = senders
    for person in people[5:9]:
        Message.objects.create(instance=b, direction=Direction.INBOUND, chat_id=person.phone,
                               contact=person)  # fmt: skip
    earlier = make_campaign(partner, [a], audience={"contacts": [people[6].pk, people[20].pk]})
    earlier.recipients.update(state=RecipientState.QUEUED)
    texts = ("Oi {{nome}}", "Olá {{nome}}", "E aí")
    in_sql = make_campaign(partner, senders, texts=texts, seed=99)
    in_python = make_campaign(partner, senders, texts=texts, seed=99, audience={"contacts": [0]})
    in_python.recipients.all().delete()
    variant_ids = list(in_python.variants.order_by("position").values_list("pk", flat=True))
    counts = _recipients_write_portable(
        campaign=in_python,
        contacts=audience_contacts(partner=partner, audience={}),
        variant_ids=variant_ids,
        sender_ids=[a.pk, b.pk],
    )
    assert counts == (in_sql.audience_count, in_sql.excluded_opted_out, in_sql.excluded_invalid)
    assert counts == (40, 3, 1)

    def rows(campaign):
        return list(
            campaign.recipients.order_by("contact_id").values_list(
                "contact_id", "phone", "sender_id", "variant__position", "state"
            )
        )

    assert rows(in_sql) == rows(in_python)
    bound = dict(in_sql.recipients.values_list("contact_id", "sender_id"))
    assert bound[people[6].pk] == bound[people[20].pk] == a.pk  # its latest campaign wins
    assert {bound[p.pk] for p in people[5:9] if p is not people[6]} == {b.pk}
    assert len({pos for *_x, pos, _s in rows(in_sql)}) == 3
