"""Messaging findings of the security review (issue 11): uploads served safely (2), bulk
actions checked per partner (3), chat ids that cannot break a page (6), the request body
capped and the pace an operator's decision (10)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from messaging.models import Direction, Message
from messaging.states import MessageState
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory
from tests.webhooks.conftest import post_event

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:messaging_message_changelist")


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload_url(operator_client, connected, settings, tmp_path, name, content, kind):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://fleet.example"
    upload = SimpleUploadedFile(name, content, content_type="text/html")
    response = operator_client.post(
        reverse("admin:messaging_compose", args=[connected.pk]),
        {"chat_id": "5511999990001", "kind": kind, "upload": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payload = Message.objects.get().payload
    return (payload.get("document") or payload.get("image")).removeprefix("https://fleet.example")


@pytest.mark.parametrize(("name", "kind"), [("evil.html", "document"), ("evil.svg", "image")])
def test_an_uploaded_script_is_served_as_an_inert_attachment(
    operator_client, connected, settings, tmp_path, name, kind
):
    script = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    url = _upload_url(operator_client, connected, settings, tmp_path, name, script, kind)
    served = Client().get(url)  # no login: Z-API fetches it
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_real_image_keeps_its_type_but_is_still_an_attachment(
    operator_client, connected, settings, tmp_path
):
    url = _upload_url(
        operator_client, connected, settings, tmp_path, "p.png", b"\x89PNG\r\n\x1a\n....", "image"
    )
    served = Client().get(url)
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("attachment")


def test_an_upload_link_is_unguessable_and_expires(operator_client, connected, settings, tmp_path):
    url = _upload_url(
        operator_client, connected, settings, tmp_path, "p.png", b"\x89PNG\r\n\x1a\n", "image"
    )
    anonymous = Client()
    assert anonymous.get(url).status_code == 200
    # The same file without the signature, or with another one, is not served.
    assert anonymous.get(url.split("?", 1)[0]).status_code == 404
    assert anonymous.get(url[:-3] + "AAA").status_code == 404
    settings.MEDIA_LINK_MAX_AGE_SECONDS = -1  # every link is now older than its life
    assert anonymous.get(url).status_code == 404


@pytest.fixture
def two_partners(partner, other_partner):
    a = InstanceFactory(partner=partner, name="A 1")
    b = InstanceFactory(partner=other_partner, name="B 1")

    def message(instance, state):
        return Message.objects.create(
            instance=instance, direction=Direction.OUTBOUND, kind="text",
            chat_id="5511999990001", state=state, text="hi",
        )  # fmt: skip

    return {
        "a_queued": message(a, MessageState.QUEUED),
        "a_failed": message(a, MessageState.FAILED),
        "b_queued": message(b, MessageState.QUEUED),
        "b_failed": message(b, MessageState.FAILED),
    }


def _bulk(client: Client, action: str, messages: list[Message]):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [m.pk for m in messages]})


def test_a_partner_member_can_neither_cancel_nor_retry_in_bulk(partner, two_partners):
    member = MembershipFactory(partner=partner, role=Role.PARTNER_MEMBER).user
    client = _login(member)
    _bulk(client, "cancel_selected", [two_partners["a_queued"]])
    _bulk(client, "retry_selected", [two_partners["a_failed"]])
    states = {m.pk: m.state for m in Message.objects.all()}
    assert states[two_partners["a_queued"].pk] == MessageState.QUEUED
    assert states[two_partners["a_failed"].pk] == MessageState.FAILED


def test_bulk_actions_act_only_where_the_user_holds_the_role(partner, other_partner, two_partners):
    # Member at A, operator at B: may fix B's messages, not A's.
    user = MembershipFactory(partner=partner, role=Role.PARTNER_MEMBER).user
    MembershipFactory(partner=other_partner, role=Role.OPERATOR, user=user)
    client = _login(user)
    _bulk(client, "cancel_selected", [two_partners["a_queued"], two_partners["b_queued"]])
    _bulk(client, "retry_selected", [two_partners["a_failed"], two_partners["b_failed"]])
    states = {m.pk: m.state for m in Message.objects.all()}
    assert states[two_partners["a_queued"].pk] == MessageState.QUEUED
    assert states[two_partners["a_failed"].pk] == MessageState.FAILED
    assert states[two_partners["b_queued"].pk] == MessageState.CANCELLED
    assert states[two_partners["b_failed"].pk] == MessageState.QUEUED


@pytest.mark.parametrize("phone", [None, "5511/evil", ""])
def test_a_webhook_with_a_bad_phone_breaks_no_page(
    operator_client, connected, client, settings, phone
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data = {
        "type": "ReceivedCallback", "messageId": f"EVIL{phone}", "momment": 1700000000000,
        "fromMe": False, "text": {"message": "hi"},
    }  # fmt: skip
    if phone is not None:
        data["phone"] = phone
    from webhooks.models import WebhookEvent
    from webhooks.services import webhook_event_process

    post_event(client, connected, data)
    for event in WebhookEvent.objects.all():
        webhook_event_process(event_id=event.pk)
    assert not Message.objects.filter(chat_id__contains="/").exists()
    for url in (
        CHANGELIST,
        reverse("admin:messaging_compose", args=[connected.pk]),
        reverse("admin:messaging_queue") + f"?instance={connected.pk}",
    ):
        assert operator_client.get(url).status_code == 200, url


def test_a_stored_chat_id_with_a_slash_breaks_no_page(operator_client, connected):
    # Rows written before validation existed still render.
    Message.objects.create(
        instance=connected, direction=Direction.OUTBOUND, kind="text",
        chat_id="5511/evil", state=MessageState.QUEUED, text="hi",
    )  # fmt: skip
    for url in (
        CHANGELIST,
        reverse("admin:messaging_compose", args=[connected.pk]),
        reverse("admin:messaging_queue") + f"?instance={connected.pk}",
    ):
        assert operator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("chat_id", ["a@b/c", "1203/4-group", "x" * 101, "<script>@lid"])
def test_compose_refuses_a_chat_id_that_is_not_one(operator_client, connected, chat_id):
    response = operator_client.post(
        reverse("admin:messaging_compose", args=[connected.pk]),
        {"chat_id": chat_id, "kind": "text", "message": "hi"},
    )
    assert response.status_code == 200
    assert not Message.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_read(operator_client, connected, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    upload = SimpleUploadedFile("big.pdf", b"x" * 300_000, content_type="application/pdf")
    response = operator_client.post(
        reverse("admin:messaging_compose", args=[connected.pk]),
        {"chat_id": "5511999990001", "kind": "document", "upload": upload},
    )
    assert response.status_code == 413
    assert "largest upload" in response.content.decode()
    assert not Message.objects.exists()


def test_support_cannot_change_the_pace(partner, connected):
    support = MembershipFactory(partner=partner, role=Role.SUPPORT).user
    client = _login(support)
    response = client.post(
        reverse("admin:messaging_pace", args=[connected.pk]),
        {"min_gap_seconds": "0", "max_gap_seconds": "0", "daily_new_recipients": "100000"},
    )
    assert response.status_code == 403
    connected.pacer.refresh_from_db()
    assert connected.pacer.daily_new_recipients != 100000
    page = client.get(reverse("admin:messaging_queue") + f"?instance={connected.pk}")
    assert reverse("admin:messaging_pace", args=[connected.pk]) not in page.content.decode()
