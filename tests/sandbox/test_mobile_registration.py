"""Mobile registration (spec 001, "Mobile", spec 000) with the real InstanceClient."""

from __future__ import annotations

import time

import pytest

from sandbox.handlers.mobile import appeal_token
from sandbox.models import SandboxWebhook
from tests.sandbox.conftest import client_for
from zapi import ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def mc(sbx_new, wsgi_http):
    sbx_new.timings = {**sbx_new.timings, "code_wait": 60, "unban_review": 0.2}
    sbx_new.webhooks = {"connected": "https://hooks.example.com/c"}
    sbx_new.save()
    return client_for(sbx_new, wsgi_http)


def _code(instance) -> str:
    instance.refresh_from_db()
    return instance.data["mobile"]["code"]


def test_register_a_number_and_connect(mc, sbx_new):
    available = mc.mobile_registration_available("55", "4499990001")
    assert available.available is True and available.smsWaitSeconds == 0
    requested = mc.mobile_request_registration_code("55", "4499990001", "sms")
    assert requested.success is True and requested.retryAfter == 60
    assert (
        mc.mobile_confirm_registration_code("000000" if _code(sbx_new) != "000000" else "1").success
        is False
    )
    assert mc.mobile_confirm_registration_code(_code(sbx_new)).success is True
    status = mc.status()
    assert status.connected is True
    assert mc.device().phone == "554499990001"
    assert SandboxWebhook.objects.filter(kind="ConnectedCallback").count() == 1


def test_request_code_needs_the_availability_check_first(mc):
    with pytest.raises(ValidationError):
        mc.mobile_request_registration_code("55", "4499990001", "sms")


def test_a_second_request_must_wait_retry_after(mc):
    mc.mobile_registration_available("55", "4499990001")
    mc.mobile_request_registration_code("55", "4499990001", "voice")
    again = mc.mobile_request_registration_code("55", "4499990001", "sms")
    assert again.success is False
    assert 55 <= again.retryAfter <= 60 and again.voiceWaitSeconds == again.retryAfter
    assert mc.mobile_registration_available("55", "4499990001").smsWaitSeconds > 0


def test_captcha_then_code(mc, sbx_new):
    mc.mobile_registration_available("55", "4499991111")
    requested = mc.mobile_request_registration_code("55", "4499991111", "sms")
    assert requested.success is False and requested.captcha.startswith("data:image/png;base64,")
    assert mc.mobile_respond_captcha("999999x").success is False
    sbx_new.refresh_from_db()
    assert mc.mobile_respond_captcha(sbx_new.data["mobile"]["captcha"]).success is True
    assert mc.mobile_confirm_registration_code(_code(sbx_new)).success is True


def test_pin_is_asked_for_then_connects(mc, sbx_new):
    mc.mobile_registration_available("55", "4499992222")
    mc.mobile_request_registration_code("55", "4499992222", "sms")
    answer = mc.call("mobile_confirm_registration_code", json={"code": _code(sbx_new)})
    assert answer == {"success": False, "confirmSecurityCode": True}
    assert mc.mobile_confirm_pin_code("000000").success is False
    assert mc.mobile_confirm_pin_code("123456").success is True
    assert mc.status().connected is True


def test_banned_number_and_unbanning(mc):
    banned = mc.mobile_registration_available("55", "4499990000")
    assert (banned.available, banned.blocked) == (False, True)
    assert banned.appealToken == appeal_token("554499990000")
    first = mc.call(
        "mobile_request_unbanning",
        json={"appealToken": banned.appealToken, "description": "I was chatting"},
    )
    assert first == {"success": True, "status": "IN_REVIEW"}
    time.sleep(0.3)
    again = mc.mobile_request_unbanning(banned.appealToken, "I was chatting")
    assert again.model_extra["status"] == "UNBANNED"
    assert mc.mobile_registration_available("55", "4499990000").available is True


def test_banned_number_cannot_request_a_code(mc, sbx_new):
    sbx_new.data["mobile"] = {"number": "554499990000", "checked": True}
    sbx_new.save()
    answer = mc.mobile_request_registration_code("55", "4499990000", "sms")
    assert (answer.success, answer.blocked) == (False, True)


def test_wrong_appeal_token_is_400(mc):
    mc.mobile_registration_available("55", "4499990000")
    with pytest.raises(ValidationError):
        mc.mobile_request_unbanning("nope", "please")
