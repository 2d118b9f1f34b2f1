"""The event log in the dashboard: scoped lists, filters, payload, replay, dead letters,
rejects."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory
from tests.webhooks.factories import WebhookEventFactory
from webhooks.models import EventState, WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:webhooks_webhookevent_changelist")


@pytest.fixture
def support_client(partner) -> Client:
    user = MembershipFactory(partner=partner, role=Role.SUPPORT, user__username="sam").user
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def events(instance, other_partner):
    foreign = InstanceFactory(partner=other_partner, name="Globex 1")
    return {
        "read": WebhookEventFactory(instance=instance, payload={
            "type": "MessageStatusCallback", "status": "READ", "ids": ["ABC123"]}),
        "dead": WebhookEventFactory(instance=instance, event_type="ReceivedCallback",
                                    state=EventState.DEAD, error="ValueError: boom",
                                    payload={"type": "ReceivedCallback", "messageId": "M1"}),
        "foreign": WebhookEventFactory(instance=foreign, event_type="X", payload={"type": "X"}),
    }  # fmt: skip


def listed(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_event_log_shows_only_the_users_partner(operator_client, events):
    response = operator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {events["read"].pk, events["dead"].pk}
    foreign = reverse("admin:webhooks_webhookevent_change", args=[events["foreign"].pk])
    assert operator_client.get(foreign, follow=True).context.get("original") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=dead", {"dead"}),
        ("type=MessageStatusCallback", {"read"}),
        ("q=ABC123", set()),  # ids are searched through messageId/zaapId/phone, not ids
        ("q=M1", {"dead"}),
        ("received_at__gte=2000-01-01", {"read", "dead", "foreign"}),
    ],
)
def test_filters(staff_client, events, query, expected):
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed(response) == {events[name].pk for name in expected}


def test_instance_filter_lists_only_visible_instances(operator_client, events, instance):
    response = operator_client.get(f"{CHANGELIST}?instance={instance.pk}")
    assert listed(response) == {events["read"].pk, events["dead"].pk}
    assert b"Globex 1" not in response.content


def test_changelist_queries_do_not_grow_with_rows(
    staff_client, instance, django_assert_max_num_queries
):
    WebhookEventFactory.create_batch(5, instance=instance)
    with django_assert_max_num_queries(20) as few:
        staff_client.get(CHANGELIST)
    WebhookEventFactory.create_batch(30, instance=instance)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(CHANGELIST)


def test_change_page_pretty_prints_the_payload(staff_client, events):
    url = reverse("admin:webhooks_webhookevent_change", args=[events["read"].pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert (
        b'<pre class="webhook-payload">{\n  &quot;ids&quot;: [\n    &quot;ABC123&quot;'
        in response.content
    )
    assert b"Replay" in response.content


def test_support_replays_selected_events(support_client, events):
    ids = [events["dead"].pk, events["foreign"].pk]
    response = support_client.post(
        CHANGELIST, {"action": "replay", "_selected_action": ids}, follow=True
    )
    assert response.status_code == 200
    assert b"1 event will be processed again." in response.content
    assert WebhookEvent.objects.get(pk=events["dead"].pk).state == EventState.PENDING
    assert WebhookEvent.objects.get(pk=events["foreign"].pk).replays == 0


def test_operator_cannot_replay(operator_client, events):
    response = operator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert b'value="replay"' not in response.content
    url = reverse("admin:webhooks_webhookevent_replay", args=[events["dead"].pk])
    assert operator_client.post(url).status_code == 403
    assert WebhookEvent.objects.get(pk=events["dead"].pk).state == EventState.DEAD


def test_replay_one_from_its_page(support_client, events):
    url = reverse("admin:webhooks_webhookevent_replay", args=[events["dead"].pk])
    assert support_client.get(url).status_code == 405
    response = support_client.post(url)
    assert response.status_code == 302
    event = WebhookEvent.objects.get(pk=events["dead"].pk)
    assert (event.state, event.replays, event.error) == (EventState.PENDING, 1, "")


def test_dead_letters_page_lists_only_dead_letters(staff_client, events):
    response = staff_client.get(reverse("admin:webhooks_deadletter_changelist"))
    assert listed(response) == {events["dead"].pk}
    assert b"ValueError: boom" in response.content


def test_rejects_page_shows_the_refused_body(operator_client, instance):
    reject = WebhookReject.objects.create(
        instance=instance, reason="malformed JSON: x", content_type="application/json", body="{oops"
    )
    response = operator_client.get(reverse("admin:webhooks_webhookreject_changelist"))
    assert response.status_code == 200
    assert b"{oops" in response.content
    page = operator_client.get(reverse("admin:webhooks_webhookreject_change", args=[reject.pk]))
    assert b'<pre class="webhook-payload">{oops</pre>' in page.content


def test_events_cannot_be_added_or_edited(staff_client, events):
    assert staff_client.get(reverse("admin:webhooks_webhookevent_add")).status_code == 403
    url = reverse("admin:webhooks_webhookevent_change", args=[events["read"].pk])
    staff_client.post(url, {"state": "processed"})
    assert WebhookEvent.objects.get(pk=events["read"].pk).state == EventState.PENDING
