from __future__ import annotations

import pytest

from partners.roles import Role
from tests.api.conftest import key_client, make_key
from tests.webhooks.factories import WebhookEventFactory
from webhooks.models import EventState

pytestmark = pytest.mark.django_db


def test_list_detail_and_filters(api, instance, foreign_instance):
    event = WebhookEventFactory(instance=instance, state=EventState.DEAD)
    WebhookEventFactory(instance=instance, event_type="ReceivedCallback")
    WebhookEventFactory(instance=foreign_instance)
    rows = api.get("/api/webhook-events/").json()["results"]
    assert len(rows) == 2 and "payload" not in rows[0]
    rows = api.get("/api/webhook-events/?state=dead").json()["results"]
    assert [r["id"] for r in rows] == [event.pk]
    detail = api.get(f"/api/webhook-events/{event.pk}/").json()
    assert detail["payload"]["type"] == "MessageStatusCallback"


def test_replay_needs_support_and_is_scoped(
    partner, partner_admin, instance, foreign_instance, api
):
    event = WebhookEventFactory(instance=instance, state=EventState.DEAD)
    assert api.post(f"/api/webhook-events/{event.pk}/replay/").status_code == 403  # operator
    support = key_client(make_key(partner_admin, partner, Role.SUPPORT))
    response = support.post(f"/api/webhook-events/{event.pk}/replay/")
    assert response.status_code == 200
    assert response.json()["replayed"] == 1
    event.refresh_from_db()
    assert event.replays == 1
    foreign = WebhookEventFactory(instance=foreign_instance)
    assert support.post(f"/api/webhook-events/{foreign.pk}/replay/").status_code == 404


def test_an_impossible_date_is_a_400_not_a_500(api):
    response = api.get("/api/webhook-events/?received_after=9482-03-28T15:24:19.90-22:32")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "received_after"
    assert api.get("/api/contacts/?list=0.5").status_code == 400
