"""Who we may write to: opt-out keywords, opting in again, the one check compose calls."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from messaging.consent import (
    RefusalCode,
    contact_opt_in,
    contact_opt_out,
    keyword_fold,
    number_hashes,
    opt_out_line,
    recipient_refusal,
    recipients_refusals,
)
from messaging.models import (
    ConsentChange,
    ConsentSource,
    Contact,
    ErasedRecipient,
    Message,
    MessagingSettings,
)
from messaging.services import message_enqueue
from tests.factories import InstanceFactory
from webhooks.services import webhook_event_process, webhook_event_receive

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def write_to_us(instance, text, phone="5511988887777", **extra):
    """A ReceivedCallback from ``phone`` through the receiver and its processor."""
    data = {
        "type": "ReceivedCallback",
        "phone": phone,
        "messageId": f"IN{next(_ids)}",
        "momment": int(timezone.now().timestamp() * 1000),
        "fromMe": False,
        "senderName": "Ana",
        **({"text": {"message": text}} if text is not None else {}),
        **extra,
    }
    event, _ = webhook_event_receive(instance_id=instance.pk, data=data)
    webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    return event


def send_text(instance, chat="(11) 98888-7777"):
    return message_enqueue(instance=instance, chat_id=chat, kind="text", fields={"message": "Oi"})


@pytest.mark.parametrize("text", ["Sair", "SAIR", "sair!", " parar ", "Stop.", "descadastrar"])
def test_an_opt_out_keyword_opts_the_contact_out(instance, text):
    event = write_to_us(instance, text)
    contact = Contact.objects.get(phone="5511988887777")
    assert contact.opted_out_at is not None
    change = contact.consent_changes.get()
    assert (change.opted_out, change.source, change.reason, change.instance_id) == (
        True,
        ConsentSource.KEYWORD,
        text.strip(),
        instance.pk,
    )
    assert "opted out" in event.outcome


def test_accents_are_ignored_in_keywords(instance, partner):
    MessagingSettings.objects.create(partner=partner, opt_out_keywords=["NÃO QUERO"])
    write_to_us(instance, "nao quero")
    assert Contact.objects.get().opted_out_at is not None
    assert keyword_fold("Cancelár") == keyword_fold("CANCELAR")


@pytest.mark.parametrize("text", ["sair daqui amanhã", "quero sair? não", "Olá", ""])
def test_a_message_that_only_contains_a_keyword_is_not_an_opt_out(instance, text):
    write_to_us(instance, text)
    assert Contact.objects.get().opted_out_at is None


def test_a_group_message_is_not_an_opt_out(instance):
    write_to_us(
        instance, "SAIR", phone="120363019502650977-group", isGroup=True,
        participantPhone="5511988887777",
    )  # fmt: skip
    assert Contact.objects.get(phone="5511988887777").opted_out_at is None


def test_a_replayed_opt_out_is_recorded_once(instance):
    write_to_us(instance, "SAIR")
    write_to_us(instance, "PARAR")
    assert ConsentChange.objects.count() == 1


def test_writing_again_opts_in_with_the_message_as_reason(instance):
    write_to_us(instance, "SAIR")
    write_to_us(instance, "Quero voltar a receber as promoções")
    contact = Contact.objects.get()
    assert contact.opted_out_at is None
    latest = contact.consent_changes.first()
    assert (latest.opted_out, latest.source) == (False, ConsentSource.WROTE_AGAIN)
    assert latest.reason == "Quero voltar a receber as promoções"


def test_an_operators_opt_out_is_not_undone_by_writing(instance, operator):
    contact = Contact.objects.create(partner=instance.partner, phone="5511988887777")
    contact_opt_out(
        contact=contact, source=ConsentSource.OPERATOR, reason="Complaint", user=operator
    )
    write_to_us(instance, "oi, tudo bem?")
    contact.refresh_from_db()
    assert contact.opted_out_at is not None


def test_a_reaction_does_not_opt_in(instance):
    write_to_us(instance, "SAIR")
    data = {"reaction": {"value": "👍", "referencedMessage": {"messageId": "X"}}}
    write_to_us(instance, None, **data)
    assert Contact.objects.get().opted_out_at is not None


def test_compose_refuses_an_opted_out_contact_on_every_number_of_the_partner(instance, partner):
    write_to_us(instance, "Sair")
    other_number = InstanceFactory(partner=partner, name="Sales 2")
    with pytest.raises(ValidationError) as error:
        send_text(other_number)
    assert error.value.code == RefusalCode.OPTED_OUT
    assert "opted out" in str(error.value) and "Sair" in str(error.value)
    assert not Message.objects.filter(direction="out").exists()


def test_an_opt_out_does_not_cross_partners(instance, other_partner):
    write_to_us(instance, "Sair")
    foreign = InstanceFactory(partner=other_partner, name="Globex 1")
    message = send_text(foreign)
    assert message.chat_id == "5511988887777"


@pytest.mark.parametrize(
    ("typed", "reason"), [("abc", "Not a phone number"), ("1" * 39, "Too long")]
)
def test_compose_refuses_an_invalid_number_with_the_reason(instance, typed, reason):
    with pytest.raises(ValidationError) as error:
        send_text(instance, chat=typed)
    assert reason in str(error.value)
    assert not Message.objects.exists()


def test_the_ninth_digit_makes_no_difference_to_an_opt_out(instance):
    # WhatsApp's id of an old account has 8 digits; the person is the same.
    write_to_us(instance, "SAIR", phone="554499999999")
    contact = Contact.objects.get()
    assert (contact.phone, contact.whatsapp_id) == ("5544999999999", "554499999999")
    assert recipient_refusal(partner_id=instance.partner_id, value="(44) 99999-9999") is not None
    assert recipient_refusal(partner_id=instance.partner_id, value="554499999999") is not None


def test_operator_opt_in_needs_no_message_and_is_recorded(instance, operator):
    contact = Contact.objects.create(partner=instance.partner, phone="5511988887777")
    contact_opt_out(contact=contact, source=ConsentSource.OPERATOR, reason="Asked by phone")
    assert contact_opt_in(
        contact=contact, source=ConsentSource.OPERATOR, reason="Signed up again", user=operator
    )
    assert recipient_refusal(partner_id=instance.partner_id, value="5511988887777") is None
    assert [c.opted_out for c in contact.consent_changes.all()] == [False, True]


def test_one_check_answers_many_recipients_at_once(partner, django_assert_max_num_queries):
    out = Contact.objects.create(partner=partner, phone="5511988887777", lid="99999999@lid")
    contact_opt_out(contact=out, source=ConsentSource.API)
    ErasedRecipient.objects.create(
        partner=partner, number_hash=number_hashes(partner_id=partner.pk, number="5511977776666")[0]
    )
    values = ["11 98888-7777", "99999999@lid", "abc", "5511977776666", "5511966665555", "1-group"]
    with django_assert_max_num_queries(3):
        refusals = recipients_refusals(partner_id=partner.pk, values=values)
    assert {v: r.code for v, r in refusals.items()} == {
        "11 98888-7777": RefusalCode.OPTED_OUT,
        "99999999@lid": RefusalCode.OPTED_OUT,
        "abc": RefusalCode.INVALID,
        "5511977776666": RefusalCode.ERASED,
        "1-group": RefusalCode.INVALID,
    }


def test_the_opt_out_line_per_language(partner):
    assert opt_out_line(partner_id=partner.pk) == "Responda SAIR para não receber mais"
    MessagingSettings.objects.create(
        partner=partner, opt_out_lines={"pt-br": "Envie SAIR", "en": "Reply STOP to stop"}
    )
    assert opt_out_line(partner_id=partner.pk, language="en-US") == "Reply STOP to stop"
    assert opt_out_line(partner_id=partner.pk, language="es") == "Envie SAIR"
