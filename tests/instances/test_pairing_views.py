"""Pairing: QR refreshes and stops after 3, phone code, connected by itself, no QR for a
connected instance, Z-API's queue decided before pairing."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from instances.services import instance_connection_apply
from tests.fakes import queue_message

pytestmark = pytest.mark.django_db


def url(name, instance):
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_qr_is_drawn_here_and_schedules_the_next_refresh(
    operator_client, instance, fake_zapi, settings
):
    settings.PAIRING_QR_REFRESH_SECONDS = 12
    response = operator_client.get(url("pairing_qr", instance), {"n": 1}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<svg" in body  # drawn by segno from the QR payload
    assert "?n=2" in body and "load delay:12" in body
    assert "QR code 1 of 3" in body
    assert len(fake_zapi.calls("/qr-code")) == 1


def test_after_three_qr_codes_the_flow_stops_with_a_button(operator_client, instance, fake_zapi):
    for n in (1, 2, 3):
        operator_client.get(url("pairing_qr", instance), {"n": n})
    response = operator_client.get(url("pairing_qr", instance), {"n": 4})
    body = response.content.decode()
    assert "Show a new QR code" in body and "?n=1" in body
    assert "load delay" not in body  # no more automatic refresh
    assert len(fake_zapi.calls("/qr-code")) == 3  # the 4th asked nothing of Z-API


def test_qr_error_is_shown_without_secrets(operator_client, instance, fake_zapi):
    fake_zapi.routes["GET /qr-code"] = lambda r, b: httpx.Response(
        401, json={"error": "null not allowed"}
    )
    body = operator_client.get(url("pairing_qr", instance), {"n": 1}).content.decode()
    assert "null not allowed" in body and "Try again" in body
    assert str(instance.token) not in body


def test_state_poll_is_204_until_the_webhook_connects_the_row(operator_client, instance):
    assert operator_client.get(url("pairing_state", instance)).status_code == 204
    instance_connection_apply(
        instance_id=instance.pk, connected=True, at=timezone.now(), source="webhook"
    )
    response = operator_client.get(url("pairing_state", instance))
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#pairing-panel"
    assert "is connected" in response.content.decode()


def test_a_connected_instance_is_not_offered_a_qr(operator_client, instance, fake_zapi):
    instance.connection_state = "connected"
    instance.save()
    body = operator_client.get(url("pairing", instance)).content.decode()
    assert "is connected" in body and "pairing_qr" not in body and "qr/?n=1" not in body
    response = operator_client.get(url("pairing_qr", instance), {"n": 1})
    assert "is connected" in response.content.decode()
    assert not fake_zapi.calls("/qr-code")


def test_queued_messages_are_shown_before_pairing_and_can_be_deleted(
    operator_client, instance, fake_zapi
):
    fake_zapi.queue = [queue_message(1), queue_message(2)]
    body = operator_client.get(url("pairing", instance)).content.decode()
    assert "2 messages wait in Z-API" in body and "queued message 2" in body
    assert "qr/?n=1" not in body
    operator_client.post(url("pairing_queue", instance), {"choice": "delete"})
    assert fake_zapi.queue == []
    assert fake_zapi.calls("/queue", "DELETE")
    body = operator_client.get(url("pairing", instance)).content.decode()
    assert "qr/?n=1" in body


def test_keeping_the_queue_goes_on_to_pairing_without_deleting(
    operator_client, instance, fake_zapi
):
    fake_zapi.queue = [queue_message(1)]
    operator_client.post(url("pairing_queue", instance), {"choice": "keep"})
    body = operator_client.get(url("pairing", instance)).content.decode()
    assert "qr/?n=1" in body
    assert len(fake_zapi.queue) == 1 and not fake_zapi.calls("/queue", "DELETE")


def test_phone_code(operator_client, instance, fake_zapi):
    response = operator_client.post(
        url("pairing_phone_code", instance), {"phone": "+55 44 99999-9999"}, HTTP_HX_REQUEST="true"
    )
    assert "ABCD-EFGH" in response.content.decode()
    assert fake_zapi.calls("/phone-code/5544999999999")


def test_support_role_may_not_pair(client, partner, instance, fake_zapi):
    from partners.roles import Role
    from tests.factories import MembershipFactory

    user = MembershipFactory(partner=partner, role=Role.SUPPORT).user
    client.force_login(user)
    assert client.get(url("pairing", instance)).status_code == 403
