"""Keep secrets out of logs, exception messages and reprs.

The instance token sits in the URL path (``/instances/{id}/token/{token}/...``, spec 001
"Introduction > What is it and what is it for?"), so any URL we print goes through ``redact_url``
first. ``Client-Token`` and Bearer
tokens travel in headers; ``redact_text`` masks them wherever they are quoted.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

_TOKEN_SEGMENT = re.compile(r"(/token/)([^/?#\s\"']+)")
_BEARER = re.compile(r"(Bearer\s+)([^\s\"',]+)", re.IGNORECASE)
_CLIENT_TOKEN = re.compile(
    r"((?:Client-Token|client_token)[\"']?\s*[:=]\s*[\"']?)([^\s\"',}]+)", re.I
)


def redact(text: str, *secrets: str | None) -> str:
    """Replace every occurrence of each non-empty secret in ``text`` with ``***``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_url(url: object) -> str:
    """The URL with the token path segment masked."""
    return _TOKEN_SEGMENT.sub(rf"\1{MASK}", str(url))


def redact_text(text: str, *secrets: str | None) -> str:
    """Mask known secrets, token path segments, Bearer tokens and Client-Token values."""
    text = redact(text, *secrets)
    text = _TOKEN_SEGMENT.sub(rf"\1{MASK}", text)
    text = _BEARER.sub(rf"\1{MASK}", text)
    return _CLIENT_TOKEN.sub(rf"\1{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with ``redact_text``.

    httpx logs every request URL at INFO ("HTTP Request: GET https://.../token/<t>/status"),
    so the ``zapi`` package installs this on the ``httpx`` and ``httpcore`` loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()
# Filters do not apply to records propagated from child loggers, so list the children.
_LOGGERS = (
    "zapi",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def install_log_redaction() -> None:
    """Attach the filter once to the loggers that may print our URLs or headers."""
    for name in _LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)
