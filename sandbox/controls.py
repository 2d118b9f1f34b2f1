"""Simulation controls: sandbox-only URLs under ``/sandbox/_control/`` that play the phone
and its contacts. Each needs the instance's id and token in the path, like the API itself.

    POST _control/instances/{id}/token/{token}/scan         {"phone"?}
    POST .../phone                                          {"online": bool}
    POST .../disconnect | ban | unban
    POST .../inbound        {"phone", "kind", "text"?, "senderName"?, "content"?}
    POST .../presence                                       {"phone", "status"}
    POST .../tune                                           {"timings"?: {...}, "faults"?: {...}}
    GET  .../state
    GET  _control/numbers   (Authorization: Bearer <integrator token>): spec 003 codes
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import sending, services
from sandbox.api import _instance
from sandbox.inbound import INBOUND_KINDS, inbound_content
from sandbox.models import DEFAULT_FAULTS, DEFAULT_TIMINGS, SandboxInstance
from sandbox.qr import qr_content

# PresenceChatCallback statuses (spec 001, "Webhooks > Status do chat", PAUSED among them).
PRESENCE_STATUSES = ("UNAVAILABLE", "AVAILABLE", "COMPOSING", "PAUSED", "RECORDING")


class ControlError(Exception):
    pass


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ControlError("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _numbers(values: Any, allowed: dict[str, float]) -> dict[str, float]:
    if not isinstance(values, dict):
        raise ControlError("expected an object")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ControlError(f"unknown keys: {', '.join(unknown)}")
    try:
        return {k: float(v) for k, v in values.items()}
    except (TypeError, ValueError):
        raise ControlError("values must be numbers") from None


def state_of(instance: SandboxInstance) -> dict[str, Any]:
    instance.refresh_from_db()
    waiting = instance.state in (
        SandboxInstance.State.WAITING_QR,
        SandboxInstance.State.DISCONNECTED,
    )
    return {
        "id": instance.zapi_id,
        "name": instance.name,
        "state": instance.state,
        "phone": instance.phone,
        "smartphoneConnected": instance.smartphone_connected,
        "qr": qr_content(instance) if waiting else None,
        "phoneCode": instance.data.get("phone_code"),
        "mobile": instance.data.get("mobile", {}),
        "queued": sending.queued(instance).count(),
        "webhooks": instance.webhooks,
        "timings": {**DEFAULT_TIMINGS, **instance.timings},
        "faults": {**DEFAULT_FAULTS, **instance.faults},
    }


def _scan(instance: SandboxInstance, data: dict[str, Any]) -> Any:
    return services.instance_scan(instance=instance, phone=str(data.get("phone") or ""))


def _phone(instance: SandboxInstance, data: dict[str, Any]) -> Any:
    if not isinstance(data.get("online"), bool):
        raise ControlError("online must be true or false")
    return services.instance_phone_online(instance=instance, online=data["online"])


def _inbound(instance: SandboxInstance, data: dict[str, Any]) -> Any:
    phone = str(data.get("phone") or "")
    if not phone:
        raise ControlError("phone is required")
    kind = str(data.get("kind") or "text")
    content = data.get("content")
    if content is None:
        if kind not in INBOUND_KINDS:
            raise ControlError(f"kind must be one of {', '.join(INBOUND_KINDS)}")
        content = inbound_content(kind, str(data.get("text") or ""), phone)
    if not isinstance(content, dict):
        raise ControlError("content must be an object")
    return services.inbound_message(
        instance=instance,
        phone=phone,
        content=content,
        sender_name=str(data.get("senderName") or ""),
    )


def _presence(instance: SandboxInstance, data: dict[str, Any]) -> Any:
    status = str(data.get("status") or "")
    if status not in PRESENCE_STATUSES or not data.get("phone"):
        raise ControlError(f"phone and status ({', '.join(PRESENCE_STATUSES)}) are required")
    return services.inbound_presence(instance=instance, phone=str(data["phone"]), status=status)


def _tune(instance: SandboxInstance, data: dict[str, Any]) -> Any:
    return services.instance_tune(
        instance=instance,
        timings=_numbers(data.get("timings", {}), DEFAULT_TIMINGS),
        faults=_numbers(data.get("faults", {}), DEFAULT_FAULTS),
    )


ACTIONS: dict[str, Callable[[SandboxInstance, dict[str, Any]], Any]] = {
    "scan": _scan,
    "phone": _phone,
    "disconnect": lambda i, d: services.instance_disconnect(instance=i),
    "ban": lambda i, d: services.instance_ban(instance=i),
    "unban": lambda i, d: services.instance_unban(instance=i),
    "inbound": _inbound,
    "presence": _presence,
    "tune": _tune,
}


@csrf_exempt
@require_http_methods(["GET"])
def numbers_view(request: HttpRequest) -> HttpResponse:
    """The codes the number-registration API "sent" (spec 003), for the account whose
    Bearer token is given."""
    from sandbox.api import ApiError, _account_by_bearer

    try:
        account = _account_by_bearer(request)
    except ApiError as exc:
        return JsonResponse(exc.body, status=exc.status)
    rows = [
        {
            "whatsapp": n.whatsapp,
            "code": n.code,
            "codeRequests": n.code_requests,
            "verified": n.verified_at is not None,
            "expiresAt": int(n.expires_at.timestamp()) if n.expires_at else None,
        }
        for n in account.numbers.all()
    ]
    return JsonResponse({"numbers": rows})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control_view(request: HttpRequest, instanceId: str, token: str, action: str) -> HttpResponse:
    from sandbox.api import ApiError

    try:
        instance = _instance({"instanceId": instanceId, "token": token})
    except ApiError as exc:
        return JsonResponse(exc.body, status=exc.status)
    if action == "state":
        return JsonResponse(state_of(instance))
    handler = ACTIONS.get(action)
    if handler is None:
        return JsonResponse({"error": f"unknown control {action}"}, status=404)
    if request.method != "POST":
        return JsonResponse({"error": "Method Not Allowed"}, status=405)
    try:
        result = handler(instance, _body(request))
    except ControlError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    answer = state_of(instance)
    if isinstance(result, dict):
        answer["event"] = result
    return JsonResponse(answer)
