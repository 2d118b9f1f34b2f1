"""The mobile registration wizard, step by step, against the in-memory Z-API."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def post(client, instance, **data):
    url = reverse("admin:instances_instance_mobile", args=[instance.pk])
    return client.post(url, data, follow=True)


def wizard(client, instance):
    return client.session[f"instances:mobile:{instance.pk}"]


def test_happy_path_with_captcha_and_pin(operator_client, instance, fake_zapi):
    fake_zapi.routes["POST /mobile/registration-available"] = lambda r, b: {
        "available": True, "smsWaitSeconds": 0, "voiceWaitSeconds": 30, "waOldWaitSeconds": 0,
        "waOldEligible": False,
    }  # fmt: skip
    fake_zapi.routes["POST /mobile/request-registration-code"] = lambda r, b: {
        "success": True, "captcha": "iVBORw0KGgo=", "retryAfter": 165, "smsWaitSeconds": 125,
        "voiceWaitSeconds": 125, "waOldWaitSeconds": 125, "method": "sms",
    }  # fmt: skip
    fake_zapi.routes["POST /mobile/confirm-registration-code"] = lambda r, b: {
        "success": False, "confirmSecurityCode": True,
    }  # fmt: skip
    fake_zapi.routes["POST /mobile/confirm-pin-code"] = lambda r, b: {"success": True}

    body = post(operator_client, instance, step="availability", ddi="55", phone="44 9999-9999")
    assert "Voice call — wait 30 s" in body.content.decode()
    assert "wa_old" in body.content.decode() and "not available" in body.content.decode()
    body = post(operator_client, instance, step="request", method="sms").content.decode()
    assert wizard(operator_client, instance)["step"] == "captcha"
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in body
    body = post(operator_client, instance, step="captcha", captcha="x7k2").content.decode()
    assert wizard(operator_client, instance)["step"] == "code"
    assert 'data-seconds="16' in body  # the retryAfter countdown (165 s, a second or so less)
    assert "Request another code" in body
    post(operator_client, instance, step="code", code="123-456")
    assert wizard(operator_client, instance)["step"] == "pin"
    body = post(operator_client, instance, step="pin", pin="9876").content.decode()
    assert wizard(operator_client, instance)["step"] == "done"
    assert "The number is registered" in body
    import json

    sent = json.loads(fake_zapi.calls("/mobile/request-registration-code")[0].read())
    assert sent == {"ddi": "55", "phone": "4499999999", "method": "sms"}
    assert json.loads(fake_zapi.calls("/mobile/confirm-registration-code")[0].read()) == {
        "code": "123456"
    }


def test_a_second_code_request_before_retry_after_is_refused_here(
    operator_client, instance, fake_zapi
):
    fake_zapi.routes["POST /mobile/registration-available"] = lambda r, b: {"available": True}
    fake_zapi.routes["POST /mobile/request-registration-code"] = lambda r, b: {
        "success": True, "retryAfter": 165, "method": "sms",
    }  # fmt: skip
    post(operator_client, instance, step="availability", ddi="55", phone="4499999999")
    post(operator_client, instance, step="request", method="sms")
    body = post(operator_client, instance, step="request", method="voice").content.decode()
    assert "before asking for another code" in body
    assert len(fake_zapi.calls("/mobile/request-registration-code")) == 1


def test_banned_number_may_request_unbanning(operator_client, instance, fake_zapi):
    fake_zapi.routes["POST /mobile/registration-available"] = lambda r, b: {
        "available": False, "blocked": True, "appealToken": "APPEAL-1",
    }  # fmt: skip
    fake_zapi.routes["POST /mobile/request-unbanning"] = lambda r, b: {
        "success": True, "status": "IN_REVIEW",
    }  # fmt: skip
    body = post(operator_client, instance, step="availability", ddi="55", phone="4499999999")
    assert "banned" in body.content.decode()
    body = post(operator_client, instance, step="unban", description="I did nothing wrong")
    assert "IN_REVIEW" in body.content.decode()
    import json

    sent = json.loads(fake_zapi.calls("/mobile/request-unbanning")[0].read())
    assert sent == {"appealToken": "APPEAL-1", "description": "I did nothing wrong"}


def test_blocked_at_code_request_has_no_appeal(operator_client, instance, fake_zapi):
    fake_zapi.routes["POST /mobile/registration-available"] = lambda r, b: {"available": True}
    fake_zapi.routes["POST /mobile/request-registration-code"] = lambda r, b: {
        "success": False, "blocked": True,
    }  # fmt: skip
    post(operator_client, instance, step="availability", ddi="55", phone="4499999999")
    body = post(operator_client, instance, step="request", method="sms").content.decode()
    assert "cannot be appealed" in body
