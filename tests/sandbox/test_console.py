"""The console page in the dashboard: staff only, shows the state, runs the controls."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.models import SandboxWebhook

pytestmark = pytest.mark.django_db


def _url(instance, live: bool = False) -> str:
    name = "admin:sandbox_console_live" if live else "admin:sandbox_console"
    return reverse(name, args=[instance.pk])


def test_staff_sees_the_qr_code_of_an_instance_waiting_for_a_scan(staff_client, sbx_new):
    response = staff_client.get(_url(sbx_new))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and sbx_new.zapi_id in body
    assert sbx_new.token not in body  # masked


def test_an_operator_of_a_partner_may_not_open_it(operator_client, sbx):
    response = operator_client.get(_url(sbx))
    assert response.status_code in (302, 403)


def test_scan_from_the_console_connects(staff_client, sbx_new):
    response = staff_client.post(_url(sbx_new), {"action": "scan", "phone": "5511900000001"})
    assert response.status_code == 302
    sbx_new.refresh_from_db()
    assert (sbx_new.state, sbx_new.phone) == ("connected", "5511900000001")


def test_inbound_message_from_the_console(staff_client, sbx):
    sbx.webhooks = {"received": "https://hooks.example.com/r"}
    sbx.save()
    staff_client.post(
        _url(sbx), {"action": "inbound", "phone": "5511977776666", "kind": "image", "text": "look"}
    )
    hook = SandboxWebhook.objects.get()
    assert hook.payload["image"]["caption"] == "look"


def test_faults_from_the_console(staff_client, sbx):
    staff_client.post(_url(sbx), {"action": "tune", "error_share": "0.5", "gap_min": "2"})
    sbx.refresh_from_db()
    assert sbx.faults == {"error_share": 0.5}
    assert sbx.timings["gap_min"] == 2.0


def test_a_bad_control_shows_an_error(staff_client, sbx):
    response = staff_client.post(
        _url(sbx), {"action": "presence", "phone": "1", "status": "NOPE"}, follow=True
    )
    assert "required" in response.content.decode()


def test_live_panel_refreshes_alone(staff_client, sbx):
    response = staff_client.get(_url(sbx, live=True))
    assert response.status_code == 200
    assert 'hx-trigger="every 3s"' in response.content.decode()


def test_changelist_links_to_the_console(staff_client, sbx):
    response = staff_client.get(reverse("admin:sandbox_sandboxinstance_changelist"))
    assert _url(sbx) in response.content.decode()


def test_webhook_hint_asks_for_urls_only_when_none_are_set(staff_client, sbx):
    hint = "Set the webhook URLs with update-every-webhooks."
    assert hint in staff_client.get(_url(sbx, live=True)).content.decode()
    sbx.webhooks = {"received": "http://127.0.0.1:9/hook"}
    sbx.save(update_fields=["webhooks"])
    body = staff_client.get(_url(sbx, live=True)).content.decode()
    assert hint not in body and "None yet." in body
