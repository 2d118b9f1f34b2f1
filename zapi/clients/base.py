"""What every client shares: URL building, headers, error mapping, retries, logging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel

from zapi.endpoints import ENDPOINTS_BY_NAME, Endpoint, Scope
from zapi.errors import (
    MaybeDeliveredError,
    NeverSentError,
    RateLimitedError,
    TransportError,
    ZapiError,
    error_from_response,
    parse_body,
)
from zapi.redaction import install_log_redaction, redact_url
from zapi.transport import shared_http_client

logger = logging.getLogger("zapi")
install_log_redaction()

M = TypeVar("M", bound=BaseModel)

# Connect-phase failures: nothing reached the server (DNS is a ConnectError in httpx).
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
MAX_RETRY_AFTER = 30.0


class BaseClient:
    scope: ClassVar[Scope]

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.Client | None = None,
        timeout: httpx.Timeout | None = None,
        max_retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep

    # -- to override -------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {}

    def _secrets(self) -> tuple[str | None, ...]:
        return ()

    def _prefix(self, endpoint: Endpoint) -> str:
        return ""

    # -- public ------------------------------------------------------------------
    @property
    def http(self) -> httpx.Client:
        return self._http if self._http is not None else shared_http_client()

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Call any ``ENDPOINTS`` row of this client's scope by name; returns the parsed body."""
        return parse_body(self.request(name, path=path, query=query, json=json).content)

    def request(
        self,
        name: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        secrets: tuple[str | None, ...] = (),
    ) -> httpx.Response:
        """Send one request; idempotent rows are retried on retryable errors."""
        endpoint = ENDPOINTS_BY_NAME[name]
        if endpoint.scope != self.scope:
            raise ValueError(f"{name} is a {endpoint.scope} endpoint, not {self.scope}")
        url = self.base_url + self._prefix(endpoint) + endpoint.format_path(**(path or {}))
        params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
        all_secrets = (*self._secrets(), *secrets)
        attempt = 0
        while True:
            try:
                return self._send_once(endpoint, url, params, json, all_secrets)
            except ZapiError as exc:
                retry = endpoint.idempotent and (
                    exc.retryable or isinstance(exc, MaybeDeliveredError)
                )
                if not retry or attempt >= self.max_retries:
                    raise
                delay = self.backoff * 2**attempt
                if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
                    delay = min(exc.retry_after, MAX_RETRY_AFTER)
                logger.info("zapi retry %s in %.2fs after %r", endpoint.name, delay, exc)
                self._sleep(delay)
                attempt += 1

    # -- internals ---------------------------------------------------------------
    def _send_once(
        self,
        endpoint: Endpoint,
        url: str,
        params: dict[str, str],
        body: Any,
        secrets: tuple[str | None, ...],
    ) -> httpx.Response:
        headers = {"Accept": "application/json", **self._headers()}
        if endpoint.method != "GET":
            # Z-API answers 415 without a Content-Type, even on empty POSTs (spec 001, "Mobile >
            # Request confirmation code").
            headers["Content-Type"] = "application/json"
        shown = redact_url(url)
        started = time.monotonic()
        kwargs: dict[str, Any] = {"params": params or None, "headers": headers}
        if body is not None:
            kwargs["json"] = body
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        try:
            response = self.http.request(endpoint.method, url, **kwargs)
        except httpx.TransportError as exc:
            lost = _transport_error(exc, endpoint.method, url, secrets)
            logger.warning("zapi %s %s failed: %s", endpoint.method, shown, lost.message)
            raise lost from None
        elapsed = (time.monotonic() - started) * 1000
        error = error_from_response(
            response.status_code,
            parse_body(response.content),
            method=endpoint.method,
            url=url,
            headers=dict(response.headers),
            secrets=secrets,
        )
        if error is not None:
            logger.warning(
                "zapi %s %s -> %s in %.0fms: %s",
                endpoint.method,
                shown,
                response.status_code,
                elapsed,
                error.message,
            )
            raise error
        logger.debug(
            "zapi %s %s -> %s in %.0fms", endpoint.method, shown, response.status_code, elapsed
        )
        return response

    def _model(self, model: type[M], name: str, **kwargs: Any) -> M:
        return model.model_validate(self.call(name, **kwargs))

    def _models(self, model: type[M], name: str, **kwargs: Any) -> list[M]:
        data = self.call(name, **kwargs)
        return [model.model_validate(item) for item in _as_list(data)]


def _as_list(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if data is None:
        return []
    return [data]


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _transport_error(
    exc: httpx.TransportError, method: str, url: str, secrets: tuple[str | None, ...]
) -> TransportError:
    # httpx messages rarely hold the URL, but never trust that: redact.
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    kind: type[TransportError] = (
        NeverSentError if isinstance(exc, _NEVER_SENT) else MaybeDeliveredError
    )
    return kind(detail, method=method, url=url, secrets=(*secrets, url))
