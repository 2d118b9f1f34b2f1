"""The one view behind every emulated route: method, credentials, faults, content type and
body are checked here, in that order, then the endpoint's handler answers.

Errors (spec 001, "Introduction" and each endpoint's 405/415/400 notes):

- wrong method on a known path: 405;
- unknown instance, or a token that does not match: 404 ``{"error": "Instance not found"}``;
- the account requires a ``Client-Token`` and it is missing or wrong: 400
  ``{"error": "null not allowed"}`` ("Introduction > Unregistered Token Behavior");
- partner and number-registration APIs without a valid Bearer token: 401;
- POST/PUT without ``Content-Type: application/json``: 415 (even when empty,
  "Mobile > Request confirmation code");
- a body that is not JSON, or lacks a documented field: 400.
"""

from __future__ import annotations

import hmac
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from sandbox.models import SandboxAccount, SandboxInstance
from zapi.endpoints import Endpoint

INVALID_REQUEST = "Invalid request. Check that the data you send matches the documentation."


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"error": error, **extra}
        self.headers = headers or {}


def not_connected() -> ApiError:
    # The text the client maps to NotConnectedError (spec 001, "Instance > Instance status").
    return ApiError(400, "You are not connected.")


@dataclass
class Call:
    request: HttpRequest
    endpoint: Endpoint
    params: dict[str, str]
    query: QueryDict
    body: Any = None
    instance: SandboxInstance | None = None
    account: SandboxAccount | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def inst(self) -> SandboxInstance:
        assert self.instance is not None
        return self.instance

    def data(self) -> dict[str, Any]:
        """The body as an object (400 if it is not one)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiError(400, INVALID_REQUEST)
        return self.body

    def require(self, *names: str) -> dict[str, Any]:
        """The body, with each of ``names`` present and non-empty (else 400)."""
        data = self.data()
        missing = [n for n in names if data.get(n) in (None, "", [])]
        if missing:
            raise ApiError(400, INVALID_REQUEST, missing=missing)
        return data

    def int_query(self, name: str, default: int, *, low: int = 1, high: int = 10_000) -> int:
        raw = self.query.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, INVALID_REQUEST, field=name) from None
        return min(max(value, low), high)


Answer = HttpResponse | dict[str, Any] | list[Any] | tuple[int, Any]
Handler = Callable[[Call], Answer]


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _account_by_bearer(request: HttpRequest) -> SandboxAccount:
    token = _bearer(request)
    account = SandboxAccount.objects.filter(integrator_token=token).first() if token else None
    if account is None:
        raise ApiError(401, "Unauthorized")
    return account


def _instance(params: dict[str, str]) -> SandboxInstance:
    instance = (
        SandboxInstance.objects.select_related("account")
        .filter(zapi_id=params.get("instanceId", ""))
        .first()
    )
    if instance is None or not _same(params.get("token"), instance.token):
        raise ApiError(404, "Instance not found")
    return instance


def _authenticate(call: Call) -> None:
    scope = call.endpoint.scope
    if scope == "instance":
        call.instance = _instance(call.params)
        account = call.instance.account
        required = account.client_token if account is not None else ""
        if required and not _same(call.request.headers.get("Client-Token"), required):
            raise ApiError(400, "null not allowed")
        call.account = account
        return
    call.account = _account_by_bearer(call.request)
    if "instanceId" in call.params:  # subscribe / cancel: the instance must be this partner's
        call.instance = _instance(call.params)
        if call.instance.account_id != call.account.pk:
            raise ApiError(404, "Instance not found")


def _faults(call: Call) -> None:
    instance = call.instance
    if instance is None or call.endpoint.scope != "instance":
        return
    latency = instance.fault("latency_ms")
    if latency > 0:
        time.sleep(latency / 1000)
    roll = random.random()
    if roll < instance.fault("error_share"):
        raise ApiError(500, "Internal Server Error (sandbox fault)")
    if random.random() < instance.fault("rate_limit_share"):
        raise ApiError(429, "Too Many Requests (sandbox fault)", headers={"Retry-After": "1"})


def _parse_body(call: Call) -> None:
    request = call.request
    if request.method in ("POST", "PUT"):
        content_type = request.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise ApiError(415, "Unsupported Media Type: send Content-Type: application/json")
    if not request.body:
        return
    try:
        call.body = json.loads(request.body)
    except ValueError:
        raise ApiError(400, INVALID_REQUEST) from None


def _respond(answer: Answer) -> HttpResponse:
    if isinstance(answer, HttpResponse):
        return answer
    status, body = answer if isinstance(answer, tuple) else (200, answer)
    return JsonResponse(body, status=status, safe=False)


@csrf_exempt
def endpoint_view(
    request: HttpRequest, *, routes: dict[str, Endpoint], **params: str
) -> HttpResponse:
    from sandbox.handlers import handler_for

    endpoint = routes.get(request.method or "")
    if endpoint is None:
        response = JsonResponse({"error": "Method Not Allowed"}, status=405)
        response["Allow"] = ", ".join(sorted(routes))
        return response
    call = Call(request=request, endpoint=endpoint, params=params, query=request.GET)
    try:
        _authenticate(call)
        _faults(call)
        _parse_body(call)
        with transaction.atomic():
            return _respond(handler_for(endpoint)(call))
    except ApiError as exc:
        response = JsonResponse(exc.body, status=exc.status)
        for key, value in exc.headers.items():
            response[key] = value
        return response


@csrf_exempt
def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /sandbox/: a JSON 404 (not the dashboard's login redirect)."""
    return JsonResponse({"error": "Not Found"}, status=404)
