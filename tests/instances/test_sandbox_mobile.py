"""The mobile registration wizard's steps against the sandbox over real HTTP (its magic
numbers: ...1111 asks a captcha, ...2222 has a PIN, ...0000 is banned)."""

from __future__ import annotations

import httpx
import pytest

from instances.services import (
    mobile_availability,
    mobile_captcha,
    mobile_confirm_code,
    mobile_confirm_pin,
    mobile_request_code,
    mobile_request_unbanning,
)

pytestmark = pytest.mark.django_db(transaction=True)


def sandbox_state(live_url, box) -> dict:
    url = f"{live_url}/sandbox/_control/instances/{box.zapi_id}/token/{box.token}/state"
    return httpx.get(url).json()


def test_code_then_pin(unpaired, live_url):
    ours, box = unpaired
    wizard, outcome = mobile_availability(instance=ours, ddi="55", phone="4499992222")
    assert outcome.ok and wizard.step == "method", outcome.text
    outcome = mobile_request_code(instance=ours, wizard=wizard, method="sms")
    assert outcome.ok and wizard.step == "code", outcome.text
    assert wizard.retry_after() >= 0
    code = sandbox_state(live_url, box)["mobile"]["code"]
    outcome = mobile_confirm_code(instance=ours, wizard=wizard, code=code)
    assert wizard.step == "pin", outcome.text
    outcome = mobile_confirm_pin(instance=ours, wizard=wizard, pin="123456")
    assert outcome.ok and wizard.step == "done", outcome.text


def test_captcha_before_the_code(unpaired, live_url):
    ours, box = unpaired
    wizard, _ = mobile_availability(instance=ours, ddi="55", phone="4499991111")
    mobile_request_code(instance=ours, wizard=wizard, method="voice")
    assert wizard.step == "captcha" and wizard.captcha_src().startswith("data:image/png")
    answer = sandbox_state(live_url, box)["mobile"]["captcha"]
    outcome = mobile_captcha(instance=ours, wizard=wizard, answer=answer)
    assert outcome.ok and wizard.step == "code", outcome.text


def test_banned_number_requests_unbanning(unpaired):
    ours, _box = unpaired
    wizard, outcome = mobile_availability(instance=ours, ddi="55", phone="4499990000")
    assert not outcome.ok and wizard.step == "banned" and wizard.appeal_token
    outcome = mobile_request_unbanning(instance=ours, wizard=wizard, description="Please")
    assert outcome.ok, outcome.text
    assert wizard.unban_status in ("IN_REVIEW", "UNBANNED")
