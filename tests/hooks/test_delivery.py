"""Outbound webhooks over real HTTP to a local receiver: Standard Webhooks signatures,
retries with backoff, every attempt kept, replay, disabled after a day of failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from hooks.models import Delivery, DeliveryState, Endpoint
from hooks.services import (
    RETRY_SCHEDULE_SECONDS,
    endpoint_save,
    endpoint_test_send,
    hook_deliveries_due,
    hook_deliveries_replay,
    hook_delivery_attempt,
    hook_event_emit,
)
from partners.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(partner, receiver):
    return endpoint_save(
        partner=partner, url=receiver.url, event_types=["message.status", "message.received"]
    )


def test_an_event_arrives_signed_by_the_standard(endpoint, receiver, partner):
    assert hook_event_emit(partner_id=partner.pk, event_type="message.status", data={"id": 1}) == 1
    delivery = Delivery.objects.get()
    assert hook_delivery_attempt(delivery_id=delivery.pk) == DeliveryState.SUCCEEDED
    request = receiver.requests[0]
    payload = Webhook(str(endpoint.secret)).verify(request["body"], request["headers"])
    assert payload["type"] == "message.status" and payload["data"] == {"id": 1}
    assert request["headers"]["webhook-id"] == delivery.webhook_id
    assert request["headers"]["webhook-signature"].startswith("v1,")
    with pytest.raises(Exception):  # noqa: B017 - another secret does not verify
        Webhook("whsec_" + "A" * 43).verify(request["body"], request["headers"])
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.delivered_at is not None
    assert [a.status_code for a in delivery.attempt_log.all()] == [200]


def test_nothing_is_owed_for_unwanted_events_or_other_partners(endpoint, other_partner, partner):
    assert hook_event_emit(partner_id=partner.pk, event_type="campaign.progress", data={}) == 0
    assert hook_event_emit(partner_id=other_partner.pk, event_type="message.status", data={}) == 0
    assert not Delivery.objects.exists()


def test_failures_retry_with_backoff_and_every_attempt_is_kept(endpoint, receiver, partner):
    receiver.statuses = [500, 503]
    hook_event_emit(partner_id=partner.pk, event_type="message.status", data={"id": 2})
    delivery = Delivery.objects.get()
    before = timezone.now()
    assert hook_delivery_attempt(delivery_id=delivery.pk) == DeliveryState.RETRYING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= before + timedelta(seconds=RETRY_SCHEDULE_SECONDS[0])
    assert hook_delivery_attempt(delivery_id=delivery.pk) is None  # not due yet
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert hook_deliveries_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRYING
    assert delivery.next_attempt_at >= timezone.now() + timedelta(
        seconds=RETRY_SCHEDULE_SECONDS[1] - 5
    )
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert hook_deliveries_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert delivery.attempt_log.first().response_body == "receiver says no"
    # Every try carried the same webhook-id: the receiver can drop duplicates.
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1


def test_a_day_of_failures_disables_the_endpoint_and_tells_its_admins(
    endpoint, receiver, partner, django_capture_on_commit_callbacks
):
    MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN, user__email="boss@acme.test")
    receiver.statuses = [500] * 20
    hook_event_emit(partner_id=partner.pk, event_type="message.status", data={"id": 3})
    delivery = Delivery.objects.get()
    for _ in range(len(RETRY_SCHEDULE_SECONDS) + 1):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            hook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD
    assert delivery.attempt_log.count() == len(RETRY_SCHEDULE_SECONDS) + 1
    assert sum(RETRY_SCHEDULE_SECONDS) >= 24 * 3600  # "retried with backoff for a day"
    assert endpoint.is_active is False
    assert "HTTP 500" in endpoint.disabled_reason
    assert mail.outbox and mail.outbox[0].to == ["boss@acme.test"]
    assert endpoint.url in mail.outbox[0].body
    # A disabled endpoint is owed nothing new.
    assert hook_event_emit(partner_id=partner.pk, event_type="message.status", data={}) == 0


def test_unreachable_receiver_is_an_attempt_with_its_error(partner):
    endpoint = endpoint_save(
        partner=partner, url="http://127.0.0.1:9/nothing", event_types=["message.status"]
    )
    delivery = endpoint_test_send(endpoint=endpoint)
    assert hook_delivery_attempt(delivery_id=delivery.pk) == DeliveryState.RETRYING
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "Connect" in attempt.error


def test_410_gone_disables_at_once(endpoint, receiver, partner):
    receiver.statuses = [410]
    delivery = endpoint_test_send(endpoint=endpoint)
    assert hook_delivery_attempt(delivery_id=delivery.pk) == DeliveryState.DEAD
    assert Endpoint.objects.get(pk=endpoint.pk).is_active is False


def test_replay_sends_the_same_event_again(endpoint, receiver, partner):
    delivery = endpoint_test_send(endpoint=endpoint)
    hook_delivery_attempt(delivery_id=delivery.pk)
    assert hook_deliveries_replay(delivery_ids=[delivery.pk]) == 1
    assert hook_delivery_attempt(delivery_id=delivery.pk) == DeliveryState.SUCCEEDED
    assert len(receiver.requests) == 2
    assert receiver.bodies()[0] == receiver.bodies()[1]
    assert delivery.attempt_log.count() == 2


def test_two_runners_attempt_once(endpoint, receiver, partner):
    delivery = endpoint_test_send(endpoint=endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    first = hook_delivery_attempt(delivery_id=delivery.pk)
    second = hook_delivery_attempt(delivery_id=delivery.pk)
    assert (first, second) == (DeliveryState.SUCCEEDED, None)
    assert len(receiver.requests) == 1
