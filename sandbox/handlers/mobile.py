"""Mobile instances: registering a number as the primary device (spec 001, "Mobile",
spec 000): registration-available, request code (captcha, wait times, retryAfter),
respond captcha, confirm code, PIN, unbanning.

Magic numbers make every branch reachable without a phone (shown on the console):

- a number ending in 0000 is banned (``blocked`` with an ``appealToken``);
- ending in 1111, the code request first answers a captcha;
- ending in 2222, the account has a PIN (two-step verification): 123456.

The code "sent" by SMS, voice or pop-up is on the console and in the control ``state``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from sandbox import services
from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from sandbox.models import SandboxInstance
from sandbox.qr import qr_png_base64
from zapi.clients.instance import REGISTRATION_METHODS

DEMO_PIN = "123456"


def _number(call: Call) -> str:
    # The example says "she" for "ddi" (a mistranslation, "Mobile > Check registration
    # availability"); both are read.
    data = call.data()
    ddi = str(data.get("ddi") or data.get("she") or "")
    phone = str(data.get("phone") or "")
    if not (ddi.isdigit() and phone.isdigit() and 8 <= len(ddi + phone) <= 15):
        raise ApiError(400, INVALID_REQUEST, field="phone")
    return ddi + phone


def _state(instance: SandboxInstance) -> dict[str, Any]:
    return instance.data.setdefault("mobile", {})


def _save(instance: SandboxInstance) -> None:
    instance.save(update_fields=["data"])


def appeal_token(number: str) -> str:
    return "Ae" + hashlib.sha256(f"appeal:{number}".encode()).hexdigest()


def _unbanned_at(instance: SandboxInstance, number: str) -> float | None:
    appeal = instance.data.get("appeals", {}).get(number)
    if not appeal:
        return None
    return float(appeal) + instance.timing("unban_review")


def is_banned(instance: SandboxInstance, number: str) -> bool:
    listed = number in instance.data.get("banned_numbers", []) or number.endswith("0000")
    unbanned = _unbanned_at(instance, number)
    return listed and not (unbanned is not None and unbanned <= time.time())


def _wait(state: dict[str, Any]) -> int:
    return max(0, int(float(state.get("next_request_at", 0)) - time.time() + 0.999))


def _waits(wait: int) -> dict[str, Any]:
    return {"smsWaitSeconds": wait, "voiceWaitSeconds": wait, "waOldWaitSeconds": wait}


@handles("mobile_registration_available")
def registration_available(call: Call) -> Answer:
    instance = call.inst
    number = _number(call)
    state = _state(instance)
    if state.get("number") != number:
        state.clear()
        state["number"] = number
    state["checked"] = True
    _save(instance)
    if is_banned(instance, number):
        return {"available": False, "blocked": True, "appealToken": appeal_token(number)}
    return {"available": True, **_waits(_wait(state)), "waOldEligible": True}


@handles("mobile_request_registration_code")
def request_code(call: Call) -> Answer:
    instance = call.inst
    number = _number(call)
    method = call.data().get("method")
    if method not in REGISTRATION_METHODS:
        raise ApiError(400, INVALID_REQUEST, field="method")
    state = _state(instance)
    if not state.get("checked") or state.get("number") != number:
        # "Mobile > Request confirmation code": checking availability first is mandatory.
        raise ApiError(400, INVALID_REQUEST, reason="check registration-available first")
    if is_banned(instance, number):
        return {"success": False, "blocked": True}
    wait = _wait(state)
    if wait:
        return {"success": False, "retryAfter": wait, **_waits(wait), "method": method}
    requests = int(state.get("requests", 0)) + 1
    # Each new request waits longer, as WhatsApp does.
    wait = int(instance.timing("code_wait") * requests)
    state.update(
        requests=requests,
        method=method,
        next_request_at=time.time() + wait,
        code=f"{secrets.randbelow(10**6):06d}",
        code_sent=True,
    )
    answer: dict[str, Any] = {"success": True, "retryAfter": wait, **_waits(wait)}
    if number.endswith("1111") and not state.get("captcha_solved"):
        state["captcha"] = f"{secrets.randbelow(10**6):06d}"
        state["code_sent"] = False
        answer.update(success=False, captcha=qr_png_base64(state["captcha"], scale=4))
    _save(instance)
    return {**answer, "method": method}


@handles("mobile_respond_captcha")
def respond_captcha(call: Call) -> Answer:
    instance = call.inst
    state = _state(instance)
    if not state.get("captcha"):
        raise ApiError(400, INVALID_REQUEST, reason="no captcha to answer")
    if str(call.require("captcha")["captcha"]) != state["captcha"]:
        return {"success": False}
    state.update(captcha=None, captcha_solved=True, code_sent=True)
    _save(instance)
    return {"success": True}


def _connect(instance: SandboxInstance, number: str) -> None:
    instance.data.pop("mobile", None)
    instance.middleware = "mobile"
    instance.save(update_fields=["data", "middleware"])
    services.instance_connect(instance=instance, phone=number)


@handles("mobile_confirm_registration_code")
def confirm_code(call: Call) -> Answer:
    instance = call.inst
    state = _state(instance)
    if not state.get("code_sent"):
        raise ApiError(400, INVALID_REQUEST, reason="request a code first")
    code = str(call.require("code")["code"]).replace("-", "").strip()
    if code != state["code"]:
        return {"success": False}
    number = str(state["number"])
    if number.endswith("2222"):
        state["awaiting_pin"] = True
        _save(instance)
        return {"success": False, "confirmSecurityCode": True}
    _connect(instance, number)
    return {"success": True}


@handles("mobile_confirm_pin_code")
def confirm_pin(call: Call) -> Answer:
    instance = call.inst
    state = _state(instance)
    if not state.get("awaiting_pin"):
        raise ApiError(400, INVALID_REQUEST, reason="no PIN is asked for")
    if str(call.require("code")["code"]) != DEMO_PIN:
        return {"success": False}
    _connect(instance, str(state["number"]))
    return {"success": True}


@handles("mobile_request_unbanning")
def request_unbanning(call: Call) -> Answer:
    instance = call.inst
    data = call.require("appealToken", "description")
    number = str(_state(instance).get("number") or instance.phone)
    if data["appealToken"] != appeal_token(number):
        raise ApiError(400, INVALID_REQUEST, field="appealToken")
    appeals = instance.data.setdefault("appeals", {})
    appeals.setdefault(number, time.time())
    _save(instance)
    unbanned = not is_banned(instance, number)
    return {"success": True, "status": "UNBANNED" if unbanned else "IN_REVIEW"}


@handles("mobile_recovery_pin_code")
def recovery_pin(call: Call) -> Answer:
    return {"success": True}
