"""Hostile bodies at the receiver (issue 11, finding 7): each is answered in words, kept
as a reject for support, and never claimed as a duplicate it is not."""

from __future__ import annotations

import pytest

from tests.webhooks.conftest import post_event
from webhooks.models import WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_is_400_and_kept_as_a_reject(webhook_client, instance):
    body = '{"type": "X", "a": ' + "[" * 1000 + "]" * 1000 + "}"
    response = post_event(webhook_client, instance, body)
    assert response.status_code == 400
    assert WebhookReject.objects.get().reason.startswith("nested")
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "-Infinity", "1e400"], ids=["nan", "inf", "-inf", "1e400"]
)
def test_numbers_json_cannot_hold_are_rejected_not_called_duplicates(
    webhook_client, instance, value
):
    body = '{"type": "ReceivedCallback", "messageId": "N1", "momment": ' + value + "}"
    response = post_event(webhook_client, instance, body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] != "duplicate"
    assert WebhookReject.objects.count() == 1


def test_a_lone_surrogate_is_rejected_before_it_is_stored(webhook_client, instance):
    body = '{"type": "ReceivedCallback", "messageId": "S1", "phone": "\\ud800"}'
    response = post_event(webhook_client, instance, body)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert WebhookReject.objects.count() == 1


def test_a_real_duplicate_is_still_a_duplicate(webhook_client, instance):
    data = {"type": "ReceivedCallback", "messageId": "D1", "phone": "5511999990001"}
    assert post_event(webhook_client, instance, data).json()["status"] == "stored"
    assert post_event(webhook_client, instance, data).json()["status"] == "duplicate"
