"""The receiver: secret first, size, JSON, store once, answer at once (issue 5)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from tests.factories import InstanceFactory
from tests.webhooks.conftest import post_event, spec_example, webhook_path
from webhooks.models import EventState, WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db


def test_valid_event_is_stored_pending_and_answered_200(webhook_client, instance):
    data = spec_example("l13106_messagestatus_sent")
    response = post_event(webhook_client, instance, data)
    assert response.status_code == 200
    assert response.json() == {"status": "stored"}
    event = WebhookEvent.objects.get()
    assert (event.instance, event.event_type, event.payload) == (
        instance,
        "MessageStatusCallback",
        data,
    )
    assert event.state == EventState.PENDING


def test_duplicate_answers_200_and_changes_nothing(webhook_client, instance):
    data = spec_example("l11173_delivery")
    post_event(webhook_client, instance, data)
    before = WebhookEvent.objects.get()
    response = post_event(webhook_client, instance, data)
    assert response.status_code == 200
    assert response.json() == {"status": "duplicate"}
    assert list(WebhookEvent.objects.values_list("pk", "received_at")) == [
        (before.pk, before.received_at)
    ]


def test_same_payload_for_two_instances_is_two_events(webhook_client, partner):
    # Two of our numbers in one group both hear the same messageId.
    data = spec_example("l11276_received_text")
    for inst in InstanceFactory.create_batch(2, partner=partner):
        assert post_event(webhook_client, inst, data).status_code == 200
    assert WebhookEvent.objects.count() == 2


def test_kind_in_the_url_is_accepted_and_the_payload_type_decides(webhook_client, instance):
    url = webhook_path(instance) + "delivery"
    data = spec_example("l13126_messagestatus_read")
    response = webhook_client.post(url, json.dumps(data), content_type="application/json")
    assert response.status_code == 200
    assert WebhookEvent.objects.get().event_type == "MessageStatusCallback"


def test_wrong_secret_is_404_and_writes_nothing(webhook_client, instance):
    bad = str(instance.webhook_secret)[:-1] + "x"
    response = post_event(webhook_client, instance, {"type": "x"}, secret=bad)
    assert response.status_code == 404
    response = post_event(webhook_client, instance, b"not json", secret=bad)
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()
    assert not WebhookReject.objects.exists()


def test_unknown_instance_is_404(webhook_client, instance):
    url = f"/webhooks/{instance.pk + 1000}/{instance.webhook_secret}/"
    response = webhook_client.post(url, "{}", content_type="application/json")
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


def test_get_is_405(webhook_client, instance):
    assert webhook_client.get(webhook_path(instance)).status_code == 405


def test_oversize_body_is_413_and_not_stored(webhook_client, instance, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1024
    data = {"type": "ReceivedCallback", "messageId": "big", "text": {"message": "x" * 2000}}
    response = post_event(webhook_client, instance, data)
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_body_at_the_limit_is_accepted(webhook_client, instance, settings):
    data = {"type": "Custom", "pad": ""}
    data["pad"] = "x" * (1024 - len(json.dumps(data)))
    settings.WEBHOOK_MAX_BODY_BYTES = 1024
    assert len(json.dumps(data)) == 1024
    assert post_event(webhook_client, instance, data).status_code == 200


def test_default_limit_is_256_kb(webhook_client, instance):
    data = {"type": "Custom", "pad": "x" * (256 * 1024)}
    assert post_event(webhook_client, instance, data).status_code == 413


def test_malformed_json_is_400_and_kept_in_rejects(webhook_client, instance):
    response = post_event(webhook_client, instance, b'{"type": "ReceivedCallback",')
    assert response.status_code == 400
    reject = WebhookReject.objects.get()
    assert reject.instance == instance
    assert reject.body == '{"type": "ReceivedCallback",'
    assert reject.reason.startswith("malformed JSON")
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_json_that_is_not_an_object_is_400(webhook_client, instance, body):
    response = post_event(webhook_client, instance, body)
    assert response.status_code == 400
    assert WebhookReject.objects.get().reason.startswith("not a JSON object")


def test_form_body_is_415_and_kept_in_rejects(webhook_client, instance):
    response = webhook_client.post(webhook_path(instance), {"type": "ReceivedCallback"})
    assert response.status_code == 415
    assert WebhookReject.objects.get().content_type.startswith("multipart/form-data")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "text/plain", ""])
def test_json_body_is_accepted_whatever_its_label(webhook_client, instance, content_type):
    response = post_event(webhook_client, instance, {"type": "X"}, content_type=content_type)
    assert response.status_code == 200


def test_untyped_object_is_stored_as_an_event(webhook_client, instance):
    assert post_event(webhook_client, instance, {"hello": "world"}).status_code == 200
    assert WebhookEvent.objects.get().event_type == ""


@pytest.mark.django_db(transaction=True)
def test_database_down_is_5xx_never_200(webhook_client):
    instance = InstanceFactory()
    path = webhook_path(instance)
    saved = dict(connection.settings_dict)
    connection.close()
    # A closed port: every query of this request fails to connect.
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = webhook_client.post(path, json.dumps({"type": "X"}), "application/json")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not WebhookEvent.objects.exists()


def test_an_instance_id_larger_than_any_is_an_unknown_url_not_a_database_error(
    webhook_client, caplog
):
    # A bigint holds up to 2**63 - 1: a larger id used to reach the statement, a 503.
    body = json.dumps(spec_example("l11173_delivery"))

    def status(path: str) -> int:
        return webhook_client.post(path, body, content_type="application/json").status_code

    assert status(f"/webhooks/{2**63 - 1}/secret/") == 404  # the largest: no such instance
    unknown = status("/webhooks/not-a-number/secret/")
    assert unknown in (403, 404)
    for number in (2**63, 10**20):
        assert status(f"/webhooks/{number}/secret/") == unknown
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert not WebhookEvent.objects.exists()
