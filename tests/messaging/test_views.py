"""The compose, conversation and queue pages through Django's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from instances.models import ConnectionState
from messaging.models import Direction, HoldReason, Message
from messaging.states import MessageState
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def compose_url(instance):
    return reverse("admin:messaging_compose", args=[instance.pk])


def test_operator_queues_a_text_and_lands_in_the_conversation(operator_client, connected):
    response = operator_client.post(
        compose_url(connected),
        {"chat_id": "+55 11 99999-0001", "kind": "text", "message": "Olá!", "delay_typing": "4"},
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:messaging_conversation", args=[connected.pk, "5511999990001"]
    )
    assert message.state == MessageState.QUEUED
    assert message.payload == {"phone": "5511999990001", "message": "Olá!", "delayTyping": 4}


@pytest.mark.parametrize(
    ("data", "endpoint", "expected"),
    [
        (
            {"kind": "location", "title": "Office", "latitude": "-23.5", "longitude": "-46.6"},
            "send_location",
            {"latitude": "-23.5", "longitude": "-46.6", "title": "Office"},
        ),
        (
            {"kind": "contact", "contact_name": "Ana", "contact_phone": "5511988887777"},
            "send_contact",
            {"contactName": "Ana", "contactPhone": "5511988887777"},
        ),
        (
            {"kind": "poll", "message": "Best?", "choices": "A\nB\n"},
            "send_poll",
            {"poll": [{"name": "A"}, {"name": "B"}]},
        ),
        (
            {"kind": "buttons", "message": "Ok?", "choices": "Yes\nNo"},
            "send_button_list",
            {"buttonList": {"buttons": [{"id": "1", "label": "Yes"}, {"id": "2", "label": "No"}]}},
        ),
        (
            {"kind": "option_list", "message": "Pick", "title": "Menu", "choices": "One\nTwo"},
            "send_option_list",
            {"message": "Pick"},
        ),
        (
            {"kind": "link", "message": "See", "link_url": "https://z-api.io", "title": "Z"},
            "send_link",
            {"message": "See https://z-api.io", "linkUrl": "https://z-api.io"},
        ),
        (
            {"kind": "video", "url": "https://cdn.example/v.mp4", "caption": "Look"},
            "send_video",
            {"video": "https://cdn.example/v.mp4", "caption": "Look"},
        ),
        (
            {"kind": "audio", "url": "https://cdn.example/a.ogg"},
            "send_audio",
            {"audio": "https://cdn.example/a.ogg"},
        ),
    ],
)
def test_every_kind_is_composed_into_its_send_request(
    operator_client, connected, data, endpoint, expected
):
    response = operator_client.post(compose_url(connected), {"chat_id": "5511999990001", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    message = Message.objects.get()
    assert message.endpoint == endpoint
    assert expected.items() <= message.payload.items()


def test_an_uploaded_image_is_sent_as_a_public_url_that_serves_it(
    operator_client, connected, settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://fleet.example"
    upload = SimpleUploadedFile("photo.png", b"\x89PNG fake", content_type="image/png")
    operator_client.post(
        compose_url(connected),
        {"chat_id": "5511999990001", "kind": "image", "upload": upload, "caption": "Hi"},
    )
    url = Message.objects.get().payload["image"]
    assert url.startswith("https://fleet.example/messaging/message/media/")
    served = client.get(url.removeprefix("https://fleet.example"))  # no login: Z-API fetches it
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"\x89PNG fake"


def test_an_oversize_upload_is_refused_with_a_clear_error(operator_client, connected, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 10
    upload = SimpleUploadedFile("big.pdf", b"x" * 100, content_type="application/pdf")
    response = operator_client.post(
        compose_url(connected), {"chat_id": "5511999990001", "kind": "document", "upload": upload}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "the largest upload accepted is 10" in body
    assert "Give a media URL or upload a file" not in body  # only the error that applies
    assert not Message.objects.exists()


def test_an_opted_out_contact_is_refused(operator_client, connected):
    from messaging.models import Contact

    Contact.objects.create(
        partner=connected.partner, phone="5511999990001", opted_out_at=timezone.now()
    )
    response = operator_client.post(
        compose_url(connected), {"chat_id": "5511999990001", "kind": "text", "message": "x"}
    )
    assert "opted out" in response.content.decode()
    assert not Message.objects.exists()


def test_another_partners_number_is_a_404(operator_client, other_partner):
    foreign = InstanceFactory(partner=other_partner)
    assert operator_client.get(compose_url(foreign)).status_code == 404
    url = reverse("admin:messaging_conversation", args=[foreign.pk, "5511"])
    assert operator_client.get(url).status_code == 404


def test_a_member_who_may_only_view_cannot_compose(client, partner, connected):
    viewer = MembershipFactory(partner=partner, role=Role.SUPPORT).user
    client.force_login(viewer)
    assert client.get(compose_url(connected)).status_code == 403


def test_conversation_shows_both_directions_with_ticks_and_refreshes(operator_client, connected):
    Message.objects.create(
        instance=connected, direction=Direction.INBOUND, chat_id="5511999990001", text="Oi",
        state=MessageState.RECEIVED,
    )  # fmt: skip
    Message.objects.create(
        instance=connected, direction=Direction.OUTBOUND, chat_id="5511999990001",
        text="Tudo bem?", state=MessageState.READ,
    )  # fmt: skip
    url = reverse("admin:messaging_conversation", args=[connected.pk, "5511999990001"])
    page = operator_client.get(url).content.decode()
    assert page.index("Oi") < page.index("Tudo bem?")
    assert 'data-state="read"' in page
    assert 'hx-trigger="every 3s"' in page
    partial = operator_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Tudo bem?" in partial and "<html" not in partial


def test_a_conversation_url_that_names_no_chat_is_a_404(operator_client, connected):
    Message.objects.create(
        instance=connected, direction=Direction.INBOUND, chat_id="5511", text="Oi",
        state=MessageState.RECEIVED,
    )  # fmt: skip
    url = reverse("admin:messaging_conversation", args=[connected.pk, "5511.evil"])
    assert operator_client.get(url).status_code == 404


def test_queue_page_says_why_each_number_waits(operator_client, partner, connected):
    offline = InstanceFactory(
        partner=partner, name="Offline", connection_state=ConnectionState.DISCONNECTED
    )
    for instance in (connected, offline):
        Message.objects.create(
            instance=instance,
            direction=Direction.OUTBOUND,
            chat_id="551100",
            state=MessageState.QUEUED,
        )
    Message.objects.create(
        instance=connected,
        direction=Direction.OUTBOUND,
        chat_id="551101",
        state=MessageState.QUEUED,
        not_before=timezone.now() + timedelta(hours=3),
        hold_reason=HoldReason.DAILY_CAP,
    )
    page = operator_client.get(reverse("admin:messaging_queue")).content.decode()
    assert 'data-reason="disconnected"' in page
    assert 'data-reason="daily_cap"' in page


def test_support_cancels_a_queued_message_and_retries_a_failed_one(client, partner, connected):
    support = MembershipFactory(partner=partner, role=Role.SUPPORT).user
    client.force_login(support)
    waiting = Message.objects.create(
        instance=connected,
        direction=Direction.OUTBOUND,
        chat_id="551100",
        state=MessageState.QUEUED,
    )
    failed = Message.objects.create(
        instance=connected, direction=Direction.OUTBOUND, chat_id="551100",
        state=MessageState.FAILED, failed_at=timezone.now(), error="HTTP 400: bad phone",
    )  # fmt: skip
    page = client.get(
        reverse("admin:messaging_queue") + f"?instance={connected.pk}"
    ).content.decode()
    assert "bad phone" in page
    client.post(reverse("admin:messaging_message_cancel", args=[waiting.pk]))
    client.post(reverse("admin:messaging_message_retry", args=[failed.pk]))
    waiting.refresh_from_db()
    failed.refresh_from_db()
    assert waiting.state == MessageState.CANCELLED
    assert (failed.state, failed.error) == (MessageState.QUEUED, "")


def test_pace_is_saved_from_the_queue_page(operator_client, connected):
    url = reverse("admin:messaging_pace", args=[connected.pk])
    operator_client.post(
        url, {"min_gap_seconds": "7", "max_gap_seconds": "20", "daily_new_recipients": "30"}
    )
    connected.pacer.refresh_from_db()
    assert (connected.pacer.min_gap_seconds, connected.pacer.max_gap_seconds) == (7, 20)
    assert connected.pacer.daily_new_recipients == 30
