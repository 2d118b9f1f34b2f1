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
