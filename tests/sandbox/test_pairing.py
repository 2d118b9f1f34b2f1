"""Pairing and instance state without a worker: QR codes rotating every 20 s, the phone
code, status, device, me, restart and disconnect (spec 001, "Instance", spec 002)."""

from __future__ import annotations

import base64
import time

import pytest

from sandbox.models import SandboxWebhook
from sandbox.qr import qr_content
from sandbox.services import instance_scan
from tests.sandbox.conftest import client_for

pytestmark = pytest.mark.django_db


def test_qr_code_changes_every_twenty_seconds(sbx_new):
    start = (time.time() // 20) * 20
    assert qr_content(sbx_new, start + 1) == qr_content(sbx_new, start + 19)
    assert qr_content(sbx_new, start + 19) != qr_content(sbx_new, start + 21)


def test_qr_code_ttl_is_configurable(sbx_new):
    sbx_new.timings["qr_ttl"] = 1
    start = float(int(time.time()))
    assert qr_content(sbx_new, start + 0.1) != qr_content(sbx_new, start + 1.1)


def test_qr_code_bytes_and_image_carry_the_same_code(sbx_new, wsgi_http):
    client = client_for(sbx_new, wsgi_http)
    content = client.qr_code()
    assert content.startswith(b'{"value": "2@')
    image = client.qr_code_image().value
    png = base64.b64decode(image.removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 500


def test_no_qr_code_once_connected(zc):
    assert zc.call("qr_code_image") == {"connected": True, "error": "You are already connected."}


def test_phone_code_then_the_phone_types_it(sbx_new, wsgi_http):
    client = client_for(sbx_new, wsgi_http)
    code = client.phone_code("5511912345678").code
    assert len(code) == 9 and code[4] == "-"
    instance_scan(instance=sbx_new)  # scan_connect 0 in FAST: connected at once
    device = client.device()
    assert device.phone == "5511912345678"


def test_status_device_and_me_follow_the_lifecycle(sbx_new, wsgi_http):
    client = client_for(sbx_new, wsgi_http)
    assert client.status().error == "You are not connected."
    assert client.device().phone == ""
    instance_scan(instance=sbx_new, phone="5511900000009")
    assert client.status().model_dump(include={"connected", "smartphoneConnected"}) == {
        "connected": True,
        "smartphoneConnected": True,
    }
    me = client.me()
    assert (me.id, me.connected, me.name) == (sbx_new.zapi_id, True, "New")
    assert client.restart().value is True
    # Restarting keeps the session ("Instance > Restart instance")
    assert client.status().connected is True
    assert client.disconnect().value is True
    status = client.status()
    assert (status.connected, status.error) == (False, "You need to restore the session.")


def test_scan_emits_connected_and_disconnect_emits_disconnected(sbx_new, wsgi_http):
    client = client_for(sbx_new, wsgi_http)
    client.update_every_webhooks("https://hooks.example.com/all")
    instance_scan(instance=sbx_new, phone="5511900000009")
    client.disconnect()
    kinds = list(SandboxWebhook.objects.values_list("kind", flat=True))
    assert kinds == ["ConnectedCallback", "DisconnectedCallback"]
    connected, disconnected = (w.payload for w in SandboxWebhook.objects.all())
    assert connected["phone"] == "5511900000009" and connected["connected"] is True
    assert disconnected["disconnected"] is True and disconnected["momment"] >= connected["momment"]


def test_settings_show_in_me(zc):
    zc.update_call_reject_auto(True)
    zc.update_call_reject_message("Busy")
    zc.update_auto_read_message(True)
    zc.update_name("Renamed")
    zc.update_notify_sent_by_me(True)
    me = zc.me()
    assert (me.callRejectAuto, me.callRejectMessage, me.autoReadMessage) == (True, "Busy", True)
    assert (me.name, me.receiveCallbackSentByMe) == ("Renamed", True)


def test_each_webhook_kind_goes_to_its_own_url(zc):
    from zapi.events import WEBHOOK_KINDS

    for kind in WEBHOOK_KINDS:
        zc.update_webhook(kind.name, f"https://hooks.example.com/{kind.slug}")
    me = zc.me()
    assert {kind.slug: getattr(me, kind.callback_field) for kind in WEBHOOK_KINDS} == {
        kind.slug: f"https://hooks.example.com/{kind.slug}" for kind in WEBHOOK_KINDS
    }


def test_plain_http_webhooks_only_for_local_urls(zc):
    from zapi import ValidationError

    zc.update_every_webhooks("http://127.0.0.1:8000/webhooks/1/x/")
    zc.update_every_webhooks("http://web:8000/webhooks/1/x/")
    with pytest.raises(ValidationError):
        zc.update_every_webhooks("http://example.com/hook")


def test_notify_sent_by_me_echoes_sent_messages(zc, sbx):
    from sandbox.sending import queue_tick

    zc.update_every_webhooks("https://hooks.example.com/all", notify_sent_by_me=True)
    sent = zc.send("send_text", phone="5511988887777", message="echo")
    queue_tick(instance_id=sbx.pk)
    echo = SandboxWebhook.objects.get(kind="ReceivedCallback").payload
    assert (echo["fromMe"], echo["fromApi"], echo["messageId"]) == (True, True, sent.messageId)
    assert echo["text"] == {"message": "echo"}
