"""Instance endpoints (spec 001, "Instance", spec 002): pairing, status, settings, webhooks."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from sandbox import services
from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from sandbox.models import SandboxInstance
from sandbox.qr import phone_code, qr_content, qr_png_base64
from sandbox.webhooks import webhook_url_error
from zapi.events import WEBHOOK_KINDS

State = SandboxInstance.State
ALREADY = {"connected": True, "error": "You are already connected."}


def _pairing_allowed(call: Call) -> dict[str, Any] | None:
    """None when a QR code may be shown; else the answer saying why not ("Instance > Get QR
    Code")."""
    instance = call.inst
    if instance.state == State.CONNECTED:
        return ALREADY
    if instance.state == State.BANNED:
        return {"connected": False, "error": "Number banned"}
    return None


@handles("qr_code", "qr_code_image")
def qr_code(call: Call) -> Answer:
    """``/qr-code``: the code's content, what a QR component renders; ``/qr-code/image``:
    a base64 PNG of it. Both rotate every 20 s (spec 002)."""
    blocked = _pairing_allowed(call)
    if blocked:
        return blocked
    services.instance_qr_session(instance=call.inst)
    content = qr_content(call.inst)
    return {"value": qr_png_base64(content) if call.endpoint.name == "qr_code_image" else content}


@handles("phone_code")
def phone_code_view(call: Call) -> Answer:
    blocked = _pairing_allowed(call)
    if blocked:
        return blocked
    phone = "".join(ch for ch in call.params["phone"] if ch.isdigit())
    if len(phone) < 8:
        raise ApiError(400, INVALID_REQUEST, field="phone")
    instance = services.instance_qr_session(instance=call.inst)
    code = phone_code(instance, phone)
    instance.data["phone_code"] = {"phone": phone, "code": code}
    instance.save(update_fields=["data"])
    return {"code": code}


@handles("status")
def status(call: Call) -> Answer:
    instance = call.inst
    if instance.state == State.CONNECTED:
        return {
            "connected": True,
            "error": "" if instance.smartphone_connected else "Smartphone not connected",
            "smartphoneConnected": instance.smartphone_connected,
        }
    error = "You are not connected."
    if instance.state == State.DISCONNECTED:
        error = "You need to restore the session."
    return {"connected": False, "error": error, "smartphoneConnected": False}


@handles("device")
def device(call: Call) -> Answer:
    instance = call.inst
    connected = instance.is_connected
    return {
        "phone": instance.phone if connected else "",
        "imgUrl": "",
        "name": instance.settings.get("profileName", instance.name) if connected else "",
        "device": {
            "sessionName": instance.settings.get("sessionName", "Z-API"),
            "device_model": "Z-API Sandbox",
        },
        "originalDevice": "smba" if instance.is_business else "android",
        "sessionId": instance.pk,
        "isBusiness": instance.is_business,
    }


def me_data(instance: SandboxInstance) -> dict[str, Any]:
    hooks = instance.webhooks
    settings = instance.settings
    due = int(instance.due.timestamp() * 1000) if instance.due else None
    return {
        "id": instance.zapi_id,
        "token": instance.token,
        "name": instance.name,
        "due": due,
        "connected": instance.is_connected,
        "paymentStatus": instance.payment_status,
        "created": instance.created_at.isoformat(),
        **{kind.callback_field: hooks.get(kind.name, "") for kind in WEBHOOK_KINDS},
        "receiveCallbackSentByMe": bool(settings.get("notifySentByMe", False)),
        "callRejectAuto": bool(settings.get("callRejectAuto", False)),
        "callRejectMessage": settings.get("callRejectMessage", ""),
        "autoReadMessage": bool(settings.get("autoReadMessage", False)),
        "initialDataCallbackUrl": "",
        "middleware": instance.middleware,
    }


@handles("me")
def me(call: Call) -> Answer:
    return me_data(call.inst)


@handles("restart")
def restart(call: Call) -> Answer:
    services.instance_restart(instance=call.inst)
    return {"value": True}


@handles("disconnect")
def disconnect(call: Call) -> Answer:
    services.instance_disconnect(instance=call.inst)
    return {"value": True}


# PUT {"value": ...} settings, by endpoint name: (settings key, expected type).
_SETTINGS: dict[str, tuple[str, type]] = {
    "update_auto_read_message": ("autoReadMessage", bool),
    "update_auto_read_status": ("autoReadStatus", bool),
    "update_call_reject_auto": ("callRejectAuto", bool),
    "update_call_reject_message": ("callRejectMessage", str),
    "update_profile_picture": ("profilePicture", str),
    "update_profile_name": ("profileName", str),
    "update_profile_description": ("profileDescription", str),
}


def _value(call: Call, kind: type) -> Any:
    data = call.data()
    if "value" not in data or not isinstance(data["value"], kind):
        raise ApiError(400, INVALID_REQUEST, field="value")
    return data["value"]


@handles(*_SETTINGS)
def update_setting(call: Call) -> Answer:
    key, kind = _SETTINGS[call.endpoint.name]
    services.instance_settings_update(instance=call.inst, **{key: _value(call, kind)})
    return {"value": True}


@handles("update_name")
def update_name(call: Call) -> Answer:
    name = str(_value(call, str)).strip()
    if not name:
        raise ApiError(400, INVALID_REQUEST, field="value")
    instance = call.inst
    instance.name = name[:120]
    instance.save(update_fields=["name"])
    return {"value": True}


def _url(call: Call) -> str:
    url = str(_value(call, str)).strip()
    error = webhook_url_error(url)
    if error:
        raise ApiError(400, error)
    return url


def _notify(call: Call) -> bool | None:
    value = call.data().get("notifySentByMe")
    if value is not None and not isinstance(value, bool):
        raise ApiError(400, INVALID_REQUEST, field="notifySentByMe")
    return value


@handles(*(kind.endpoint for kind in WEBHOOK_KINDS))
def update_webhook(call: Call) -> Answer:
    kind = next(k for k in WEBHOOK_KINDS if k.endpoint == call.endpoint.name)
    services.instance_webhooks_update(instance=call.inst, urls={kind.name: _url(call)})
    return {"value": True}


@handles("update_every_webhooks")
def update_every_webhooks(call: Call) -> Answer:
    url = _url(call)
    services.instance_webhooks_update(
        instance=call.inst,
        urls=services.every_kind(url),
        notify_sent_by_me=_notify(call),
    )
    return {"value": True}


@handles("update_notify_sent_by_me")
def update_notify_sent_by_me(call: Call) -> Answer:
    value = _notify(call)
    if value is None:
        raise ApiError(400, INVALID_REQUEST, field="notifySentByMe")
    services.instance_webhooks_update(instance=call.inst, urls={}, notify_sent_by_me=value)
    return {"value": True}


def text_ok() -> HttpResponse:
    """Subscribe and cancel answer 201 with a bare "OK" (spec 001, "Partners > Subscribing to an
    instance")."""
    return HttpResponse("OK", status=201, content_type="text/plain")
