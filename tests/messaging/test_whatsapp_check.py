"""Has WhatsApp? phone-exists-batch in paced batches, cached with its date, outputPhone kept
as the chat id; never part of sending."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from messaging import whatsapp_check
from messaging.models import Contact
from messaging.services import message_enqueue
from messaging.whatsapp_check import contacts_whatsapp_check, contacts_whatsapp_check_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(partner):
    return [
        Contact.objects.create(partner=partner, phone="5544999999999", name="Old account"),
        Contact.objects.create(partner=partner, phone="5511987654321", name="Ana"),
        Contact.objects.create(partner=partner, phone="5511912340404", name="No WhatsApp"),
    ]


def answer(request: httpx.Request) -> httpx.Response:
    phones = json.loads(request.content)["phones"]
    rows = [
        {
            "exists": not p.endswith("0404"),
            "inputPhone": p,
            # WhatsApp knows the old account without the ninth digit (spec 001, "Contacts > Number
            # with WhatsApp?").
            "outputPhone": "554499999999" if p == "5544999999999" else p,
        }
        for p in phones
    ]
    return httpx.Response(200, json=rows)


def test_the_answers_are_kept_with_their_date_and_output_phone(connected, book, fake_zapi):
    fake_zapi.handler = answer
    text = contacts_whatsapp_check(instance_id=connected.pk, contact_ids=[c.pk for c in book])
    assert text == "3 checked, 2 with WhatsApp"
    assert fake_zapi.paths() == ["phone-exists-batch"]
    assert sorted(fake_zapi.bodies()[0]["phones"]) == sorted(c.phone for c in book)
    old, ana, nobody = (Contact.objects.get(pk=c.pk) for c in book)
    assert (old.has_whatsapp, old.whatsapp_id, old.chat_id) == (
        True,
        "554499999999",
        "554499999999",
    )
    assert (ana.has_whatsapp, ana.whatsapp_id) == (True, "")
    assert nobody.has_whatsapp is False and nobody.whatsapp_checked_at is not None
    # The next message to the old account goes to WhatsApp's own id.
    message = message_enqueue(
        instance=connected, chat_id="(44) 99999-9999", kind="text", fields={"message": "Oi"}
    )
    assert message.chat_id == "554499999999" and message.payload["phone"] == "554499999999"


def test_a_failed_check_changes_nothing_and_says_why(connected, book, fake_zapi):
    fake_zapi.handler = lambda r: httpx.Response(500, json={"error": "boom"})
    text = contacts_whatsapp_check(instance_id=connected.pk, contact_ids=[book[0].pk])
    assert "Z-API error" in text
    assert Contact.objects.get(pk=book[0].pk).whatsapp_checked_at is None


def test_sending_never_checks(connected, fake_zapi):
    message_enqueue(
        instance=connected, chat_id="5511987654321", kind="text", fields={"message": "x"}
    )
    assert "phone-exists-batch" not in fake_zapi.paths()


def test_start_skips_fresh_answers_and_paces_batches(
    connected, book, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "messaging.tasks.contacts_whatsapp_check_task.apply_async",
        lambda args, countdown: sent.append((args, countdown)),
    )
    monkeypatch.setattr(whatsapp_check, "BATCH", 1)
    Contact.objects.filter(pk=book[1].pk).update(
        whatsapp_checked_at=timezone.now() - timedelta(days=2), has_whatsapp=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        text = contacts_whatsapp_check_start(contact_ids=[c.pk for c in book])
    assert "2 contacts" in text
    assert sent == [
        ((connected.pk, [book[0].pk]), 0),
        ((connected.pk, [book[2].pk]), whatsapp_check.PAUSE_SECONDS),
    ]


def test_start_without_a_connected_number_says_so(partner, book):
    assert "no connected number" in contacts_whatsapp_check_start(contact_ids=[book[0].pk])
