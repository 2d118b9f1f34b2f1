"""A contact writes "Sair" to a sandbox number over real HTTP: the webhook reaches our receiver,
a real worker processes it, and the partner's numbers refuse to write to that contact, from
compose and from the API."""

from __future__ import annotations

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from messaging.models import ConsentSource, Contact, Message
from messaging.services import message_enqueue
from partners.roles import Role
from tests.api.conftest import key_client, make_key
from tests.live import wait_for
from tests.messaging.live import sandbox_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = "5511977770001"


def contact_writes(live_url: str, instance, text: str) -> None:
    """The sandbox's "a contact writes" control, as the console uses it."""
    url = f"{live_url}/sandbox/_control/instances/{instance.zapi_id}/token/{instance.token}/inbound"
    response = httpx.post(
        url, json={"phone": PHONE, "kind": "text", "text": text, "senderName": "Ana"}, timeout=10
    )
    assert response.status_code == 200, response.text


def test_sair_from_the_sandbox_opts_out_on_every_number_of_the_partner(
    live_url, celery_worker, partner, other_partner, partner_admin, operator_client
):
    first = sandbox_number(partner, name="Sales 1", min_gap=0, max_gap=0)
    second = sandbox_number(partner, name="Sales 2", min_gap=0, max_gap=0)
    foreign = sandbox_number(other_partner, name="Globex 1", min_gap=0, max_gap=0)

    contact_writes(live_url, first, "Sair")

    contact = wait_for(
        lambda: Contact.objects.filter(
            partner=partner, phone=PHONE, opted_out_at__isnull=False
        ).first()
    )
    change = contact.consent_changes.get()
    assert (change.source, change.reason, change.instance_id) == (
        ConsentSource.KEYWORD,
        "Sair",
        first.pk,
    )

    # Compose on the partner's other number refuses, and says why.
    page = operator_client.post(
        reverse("admin:messaging_compose", args=[second.pk]),
        {"chat_id": "(11) 97777-0001", "kind": "text", "message": "Promo!"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "opted out" in text and "Sair" in text
    assert not Message.objects.filter(direction="out").exists()

    # The API (a partner's CRM with an operator key) refuses it too, with the same reason.
    api = key_client(make_key(partner_admin, partner, Role.OPERATOR))
    response = api.post(
        "/api/messages/",
        {"instance": second.pk, "chat_id": "+55 11 97777-0001", "kind": "text", "message": "Oi"},
        format="json",
    )
    assert response.status_code == 400, response.content
    detail = response.json()["errors"][0]["detail"]
    assert "opted out" in detail and "Sair" in detail
    assert not Message.objects.filter(direction="out").exists()

    # Another partner's number is not bound by this partner's opt-out.
    sent = message_enqueue(
        instance=foreign, chat_id="(11) 97777-0001", kind="text", fields={"message": "Oi"}
    )
    assert sent.chat_id == PHONE

    # The same contact writing again (not a keyword) opts back in.
    contact_writes(live_url, first, "Mudei de ideia, pode mandar")
    wait_for(lambda: Contact.objects.get(pk=contact.pk).opted_out_at is None)
    message_enqueue(instance=second, chat_id=PHONE, kind="text", fields={"message": "Oi"})
    with pytest.raises(ValidationError):
        message_enqueue(instance=second, chat_id="abc", kind="text", fields={"message": "Oi"})
