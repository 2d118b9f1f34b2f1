"""The Z-API queue page: paging by page and by cursor, count, delete one, delete all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.roles import Role
from tests.factories import MembershipFactory
from tests.fakes import queue_message

pytestmark = pytest.mark.django_db


def url(name, instance):
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


@pytest.fixture
def support_client(client, partner):
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    return client


def test_page_paging_shows_the_count_and_one_page(support_client, instance, fake_zapi):
    fake_zapi.queue = [queue_message(n) for n in range(25)]
    response = support_client.get(url("queue", instance), {"page": 2, "page_size": 10})
    body = response.content.decode()
    assert '<span id="queue-count">25</span>' in body
    assert "queued message 10" in body and "queued message 19" in body
    assert "queued message 9<" not in body and "queued message 20" not in body
    assert "page=3" in body and "page=1" in body
    request = fake_zapi.calls("/queue", "GET")[0]
    assert request.url.params["page"] == "2" and request.url.params["pageSize"] == "10"
    instance.refresh_from_db()
    assert instance.zapi_queue_size == 25


def test_cursor_paging_is_stable_while_the_queue_drains(support_client, instance, fake_zapi):
    fake_zapi.queue = [queue_message(n) for n in range(30)]
    first = support_client.get(url("queue", instance), {"mode": "cursor", "page_size": 10})
    cursor = first.context["listing"].value.next_cursor
    del fake_zapi.queue[:5]  # Z-API sent five messages meanwhile
    second = support_client.get(
        url("queue", instance), {"mode": "cursor", "page_size": 10, "cursor": cursor}
    )
    shown = [m.ZaapId for m in second.context["listing"].value.messages]
    assert shown == [f"Z{n:04d}" for n in range(10, 20)]  # nothing skipped


def test_delete_one(support_client, instance, fake_zapi):
    fake_zapi.queue = [queue_message(1), queue_message(2)]
    response = support_client.post(url("queue_delete", instance), {"zaap_id": "Z0001"}, follow=True)
    assert [m["ZaapId"] for m in fake_zapi.queue] == ["Z0002"]
    assert "Message Z0001 deleted" in response.content.decode()


def test_delete_all_needs_a_confirmation(support_client, instance, fake_zapi):
    fake_zapi.queue = [queue_message(n) for n in range(3)]
    page = support_client.get(url("queue_clear", instance)).content.decode()
    assert "3 messages will be deleted" in page
    support_client.post(url("queue_clear", instance), {})  # no confirm
    assert len(fake_zapi.queue) == 3
    response = support_client.post(url("queue_clear", instance), {"confirm": "yes"}, follow=True)
    assert fake_zapi.queue == []
    assert "queue is now empty" in response.content.decode()


def test_rows_partial_is_polled_live(support_client, instance, fake_zapi, settings):
    settings.ZAPI_QUEUE_REFRESH_SECONDS = 3
    fake_zapi.queue = [queue_message(1)]
    body = support_client.get(url("queue_rows", instance)).content.decode()
    assert 'hx-trigger="every 3' in body and "queued message 1" in body


def test_zapi_error_is_shown(support_client, instance, fake_zapi):
    import httpx

    fake_zapi.routes["GET /queue"] = lambda r, b: httpx.Response(500, json={"error": "boom"})
    fake_zapi.routes["GET /queue/count"] = lambda r, b: httpx.Response(500, json={"error": "boom"})
    body = support_client.get(url("queue", instance)).content.decode()
    assert "HTTP 500" in body and "boom" in body
