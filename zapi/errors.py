"""One exception tree for everything that can go wrong talking to Z-API and partners.

Every error says whether it is ``retryable``: a worker may try the same call again later
and expect a different outcome. Messages and reprs never hold a token (see redaction.py).

    ZapiError
    ├── HttpError                 an HTTP answer we did not like
    │   ├── AuthError             wrong/missing credentials (permanent)
    │   │   ├── ClientTokenError  "null not allowed": Client-Token missing or wrong
    │   │   └── IpNotAllowedError "[ip] not allowed": IP restriction
    │   ├── NotConnectedError     the phone is not connected (pause, pair again)
    │   ├── ValidationError       400
    │   ├── NotFoundError         404
    │   ├── MethodNotAllowedError 405
    │   ├── UnsupportedMediaTypeError 415
    │   ├── RateLimitedError      429 (retryable, retry_after)
    │   └── ServerError           5xx (retryable)
    └── TransportError            no HTTP answer at all
        ├── NeverSentError        connect refused, DNS, connect/pool timeout (retryable)
        └── MaybeDeliveredError   read timeout or connection lost after the request was
                                  written: Z-API may have queued it (not retried)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from zapi.redaction import redact_text, redact_url


class ZapiError(Exception):
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: Any = None,
        method: str | None = None,
        url: str | None = None,
        secrets: tuple[str | None, ...] = (),
    ) -> None:
        self.message = redact_text(message, *secrets)
        self.status_code = status_code
        # The body may echo what we sent (a token in a URL we passed): mask secrets in it.
        self.body = _redact_data(body, secrets)
        self.method = method
        self.url = redact_url(url) if url is not None else None
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"{self.method} {self.url}: " if self.method and self.url else ""
        status = f"HTTP {self.status_code}: " if self.status_code is not None else ""
        return f"{where}{status}{self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, retryable={self.retryable})"


class HttpError(ZapiError):
    """Z-API answered with an error status (or an error body)."""


class AuthError(HttpError):
    """Credentials refused: wrong instance token, integrator token or access token."""


class ClientTokenError(AuthError):
    """The account security token is on and ``Client-Token`` is missing or wrong.

    Z-API answers ``{"error": "null not allowed"}`` (spec 001, "Introduction > Unregistered Token
    Behavior").
    """


class IpNotAllowedError(AuthError):
    """IP restriction: ``{"error": "[IP da chamada] not allowed"}`` (spec 001, "Introduction >
    Unregistered IP behavior")."""


class NotConnectedError(HttpError):
    """The phone is not connected ("You are not connected.", spec 001, "Instance > Instance
    status").

    Not retryable as such: the dispatcher pauses the instance until ``ConnectedCallback``.
    """


class ValidationError(HttpError):
    """400: the body does not match the documentation."""


class NotFoundError(HttpError):
    """404."""


class MethodNotAllowedError(HttpError):
    """405: wrong HTTP method for the route."""


class UnsupportedMediaTypeError(HttpError):
    """415: missing ``Content-Type: application/json``."""


class RateLimitedError(HttpError):
    """429: slow down; ``retry_after`` seconds when the server says so."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(HttpError):
    """5xx: the upstream failed; trying again later may work."""

    retryable = True


class TransportError(ZapiError):
    """No HTTP answer."""


class NeverSentError(TransportError):
    """The request never reached Z-API (connect refused, DNS, connect/pool timeout)."""

    retryable = True


class MaybeDeliveredError(TransportError):
    """The request was written but no answer came (read timeout, connection dropped).

    Z-API may have accepted it: resending a ``send-*`` could deliver it twice, so this is
    not retryable automatically; reconcile first (queue, webhooks).
    """


def _redact_data(data: Any, secrets: tuple[str | None, ...]) -> Any:
    if not any(secrets):
        return data
    if isinstance(data, str):
        return redact_text(data, *secrets)
    if isinstance(data, list):
        return [_redact_data(item, secrets) for item in data]
    if isinstance(data, dict):
        return {k: _redact_data(v, secrets) for k, v in data.items()}
    return data


def parse_body(content: bytes) -> Any:
    """JSON if the body is JSON, else the text (or None when empty)."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace")


def _error_text(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("error", "message", "reason", "detail"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if isinstance(body, str):
        return body[:300]
    return ""


def auth_error_class(text: str) -> type[AuthError] | None:
    """The auth error an ``error`` text stands for, if any."""
    lowered = text.strip().lower()
    if lowered == "null not allowed" or "client-token" in lowered:
        return ClientTokenError
    if lowered.endswith("not allowed"):
        return IpNotAllowedError
    if "invalid token" in lowered or "instance not found" in lowered or "unauthorized" in lowered:
        return AuthError
    return None


def _is_not_connected(text: str) -> bool:
    lowered = text.lower()
    return "not connected" in lowered or "restore the session" in lowered


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def error_from_response(
    status_code: int,
    body: Any,
    *,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    secrets: tuple[str | None, ...] = (),
) -> HttpError | None:
    """The error a response stands for, or None when it is a success.

    A 2xx is a success unless its body is nothing but an ``error`` text.
    """
    text = _error_text(body)
    auth = auth_error_class(text) if text else None
    common: dict[str, Any] = {
        "status_code": status_code,
        "body": body,
        "method": method,
        "url": url,
        "secrets": secrets,
    }
    # Z-API may send the auth bodies with a 2xx status; a 2xx dict with other keys is data.
    bare = isinstance(body, dict) and set(body) <= {"error", "message"}
    if auth is not None and (status_code >= 400 or bare):
        return auth(text, **common)
    if status_code < 400:
        # A 2xx whose whole body is an error text (e.g. a send to a disconnected phone)
        # is still a failure; a 2xx with data and an "error" field (/status) is data.
        if bare and text:
            cls = NotConnectedError if _is_not_connected(text) else HttpError
            return cls(text, **common)
        return None
    message = text or f"HTTP {status_code}"
    if status_code in (401, 403):
        return AuthError(message, **common)
    if _is_not_connected(text):
        return NotConnectedError(message, **common)
    if status_code == 429:
        retry_after = _retry_after((headers or {}).get("retry-after"))
        return RateLimitedError(message, retry_after=retry_after, **common)
    by_status: dict[int, type[HttpError]] = {
        400: ValidationError,
        404: NotFoundError,
        405: MethodNotAllowedError,
        415: UnsupportedMediaTypeError,
    }
    if status_code >= 500:
        return ServerError(message, **common)
    return by_status.get(status_code, HttpError)(message, **common)
