"""The webhook receiver (docs/architecture.md, "Inbound").

Bound the body, check the secret, store the raw event, answer at once; Celery processes it.
Z-API retries nothing it is not told to, so the only answers that may drop an event are the
ones that say so: a 5xx when the database cannot store it.

A well-formed event is stored by one statement that also checks the secret
(``webhook_event_receive(secret=...)``); every other answer (404, 413, 415, 400) checks the
secret first on its own, so a wrong secret is a 404 whatever the body, and nothing of a
wrong-secret request is kept.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any, NamedTuple

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webhooks.middleware import machine_endpoint
from webhooks.services import (
    WebhookSecretRefused,
    webhook_event_receive,
    webhook_reject_record,
    webhook_secret_verify,
)

logger = logging.getLogger(__name__)


def _is_form(content_type: str) -> bool:
    # Only form encodings are refused by their label: Z-API uses application/json (spec 001
    # "Webhooks > When sending"), but a missing or plain-text label must not cost us an event when
    # the body is JSON (servers fill a missing one with "text/plain"). The body decides.
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("multipart/form-data", "application/x-www-form-urlencoded")


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` (declared or actual)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


# Deeper than any Z-API payload (a few levels): deeper bodies are refused, not parsed on.
MAX_JSON_DEPTH = 32


def _refuse_constant(name: str) -> float:
    # NaN and Infinity are not JSON (RFC 8259) and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


def _unstorable(data: object) -> str:
    """Why a parsed body cannot be stored and processed ("" when it can): nested deeper
    than MAX_JSON_DEPTH, or a string with a lone surrogate (``"\\ud800"``), which is not
    text and breaks the event's page. Walked without recursion."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"nested deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(value, dict):
            stack.extend((k, depth) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "a string that is not valid Unicode (a lone surrogate)"
    return ""


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def _may_be_unstorable(body: bytes) -> bool:
    """False when ``_unstorable`` cannot object, seen from the bytes (most bodies): in UTF-8
    (no NUL byte; UTF-16 and UTF-32 have them) a lone surrogate needs a ``\\u`` escape or an
    encoded surrogate (0xED lead byte), and nesting deeper than MAX_JSON_DEPTH needs at least
    MAX_JSON_DEPTH opening brackets."""
    return (
        b"\x00" in body
        or b"\\u" in body
        or b"\xed" in body
        or body.count(b"{") + body.count(b"[") >= MAX_JSON_DEPTH - 1
    )


class Refusal(NamedTuple):
    status: int
    error: str  # the answer's
    reason: str  # the reject's, for support


def parse_body(body: bytes, content_type: str) -> dict[str, Any] | Refusal:
    if _is_form(content_type):
        return Refusal(415, "JSON only", "form body, not JSON")
    try:
        # json.loads(body, ...) without building a decoder per request.
        data = _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except RecursionError:
        return Refusal(400, "JSON nested too deeply", "nested too deeply to parse")
    except ValueError as exc:
        return Refusal(400, "malformed JSON", f"malformed JSON: {exc}")
    problem = _unstorable(data) if _may_be_unstorable(body) else ""
    if problem:
        return Refusal(400, "JSON we cannot store", problem)
    if not isinstance(data, dict):
        return Refusal(
            400, "a JSON object is required", f"not a JSON object: {type(data).__name__}"
        )
    return data


@machine_endpoint
@csrf_exempt
@require_POST
def receive(request: HttpRequest, instance_id: int, secret: str, kind: str = "") -> HttpResponse:
    try:
        return _receive(request, instance_id, secret)
    except DatabaseError:
        # Never a 200 for an event we could not store: Z-API (or whoever) must try again.
        logger.exception("webhook for instance %s not stored: database error", instance_id)
        return JsonResponse({"error": "unavailable"}, status=503, headers={"Retry-After": "30"})


# JsonResponse's bodies for these two, encoded once.
STORED, DUPLICATE = (json.dumps({"status": s}).encode() for s in ("stored", "duplicate"))


def _receive(request: HttpRequest, instance_id: int, secret: str) -> HttpResponse:
    content_type = request.META.get("CONTENT_TYPE", "")
    body = _read_body(request, settings.WEBHOOK_MAX_BODY_BYTES)
    data = Refusal(413, "body too large", "") if body is None else parse_body(body, content_type)
    if not isinstance(data, Refusal):
        try:
            _event, created = webhook_event_receive(
                instance_id=instance_id, data=data, secret=secret
            )
        except WebhookSecretRefused:
            return HttpResponse(status=404)
        return HttpResponse(STORED if created else DUPLICATE, content_type="application/json")
    # The secret first: a wrong one is a 404 whatever was sent, and nothing of it is kept.
    if webhook_secret_verify(instance_id=instance_id, secret=secret) is None:
        return HttpResponse(status=404)
    if body is not None:
        # The secret was right: keep what was sent, so support can see it.
        webhook_reject_record(
            instance_id=instance_id, reason=data.reason, content_type=content_type, body=body
        )
    return JsonResponse({"error": data.error}, status=data.status)


@machine_endpoint
@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """Benchmark baseline only (mounted when BENCH_BARE_ENDPOINT=1): an empty 200."""
    request.read()
    return HttpResponse(b"{}", content_type="application/json")
