"""Overview, settings, profile, webhooks, restart and disconnect: each says what Z-API said."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse

from instances.models import ConnectionState, InstanceNotice

pytestmark = pytest.mark.django_db


def url(name, instance):
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_refresh_stores_me_and_device_without_the_token(operator_client, instance, fake_zapi):
    fake_zapi.me = {"paymentStatus": "paid", "due": 1_900_000_000_000, "autoReadMessage": True}
    response = operator_client.post(url("refresh", instance), follow=True)
    body = response.content.decode()
    instance.refresh_from_db()
    assert instance.settings_snapshot["device"]["phone"] == "5544999999999"
    assert "token" not in instance.settings_snapshot["me"]
    assert "SHOULD-NOT-LEAK" not in body
    assert instance.payment_status == "paid" and instance.due_date.year == 2030
    assert "Refreshed from Z-API" in body and "5544999999999" in body


def test_rename_at_zapi_and_here(operator_client, instance, fake_zapi):
    operator_client.post(url("rename", instance), {"name": "Support BR"})
    instance.refresh_from_db()
    assert instance.name == "Support BR"
    request = fake_zapi.calls("/update-name", "PUT")[0]
    assert request.read() == b'{"value":"Support BR"}'


def test_rename_refused_by_zapi_keeps_the_name_and_says_why(operator_client, instance, fake_zapi):
    fake_zapi.routes["PUT /update-name"] = lambda r, b: httpx.Response(
        400, json={"error": "invalid name"}
    )
    response = operator_client.post(url("rename", instance), {"name": "X"}, follow=True)
    instance.refresh_from_db()
    assert instance.name == "Sales 1"
    assert "invalid name" in response.content.decode()


def test_settings_send_one_call_each_and_say_it_in_words(operator_client, instance, fake_zapi):
    response = operator_client.post(
        url("settings", instance),
        {"auto_read_message": "on", "call_reject_auto": "on", "call_reject_message": "Busy"},
        follow=True,
    )
    assert fake_zapi.calls("/update-auto-read-message")[0].read() == b'{"value":true}'
    assert fake_zapi.calls("/update-auto-read-status")[0].read() == b'{"value":false}'
    assert fake_zapi.calls("/update-call-reject-auto")[0].read() == b'{"value":true}'
    assert fake_zapi.calls("/update-call-reject-message")[0].read() == b'{"value":"Busy"}'
    body = response.content.decode()
    assert "Auto-read: turned on" in body and "Call reject message: saved" in body
    assert "Z-API answered" not in body and "<summary>details</summary>" in body
    instance.refresh_from_db()
    assert instance.settings_snapshot["me"]["callRejectMessage"] == "Busy"


def test_saving_one_setting_sends_only_what_changed(operator_client, instance, fake_zapi):
    instance.settings_snapshot = {
        "me": {"autoReadMessage": False, "autoReadStatus": False, "callRejectAuto": True,
               "callRejectMessage": "Busy"}
    }  # fmt: skip
    instance.save(update_fields=["settings_snapshot"])
    operator_client.post(
        url("settings", instance),
        {"auto_read_message": "on", "call_reject_auto": "on", "call_reject_message": "Busy"},
    )
    sent = [r.url.path.rsplit("/", 1)[-1] for r in fake_zapi.requests]
    assert sent == ["update-auto-read-message"]
    response = operator_client.post(
        url("settings", instance),
        {"auto_read_message": "on", "call_reject_auto": "on", "call_reject_message": "Busy"},
        follow=True,
    )
    assert len(fake_zapi.requests) == 1  # nothing changed: nothing sent
    assert "Nothing changed." in response.content.decode()


def test_a_refused_setting_says_so_in_words(operator_client, instance, fake_zapi):
    fake_zapi.routes["PUT /update-auto-read-message"] = lambda r, b: {"value": False}
    response = operator_client.post(
        url("settings", instance), {"auto_read_message": "on"}, follow=True
    )
    body = response.content.decode()
    assert "Auto-read: Z-API did not accept it." in body
    assert "Z-API answered" not in body


def test_profile_skips_blank_fields(operator_client, instance, fake_zapi):
    operator_client.post(url("profile", instance), {"description": "We sell"})
    assert fake_zapi.calls("/profile-description")
    assert not fake_zapi.calls("/profile-name") and not fake_zapi.calls("/profile-picture")


def test_point_webhooks_here_then_show_what_zapi_has(operator_client, instance, fake_zapi):
    response = operator_client.post(
        url("webhooks", instance), {"notify_sent_by_me": "on"}, follow=True
    )
    body = response.content.decode()
    sent = fake_zapi.calls("/update-every-webhooks", "PUT")[0]
    import json

    assert json.loads(sent.read()) == {"value": instance.webhook_url, "notifySentByMe": True}
    assert "Every webhook now points at this dashboard" in body
    assert body.count("badge-ok") >= 6  # every row says "here"
    # Z-API got the secret; the page shows it masked, even to the operator who pointed it.
    assert str(instance.webhook_secret) not in body
    assert instance.webhook_url_masked in body


def test_restart_needs_a_confirmation(operator_client, instance, fake_zapi):
    page = operator_client.get(url("restart", instance)).content.decode()
    assert "Restart the instance?" in page and not fake_zapi.calls("/restart")
    response = operator_client.post(url("restart", instance), follow=True)
    assert fake_zapi.calls("/restart")
    assert "Restart: Z-API is restarting the instance." in response.content.decode()


def test_disconnect_marks_disconnected(operator_client, instance, fake_zapi):
    instance.connection_state = ConnectionState.CONNECTED
    instance.save()
    operator_client.post(url("disconnect", instance))
    assert fake_zapi.calls("/disconnect")
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.DISCONNECTED
    assert InstanceNotice.objects.filter(instance=instance).exists()


def test_transport_error_is_shown_as_an_admin_message(operator_client, instance, fake_zapi):
    def refuse(request, body):
        raise httpx.ConnectError("connection refused", request=request)

    fake_zapi.routes["GET /restart"] = refuse
    response = operator_client.post(url("restart", instance), follow=True)
    body = response.content.decode()
    assert "NeverSent" in body and "connection refused" in body
    assert str(instance.token) not in body


def test_add_an_instance_you_already_have_then_land_on_its_page(operator_client, partner):
    from instances.models import Instance

    response = operator_client.post(
        reverse("admin:instances_instance_add"),
        {"partner": partner.pk, "zapi_id": "3C0FFEE", "token": "TOK123456789ABCDEF",
         "client_token": "", "name": "Imported", "phone": ""},
    )  # fmt: skip
    instance = Instance.objects.get(zapi_id="3C0FFEE")
    assert response.status_code == 302
    assert response["Location"] == url("overview", instance)
    assert str(instance.token) == "TOK123456789ABCDEF"
    page = operator_client.get(url("overview", instance)).content.decode()
    assert "TOK123456789ABCDEF" not in page


def test_sensitive_instance_actions_leave_audit_rows(
    operator_client, operator, instance, fake_zapi
):
    from audit.models import AuditAction, AuditEntry

    operator_client.post(url("restart", instance))
    operator_client.post(url("disconnect", instance))
    operator_client.post(url("webhooks", instance), {"notify_sent_by_me": "on"})
    operator_client.post(url("queue_clear", instance), {"confirm": "yes"})
    rows = AuditEntry.objects.filter(instance=instance).order_by("at")
    assert [row.action for row in rows] == [
        AuditAction.INSTANCE_RESTART,
        AuditAction.INSTANCE_DISCONNECT,
        AuditAction.INSTANCE_WEBHOOKS,
        AuditAction.ZAPI_QUEUE_DELETE,
    ]
    assert {row.actor for row in rows} == {operator}
    assert all(row.partner_id == instance.partner_id for row in rows)
    # What Z-API said is kept in words, and our webhook secret never.
    assert all(row.details["said"] for row in rows)
    assert str(instance.webhook_secret) not in str([row.details for row in rows])
